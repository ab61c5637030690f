package io.spendstream.anomaly.scopes;

import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state store {@code anomaly-scope-windows} (and its changelog): a format byte and Avro binary
 * ({@link PrivateAvroSerde}).
 */
public final class ScopeWindowsSerde extends PrivateAvroSerde<ScopeWindowsRecord> {

    public ScopeWindowsSerde() {
        super(ScopeWindowsRecord.class, "scope windows");
    }
}
