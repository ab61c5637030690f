package io.spendstream.schemas.serde;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * Reads a projection of a record written with the full record's own schema: the projected fields with Avro's reader
 * of each field, the others skipped by a plan made once per schema. Avro's resolving reader skips a field by walking
 * its schema again for every record (its {@code GenericDatumReader.skip}: 14% of enrich's stream thread when it read
 * six of a cost line's ~40 fields, issue 18); the plan holds the walk's outcome, so a skipped string is a length read
 * and a jump. For a writer with another schema {@link ForwardingAvroSerde} uses Avro's resolving reader.
 */
final class PlannedProjectionReader implements DatumReader<GenericRecord> {

    private final Schema projection;
    private final FieldStep[] steps;

    /** @param written the schema the records were written with, a record with every field of {@code projection} */
    PlannedProjectionReader(Schema written, Schema projection, GenericData model) {
        this.projection = projection;
        List<Schema.Field> fields = written.getFields();
        this.steps = new FieldStep[fields.size()];
        for (int i = 0; i < steps.length; i++) {
            Schema.Field field = fields.get(i);
            Schema.Field projected = projection.getField(field.name());
            if (projected == null) {
                Skipper skip = Skipper.of(field.schema(), Collections.newSetFromMap(new IdentityHashMap<>()));
                steps[i] = (in, record) -> skip.skip(in);
            } else {
                int pos = projected.pos();
                DatumReader<Object> read = new GenericDatumReader<>(field.schema(), projected.schema(), model);
                steps[i] = (in, record) -> record.put(pos, read.read(null, in));
            }
        }
    }

    @Override
    public void setSchema(Schema schema) {
        throw new UnsupportedOperationException("The writer's schema is fixed when the plan is made");
    }

    @Override
    public GenericRecord read(GenericRecord reuse, Decoder in) throws IOException {
        GenericData.Record record = new GenericData.Record(projection);
        for (FieldStep step : steps) {
            step.apply(in, record);
        }
        return record;
    }

    /** Reads one written field into the projection, or skips it. */
    @FunctionalInterface
    private interface FieldStep {
        void apply(Decoder in, GenericData.Record record) throws IOException;
    }

    /** Skips one value of a schema decided when the plan is made. */
    @FunctionalInterface
    interface Skipper {

        void skip(Decoder in) throws IOException;

        private static void skipLengthPrefixed(Decoder in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                throw new AvroRuntimeException("Malformed data. Length is negative: " + length);
            }
            in.skipFixed(length);
        }

        /** The skipper of {@code schema}; a record already being planned (a recursive one) is Avro's to skip. */
        static Skipper of(Schema schema, Set<Schema> planning) {
            return switch (schema.getType()) {
                case NULL -> in -> {
                };
                case BOOLEAN -> Decoder::readBoolean;
                case INT -> Decoder::readInt;
                case LONG -> Decoder::readLong;
                case FLOAT -> in -> in.skipFixed(4);
                case DOUBLE -> in -> in.skipFixed(8);
                // Checked as a read is (Avro's own skip would jump backwards): a corrupt line fails as it did.
                case STRING, BYTES -> Skipper::skipLengthPrefixed;
                case FIXED -> {
                    int size = schema.getFixedSize();
                    yield in -> in.skipFixed(size);
                }
                case ENUM -> Decoder::readEnum;
                case UNION -> {
                    Skipper[] branches = schema.getTypes().stream().map(branch -> of(branch, planning))
                            .toArray(Skipper[]::new);
                    yield in -> branches[in.readIndex()].skip(in);
                }
                case ARRAY -> {
                    Skipper element = of(schema.getElementType(), planning);
                    // skipArray jumps over blocks written with their size and returns the items of others to skip.
                    yield in -> {
                        for (long items = in.skipArray(); items != 0; items = in.skipArray()) {
                            for (long i = 0; i < items; i++) {
                                element.skip(in);
                            }
                        }
                    };
                }
                case MAP -> {
                    Skipper value = of(schema.getValueType(), planning);
                    yield in -> {
                        for (long entries = in.skipMap(); entries != 0; entries = in.skipMap()) {
                            for (long i = 0; i < entries; i++) {
                                in.skipString();
                                value.skip(in);
                            }
                        }
                    };
                }
                case RECORD -> {
                    if (!planning.add(schema)) {
                        yield in -> GenericDatumReader.skip(schema, in);
                    }
                    Skipper[] fields = schema.getFields().stream().map(f -> of(f.schema(), planning))
                            .toArray(Skipper[]::new);
                    planning.remove(schema);
                    yield in -> {
                        for (Skipper field : fields) {
                            field.skip(in);
                        }
                    };
                }
            };
        }
    }
}
