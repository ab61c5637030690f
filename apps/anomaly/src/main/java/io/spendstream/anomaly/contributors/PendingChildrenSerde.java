package io.spendstream.anomaly.contributors;

import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the pending windows' stores of the contributor baselines ({@link ContributorStates}): a format byte
 * followed by Avro binary of one {@code PendingChildrenRecord} ({@link PrivateAvroSerde}).
 */
public final class PendingChildrenSerde extends PrivateAvroSerde<PendingChildrenRecord> {

    public PendingChildrenSerde() {
        super(PendingChildrenRecord.class, "pending children");
    }
}
