package io.spendstream.anomaly.scopes;

import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the repartition topic {@code anomaly-scope-parts}: a format byte and Avro binary
 * ({@link PrivateAvroSerde}). Format 2 carries the part's {@code coveredUntil}; format 1 (before it, schema kept as
 * {@code ScopePartRecord-v1.avsc}) is still read, with {@code coveredUntil} null, so parts in flight on the
 * repartition topic across an upgrade are read.
 */
public final class ScopePartSerde extends PrivateAvroSerde<ScopePartRecord> {

    static final byte FORMAT_V2 = 2;
    static final Schema SCHEMA_V1 = schemaResource(ScopePartSerde.class, "ScopePartRecord-v1.avsc");

    public ScopePartSerde() {
        super(ScopePartRecord.class, "scope part", FORMAT_V2, Map.of(FORMAT_V1, SCHEMA_V1));
    }
}
