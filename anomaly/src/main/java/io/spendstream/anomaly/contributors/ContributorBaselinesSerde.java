package io.spendstream.anomaly.contributors;

import io.spendstream.anomaly.StateRecordSerde;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;

/**
 * Serde of the state store {@code anomaly-contributor-baselines} (and its changelog): format byte
 * {@value #FORMAT_V1} followed by Avro binary of the private {@code ContributorBaselinesRecord} (see
 * {@link StateRecordSerde}).
 */
public final class ContributorBaselinesSerde extends StateRecordSerde<ContributorBaselinesRecord> {

    static final byte FORMAT_V1 = 1;

    public ContributorBaselinesSerde() {
        super(ContributorBaselinesRecord.class, FORMAT_V1, "contributor baselines");
    }
}
