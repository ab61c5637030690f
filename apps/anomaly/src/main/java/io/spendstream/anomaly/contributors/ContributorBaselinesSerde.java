package io.spendstream.anomaly.contributors;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state store {@code anomaly-contributor-baselines} (and its changelog): a format byte followed by Avro
 * binary of the private {@code ContributorBaselinesRecord} ({@link PrivateAvroSerde}).
 */
public final class ContributorBaselinesSerde extends PrivateAvroSerde<ContributorBaselinesRecord> {

    public ContributorBaselinesSerde() {
        super(ContributorBaselinesRecord.class, "contributor baselines");
    }
}
