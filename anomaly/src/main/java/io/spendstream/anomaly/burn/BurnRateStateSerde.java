package io.spendstream.anomaly.burn;

import io.spendstream.anomaly.StateRecordSerde;
import io.spendstream.anomaly.avro.BurnRateStateRecord;

/**
 * Serde of the state store {@code anomaly-burn-rate-state} (and its changelog): format byte {@value #FORMAT_V1}
 * followed by Avro binary of the private {@code BurnRateStateRecord} (see {@link StateRecordSerde}).
 */
public final class BurnRateStateSerde extends StateRecordSerde<BurnRateStateRecord> {

    static final byte FORMAT_V1 = 1;

    public BurnRateStateSerde() {
        super(BurnRateStateRecord.class, FORMAT_V1, "burn-rate state");
    }
}
