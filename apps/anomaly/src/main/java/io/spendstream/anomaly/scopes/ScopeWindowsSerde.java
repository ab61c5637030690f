package io.spendstream.anomaly.scopes;

import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state store {@code anomaly-scope-windows} (and its changelog): a format byte and Avro binary
 * ({@link PrivateAvroSerde}). Format 2 carries each part's {@code coveredUntil}; format 1 (before it, schema kept as
 * {@code ScopeWindowsRecord-v1.avsc}) is still read, its parts' coverage unknown (null), so a store written before
 * the upgrade restores.
 */
public final class ScopeWindowsSerde extends PrivateAvroSerde<ScopeWindowsRecord> {

    static final byte FORMAT_V2 = 2;
    static final Schema SCHEMA_V1 = schemaResource(ScopeWindowsSerde.class, "ScopeWindowsRecord-v1.avsc");

    public ScopeWindowsSerde() {
        super(ScopeWindowsRecord.class, "scope windows", FORMAT_V2, Map.of(FORMAT_V1, SCHEMA_V1));
    }
}
