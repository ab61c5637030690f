package io.spendstream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro binary for every serde that frames it (the Confluent wire format of {@link ConfluentAvroSerde}, the format
 * byte of the apps' private state serdes), written and read the way the hot paths need (issue 18's profiles):
 * <ul>
 *   <li>the frame's header and the payload go into one buffer reused per thread, copied out once; the buffered
 *       encoder and the decoder are reused too (a fresh buffered encoder allocates a 2 KiB buffer per record: 3% of
 *       ingest's stream thread);</li>
 *   <li>{@link #specificWriter} resolves a generated record's {@code ["null", X]} unions by a null check instead of
 *       {@code GenericData.resolveUnion}'s by-name lookup of the datum's schema among the branches (and its check of
 *       every branch's logical-type conversion) on every nullable field: 6% of ingest's stream thread; and writes
 *       the fields of common kinds from a plan per record schema (see {@code PlannedSpecificWriter}).</li>
 * </ul>
 * The bytes are exactly what Avro's own writer writes (tests). A call nested in another on the same thread (a serde
 * calling another inside its own serializer) gets buffers of its own.
 */
public final class AvroBinary {

    /** A buffer a huge record grew beyond this is dropped after use, so a thread does not keep it. */
    static final int KEPT_BYTES = 1 << 20;

    private static final ThreadLocal<Buffers> PER_THREAD = ThreadLocal.withInitial(Buffers::new);

    private AvroBinary() {
    }

    /** A writer of the generated record class {@code type} with the null-check union resolution. */
    public static <T> SpecificDatumWriter<T> specificWriter(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new PlannedSpecificWriter<>(model.getSchema(type), model);
    }

    /** A writer of {@code schema} in {@code model} with the null-check union resolution. */
    public static <T> SpecificDatumWriter<T> specificWriter(Schema schema, SpecificData model) {
        return new PlannedSpecificWriter<>(schema, model);
    }

    /** {@code format} (one byte), then the Avro binary of {@code value}. */
    public static <T> byte[] write(DatumWriter<T> writer, T value, byte format) throws IOException {
        Buffers buffers = Buffers.take();
        try {
            buffers.output.write(format);
            return buffers.encode(writer, value);
        } finally {
            buffers.release();
        }
    }

    /** {@code magic}, {@code id} as a 4-byte big-endian int, then the Avro binary of {@code value}. */
    public static <T> byte[] write(DatumWriter<T> writer, T value, byte magic, int id) throws IOException {
        Buffers buffers = Buffers.take();
        try {
            buffers.output.write(magic);
            buffers.output.writeInt(id);
            return buffers.encode(writer, value);
        } finally {
            buffers.release();
        }
    }

    /**
     * {@code magic}, {@code id} as a 4-byte big-endian int, {@code length} bytes of {@code written} from
     * {@code offset} (Avro binary of the leading fields of a record, written before), then the Avro binary of
     * {@code value}: a record's binary is its fields' one after the other, so this is the record whose last field (or
     * fields, as a record) is {@code value}.
     */
    public static <T> byte[] write(DatumWriter<T> writer, T value, byte magic, int id, byte[] written, int offset,
            int length) throws IOException {
        Buffers buffers = Buffers.take();
        try {
            buffers.output.write(magic);
            buffers.output.writeInt(id);
            buffers.output.write(written, offset, length);
            return buffers.encode(writer, value);
        } finally {
            buffers.release();
        }
    }

    /** Reads one datum from {@code bytes} starting at {@code offset} (after the frame's header). */
    public static <T> T read(DatumReader<T> reader, byte[] bytes, int offset) throws IOException {
        return readDatum(reader, bytes, offset).value();
    }

    /** Reads one datum from {@code bytes} starting at {@code offset}, and says whether bytes are left after it. */
    public static <T> Datum<T> readDatum(DatumReader<T> reader, byte[] bytes, int offset) throws IOException {
        Buffers buffers = Buffers.take();
        boolean read = false;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset,
                    buffers.decoder);
            buffers.decoder = decoder;
            T value = reader.read(null, decoder);
            Datum<T> datum = new Datum<>(value, decoder.isEnd());
            read = true;
            return datum;
        } finally {
            if (!read) {
                buffers.decoder = null;
            }
            buffers.release();
        }
    }

    /**
     * A datum read, and whether it ended where the bytes end: Avro's readers ignore bytes after a datum, which a copy
     * of the bytes would carry along.
     */
    public record Datum<T>(T value, boolean endsTheBytes) {
    }

    /**
     * A specific record's field holds null or a value of its one other branch (its builder and setters are typed),
     * so null picks the null branch and anything else the other one; other unions are resolved as Avro does.
     *
     * <p>Writes a record's fields of the common kinds (strings, ints, longs, booleans, {@code timestamp-millis},
     * {@code decimal}, each also in a {@code ["null", X]} union) straight from a plan made once per record schema,
     * instead of Avro's generic walk, which for every field looks the schema's type and logical type up again,
     * converts a decimal through a ByteBuffer after looking its conversion up by class, and boxes a timestamp's
     * long: Avro's writing was the largest item of ingest's profile after the changes of issue 18 (20% of its stream
     * thread). A field is written so only when its value is one Avro's own path writes without complaint, as exactly
     * the bytes Avro writes (tests compare); any other value, and every other kind of field (maps, arrays, nested
     * records, enums), goes through Avro's own {@code writeField}, with its checks and error messages.
     */
    private static final class PlannedSpecificWriter<T> extends SpecificDatumWriter<T> {

        /** A plan per record schema reachable from the root, by identity. */
        private final Map<Schema, FieldWriter[]> plans;

        PlannedSpecificWriter(Schema schema, SpecificData model) {
            super(schema, model);
            this.plans = RecordPlans.of(schema, model);
        }

        @Override
        protected int resolveUnion(Schema union, Object datum) {
            int nullBranch = AvroShortcuts.nullBranch(union);
            if (nullBranch >= 0) {
                return datum == null ? nullBranch : 1 - nullBranch;
            }
            return super.resolveUnion(union, datum);
        }

        @Override
        protected void writeRecord(Schema schema, Object datum, Encoder out) throws IOException {
            FieldWriter[] plan = plans.get(schema);
            // Custom coders (off unless a system property turns them on) are Avro's to use.
            if (plan == null || !(datum instanceof SpecificRecordBase record) || getSpecificData().useCustomCoders()) {
                super.writeRecord(schema, datum, out);
                return;
            }
            List<Schema.Field> fields = schema.getFields();
            for (int i = 0; i < plan.length; i++) {
                if (plan[i] == null || !plan[i].write(record, out)) {
                    // The record state Avro passes is SpecificData's, always null (plans are made for it alone).
                    writeField(datum, fields.get(i), out, null);
                }
            }
        }
    }

    /** Writes one field of a record as Avro would, or writes nothing and returns false (Avro's path then writes it). */
    @FunctionalInterface
    private interface FieldWriter {
        boolean write(SpecificRecordBase record, Encoder out) throws IOException;
    }

    /** A value of one schema kind: whether it is one this writes, and writing it. */
    private interface ValueWriter {
        boolean fits(Object value);

        void write(Object value, Encoder out) throws IOException;

        /** The writer of the values of class {@code type} (and only those), written by {@code write}. */
        static <V> ValueWriter of(Class<V> type, TypedWrite<V> write) {
            return new ValueWriter() {
                @Override
                public boolean fits(Object value) {
                    return type.isInstance(value);
                }

                @Override
                public void write(Object value, Encoder out) throws IOException {
                    write.write(type.cast(value), out);
                }
            };
        }
    }

    /** Writes one value of a known class. */
    @FunctionalInterface
    private interface TypedWrite<V> {
        void write(V value, Encoder out) throws IOException;
    }

    /** The field plans of every record schema reachable from a root schema. */
    private static final class RecordPlans {

        private final SpecificData model;
        private final Map<Schema, FieldWriter[]> plans = new IdentityHashMap<>();

        private RecordPlans(SpecificData model) {
            this.model = model;
        }

        /** No plans for a subclass of SpecificData: it may write, or keep record state, its own way. */
        static Map<Schema, FieldWriter[]> of(Schema root, SpecificData model) {
            if (model.getClass() != SpecificData.class) {
                return Map.of();
            }
            RecordPlans plans = new RecordPlans(model);
            plans.visit(root);
            return Collections.unmodifiableMap(plans.plans);
        }

        private void visit(Schema schema) {
            switch (schema.getType()) {
                case RECORD -> {
                    if (plans.containsKey(schema)) {
                        return;
                    }
                    List<Schema.Field> fields = schema.getFields();
                    FieldWriter[] plan = new FieldWriter[fields.size()];
                    plans.put(schema, plan);
                    for (Schema.Field field : fields) {
                        plan[field.pos()] = field(field);
                        visit(field.schema());
                    }
                }
                case UNION -> schema.getTypes().forEach(this::visit);
                case ARRAY -> visit(schema.getElementType());
                case MAP -> visit(schema.getValueType());
                default -> {
                }
            }
        }

        /** The field's writer, or null when Avro's path writes every value of it. */
        private FieldWriter field(Schema.Field field) {
            int pos = field.pos();
            Schema schema = field.schema();
            if (schema.getType() == Schema.Type.UNION) {
                int nullIndex = AvroShortcuts.nullBranch(schema);
                if (nullIndex < 0) {
                    return null;
                }
                int valueIndex = 1 - nullIndex;
                // In a union Avro converts a logical value by the model's conversion for its class.
                ValueWriter value = value(schema.getTypes().get(valueIndex), true, null);
                if (value == null) {
                    return null;
                }
                return (record, out) -> {
                    Object datum = record.get(pos);
                    if (datum == null) {
                        out.writeIndex(nullIndex);
                        return true;
                    }
                    if (!value.fits(datum)) {
                        return false;
                    }
                    out.writeIndex(valueIndex);
                    value.write(datum, out);
                    return true;
                };
            }
            // Outside a union Avro converts a logical value by the record's own conversion for the field.
            Class<?> conversion = schema.getLogicalType() == null ? null : conversionClass(schema.getLogicalType());
            ValueWriter value = value(schema, false, conversion);
            if (value == null) {
                return null;
            }
            return (record, out) -> {
                Object datum = record.get(pos);
                if (conversion != null && !conversion.isInstance(record.getConversion(pos)) || !value.fits(datum)) {
                    return false;
                }
                value.write(datum, out);
                return true;
            };
        }

        /**
         * The writer of values of {@code schema}, or null for a kind Avro's path always writes. In a union the
         * model must convert the logical type with Avro's own conversion.
         */
        private ValueWriter value(Schema schema, boolean inUnion, Class<?> fieldConversion) {
            LogicalType logical = schema.getLogicalType();
            if (logical instanceof LogicalTypes.Decimal decimal && schema.getType() == Schema.Type.BYTES) {
                if (inUnion && !(model.getConversionByClass(BigDecimal.class, logical)
                        instanceof Conversions.DecimalConversion) || !inUnion && fieldConversion == null) {
                    return null;
                }
                return new DecimalWriter(decimal);
            }
            if (logical instanceof LogicalTypes.TimestampMillis && schema.getType() == Schema.Type.LONG) {
                if (inUnion && !(model.getConversionByClass(Instant.class, logical)
                        instanceof TimeConversions.TimestampMillisConversion) || !inUnion && fieldConversion == null) {
                    return null;
                }
                return ValueWriter.of(Instant.class, (instant, out) -> out.writeLong(instant.toEpochMilli()));
            }
            if (logical != null) {
                return null;
            }
            return switch (schema.getType()) {
                case STRING -> ValueWriter.of(String.class, (string, out) -> out.writeString(string));
                case INT -> ValueWriter.of(Integer.class, (number, out) -> out.writeInt(number));
                case LONG -> ValueWriter.of(Long.class, (number, out) -> out.writeLong(number));
                case BOOLEAN -> ValueWriter.of(Boolean.class, (bool, out) -> out.writeBoolean(bool));
                default -> null;
            };
        }

        /** The conversion class Avro's own path uses for a field of this logical type (null: none handled here). */
        private static Class<?> conversionClass(LogicalType logical) {
            if (logical instanceof LogicalTypes.Decimal) {
                return Conversions.DecimalConversion.class;
            }
            if (logical instanceof LogicalTypes.TimestampMillis) {
                return TimeConversions.TimestampMillisConversion.class;
            }
            return null;
        }
    }

    /**
     * A decimal at the schema's scale and within its precision, which Avro's conversion writes as the unscaled
     * value's two's-complement bytes; any other (a scale Avro would widen or refuse, too many digits) is Avro's.
     */
    private record DecimalWriter(LogicalTypes.Decimal type) implements ValueWriter {

        @Override
        public boolean fits(Object value) {
            return value instanceof BigDecimal decimal && AvroShortcuts.fitsAsIs(decimal, type);
        }

        @Override
        public void write(Object value, Encoder out) throws IOException {
            out.writeBytes(((BigDecimal) value).unscaledValue().toByteArray());
        }
    }

    /** A byte stream without {@link ByteArrayOutputStream}'s locks. */
    private static final class FrameOutput extends ByteArrayOutputStream {

        FrameOutput() {
            super(1024);
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buf, count, length);
            count += length;
        }

        void writeInt(int value) {
            ensure(4);
            buf[count++] = (byte) (value >>> 24);
            buf[count++] = (byte) (value >>> 16);
            buf[count++] = (byte) (value >>> 8);
            buf[count++] = (byte) value;
        }

        @Override
        public byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        void clear() {
            count = 0;
            if (buf.length > KEPT_BYTES) {
                buf = new byte[1024];
            }
        }
    }

    /** The output stream, encoder and decoder a thread reuses, taken for one call. */
    private static final class Buffers {

        final FrameOutput output = new FrameOutput();
        BinaryEncoder encoder;
        BinaryDecoder decoder;
        private boolean inUse;

        static Buffers take() {
            Buffers buffers = PER_THREAD.get();
            if (buffers.inUse) {
                buffers = new Buffers();
            }
            buffers.inUse = true;
            return buffers;
        }

        <T> byte[] encode(DatumWriter<T> writer, T value) throws IOException {
            // Buffered, not direct: a direct encoder writes each varint and zero byte to the stream one call at a
            // time, which was 17% of the attribution app's CPU in the benchmark's profile (docs/performance.md).
            BinaryEncoder reused = EncoderFactory.get().binaryEncoder(output, encoder);
            // Until the write completes the encoder may hold bytes of this value, which reusing it would flush into
            // the next one: it is kept only after a complete write.
            encoder = null;
            writer.write(value, reused);
            reused.flush();
            encoder = reused;
            return output.toByteArray();
        }

        void release() {
            output.clear();
            inUse = false;
        }
    }
}
