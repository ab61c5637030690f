package io.spendstream.anomaly.burn;

import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state store {@code anomaly-burn-rate-state} (and its changelog): a format byte followed by Avro binary
 * of the private {@code BurnRateStateRecord} ({@link PrivateAvroSerde}). A later schema bumps the byte and keeps a
 * reader for this one.
 */
public final class BurnRateStateSerde extends PrivateAvroSerde<BurnRateStateRecord> {

    public BurnRateStateSerde() {
        super(BurnRateStateRecord.class, "burn-rate state");
    }
}
