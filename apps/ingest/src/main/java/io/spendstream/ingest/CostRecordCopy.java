package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.serde.AvroShortcuts;

/**
 * A copy of a {@link CostRecord} to change, holding the values Avro's copying builder
 * ({@code CostRecord.newBuilder(record).build()}) gives it, without that builder's generic deep copy: the builder
 * converts every decimal to its bytes and back and every timestamp to a long and back, and looks up the conversion of
 * each field on the way; copying each row that way was 5.5% of ingest's stream thread (issue 18: the valuer copies
 * every row).
 *
 * <p>Same values, field by field, as the builder's copy of a record built by its own builder: strings, numbers and
 * booleans are immutable and shared; a decimal already at its schema's scale and within its precision is shared (the
 * builder's copy is an equal BigDecimal of the same scale); a timestamp is cut to whole milliseconds, as the builder's
 * round trip through {@code timestamp-millis} cuts it; a map becomes a {@link HashMap} sized and filled in the
 * source's order, as Avro's deep copy makes it, so the copy's entries iterate, and are written, in the same order.
 * Anything else (a decimal of another scale, a field type added later) goes through Avro's own deep copy.
 */
final class CostRecordCopy {

    private static final SpecificData MODEL = SpecificData.getForClass(CostRecord.class);
    private static final List<FieldCopy> FIELDS = CostRecord.getClassSchema().getFields().stream()
            .map(CostRecordCopy::fieldCopy).toList();

    private CostRecordCopy() {
    }

    static CostRecord of(CostRecord record) {
        CostRecord copy = new CostRecord();
        for (int i = 0; i < FIELDS.size(); i++) {
            copy.put(i, FIELDS.get(i).copy(record.get(i)));
        }
        return copy;
    }

    /** How one field's value is copied; null stays null. */
    @FunctionalInterface
    private interface FieldCopy {
        Object copy(Object value);
    }

    private static FieldCopy fieldCopy(Schema.Field field) {
        Schema schema = field.schema();
        Schema value = valueBranch(schema);
        FieldCopy avro = v -> MODEL.deepCopy(schema, v);
        if (value == null) {
            return avro;
        }
        LogicalType logical = value.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return v -> v instanceof BigDecimal d && AvroShortcuts.fitsAsIs(d, decimal) ? d : avro.copy(v);
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
            return v -> v instanceof Instant instant ? toMillis(instant) : avro.copy(v);
        }
        if (logical != null) {
            return avro;
        }
        return switch (value.getType()) {
            case STRING -> v -> v == null || v instanceof String ? v : avro.copy(v);
            case INT, LONG, BOOLEAN, FLOAT, DOUBLE -> v -> v;
            case MAP -> value.getValueType().getType() == Schema.Type.STRING
                    && value.getValueType().getLogicalType() == null
                    ? v -> v instanceof Map<?, ?> map ? stringMap(map, avro) : avro.copy(v) : avro;
            default -> avro;
        };
    }

    /** The schema itself when it is no union; the other branch of a nullable union; else null. */
    private static Schema valueBranch(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        int nullBranch = AvroShortcuts.nullBranch(schema);
        return nullBranch < 0 ? null : schema.getTypes().get(1 - nullBranch);
    }

    private static Instant toMillis(Instant instant) {
        return instant.getNano() % 1_000_000 == 0 ? instant : Instant.ofEpochMilli(instant.toEpochMilli());
    }

    /** What Avro's deep copy of a map of strings makes: a HashMap of the source's size, filled in its order. */
    private static Object stringMap(Map<?, ?> map, FieldCopy avro) {
        Map<Object, Object> copy = new HashMap<>(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            boolean strings = entry.getKey() instanceof String
                    && (entry.getValue() == null || entry.getValue() instanceof String);
            if (!strings) {
                return avro.copy(map);
            }
            copy.put(entry.getKey(), entry.getValue());
        }
        return copy;
    }
}
