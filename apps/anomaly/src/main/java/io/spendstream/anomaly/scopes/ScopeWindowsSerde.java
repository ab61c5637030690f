package io.spendstream.anomaly.scopes;

import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state store {@code anomaly-scope-windows} (and its changelog): a format byte and Avro binary
 * ({@link PrivateAvroSerde}). Format 4 carries the windows' estimated bytes; format 3 (before them, schema kept as
 * {@code ScopeWindowsRecord-v3.avsc}) is still read with them unknown (-1, counted on the next change); format 2
 * (before each team part's requests and the team's usual request level, {@code ScopeWindowsRecord-v2.avsc}) with no
 * requests and a level of 0 (learned afresh) too, format 1 (before each part's {@code coveredUntil},
 * {@code ScopeWindowsRecord-v1.avsc}) with its parts' coverage unknown (null) too, so a store written before the
 * upgrade restores.
 */
public final class ScopeWindowsSerde extends PrivateAvroSerde<ScopeWindowsRecord> {

    static final byte FORMAT_V2 = 2;
    static final byte FORMAT_V3 = 3;
    static final byte FORMAT_V4 = 4;
    static final Schema SCHEMA_V1 = schemaResource(ScopeWindowsSerde.class, "ScopeWindowsRecord-v1.avsc");
    static final Schema SCHEMA_V2 = schemaResource(ScopeWindowsSerde.class, "ScopeWindowsRecord-v2.avsc");
    static final Schema SCHEMA_V3 = schemaResource(ScopeWindowsSerde.class, "ScopeWindowsRecord-v3.avsc");

    public ScopeWindowsSerde() {
        super(ScopeWindowsRecord.class, "scope windows", FORMAT_V4,
                Map.of(FORMAT_V1, SCHEMA_V1, FORMAT_V2, SCHEMA_V2, FORMAT_V3, SCHEMA_V3));
    }
}
