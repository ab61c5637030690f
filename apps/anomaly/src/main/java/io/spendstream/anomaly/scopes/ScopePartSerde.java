package io.spendstream.anomaly.scopes;

import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the repartition topic {@code anomaly-scope-parts}: a format byte and Avro binary
 * ({@link PrivateAvroSerde}).
 */
public final class ScopePartSerde extends PrivateAvroSerde<ScopePartRecord> {

    public ScopePartSerde() {
        super(ScopePartRecord.class, "scope part");
    }
}
