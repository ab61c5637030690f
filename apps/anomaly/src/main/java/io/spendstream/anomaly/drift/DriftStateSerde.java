package io.spendstream.anomaly.drift;

import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state store {@code anomaly-drift-state} (and its changelog): a format byte followed by Avro binary
 * of the private {@code DriftStateRecord} ({@link PrivateAvroSerde}).
 */
public final class DriftStateSerde extends PrivateAvroSerde<DriftStateRecord> {

    public DriftStateSerde() {
        super(DriftStateRecord.class, "drift state");
    }
}
