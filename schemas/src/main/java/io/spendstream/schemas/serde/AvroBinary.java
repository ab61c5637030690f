package io.spendstream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Avro binary for every serde that frames it (the Confluent wire format of {@link ConfluentAvroSerde}, the format
 * byte of the apps' private state serdes), written and read the way the hot paths need (issue 18's profiles):
 * <ul>
 *   <li>the frame's header and the payload go into one buffer reused per thread, copied out once; the buffered
 *       encoder and the decoder are reused too (a fresh buffered encoder allocates a 2 KiB buffer per record: 3% of
 *       ingest's stream thread);</li>
 *   <li>{@link #specificWriter} resolves a generated record's {@code ["null", X]} unions by a null check instead of
 *       {@code GenericData.resolveUnion}'s by-name lookup of the datum's schema among the branches (and its check of
 *       every branch's logical-type conversion) on every nullable field: 6% of ingest's stream thread.</li>
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
        return new NullableUnionWriter<>(model.getSchema(type), model);
    }

    /** A writer of {@code schema} in {@code model} with the null-check union resolution. */
    public static <T> SpecificDatumWriter<T> specificWriter(Schema schema, SpecificData model) {
        return new NullableUnionWriter<>(schema, model);
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

    /** Reads one datum from {@code bytes} starting at {@code offset} (after the frame's header). */
    public static <T> T read(DatumReader<T> reader, byte[] bytes, int offset) throws IOException {
        Buffers buffers = Buffers.take();
        boolean read = false;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset,
                    buffers.decoder);
            buffers.decoder = decoder;
            T value = reader.read(null, decoder);
            read = true;
            return value;
        } finally {
            if (!read) {
                buffers.decoder = null;
            }
            buffers.release();
        }
    }

    /**
     * A specific record's field holds null or a value of its one other branch (its builder and setters are typed),
     * so null picks the null branch and anything else the other one; other unions are resolved as Avro does.
     */
    private static final class NullableUnionWriter<T> extends SpecificDatumWriter<T> {

        NullableUnionWriter(Schema schema, SpecificData model) {
            super(schema, model);
        }

        @Override
        protected int resolveUnion(Schema union, Object datum) {
            List<Schema> branches = union.getTypes();
            if (branches.size() == 2) {
                if (branches.get(0).getType() == Schema.Type.NULL) {
                    return datum == null ? 0 : 1;
                }
                if (branches.get(1).getType() == Schema.Type.NULL) {
                    return datum == null ? 1 : 0;
                }
            }
            return super.resolveUnion(union, datum);
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
