package io.spendstream.schemas.serde;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;

/**
 * A record schema cut to some of its fields, for a reader that needs only those: Avro resolves the writer's record
 * against it and skips the other fields in the bytes instead of building them. Used by
 * {@link ConfluentAvroSerde#withoutTrailingFields} and {@link ForwardingAvroSerde}.
 */
final class RecordProjection {

    private RecordProjection() {
    }

    /** @throws IllegalArgumentException when {@code schema} is not a record */
    static void requireRecord(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(schema.getFullName() + " is not a record");
        }
    }

    /** {@code record} with {@code fields} alone (some of its own, in its order), under its own name. */
    static Schema of(Schema record, List<Schema.Field> fields) {
        List<Schema.Field> copies = new ArrayList<>(fields.size());
        for (Schema.Field field : fields) {
            // A field belongs to one schema: the projection gets copies.
            copies.add(new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(),
                copies);
    }
}
