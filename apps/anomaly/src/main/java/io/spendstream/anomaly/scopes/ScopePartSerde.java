package io.spendstream.anomaly.scopes;

import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the repartition topic {@code anomaly-scope-parts}: a format byte and Avro binary
 * ({@link PrivateAvroSerde}). Format 3 carries a team part's {@code requests} and {@code requestsCoveredUntil};
 * format 2 (before them, schema kept as {@code ScopePartRecord-v2.avsc}) is still read with 0 requests and format 1
 * (before {@code coveredUntil}, {@code ScopePartRecord-v1.avsc}) with {@code coveredUntil} null too, so parts in
 * flight on the repartition topic across an upgrade are read.
 */
public final class ScopePartSerde extends PrivateAvroSerde<ScopePartRecord> {

    static final byte FORMAT_V2 = 2;
    static final byte FORMAT_V3 = 3;
    static final Schema SCHEMA_V1 = schemaResource(ScopePartSerde.class, "ScopePartRecord-v1.avsc");
    static final Schema SCHEMA_V2 = schemaResource(ScopePartSerde.class, "ScopePartRecord-v2.avsc");

    public ScopePartSerde() {
        super(ScopePartRecord.class, "scope part", FORMAT_V3, Map.of(FORMAT_V1, SCHEMA_V1, FORMAT_V2, SCHEMA_V2));
    }
}
