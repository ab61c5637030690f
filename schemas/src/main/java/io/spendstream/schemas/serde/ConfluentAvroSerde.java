package io.spendstream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.schemas.registry.SchemaRegistryClient;

/**
 * Avro in the Confluent wire format, with schemas registered under {@code <topic>-key} / {@code <topic>-value}
 * (Confluent's TopicNameStrategy), so Confluent's own deserializers, Karapace or Redpanda clients read what it writes.
 *
 * <p>A serde made for one subject ({@link #forRecord(Class, SchemaRegistryClient, String)}) writes every record with
 * that subject's id, whatever topic it writes to: the serdes of a topic also write the app's internal repartition and
 * changelog topics, and those of state records are made for their record name (Confluent's RecordNameStrategy). Its
 * id is registered once, by {@link #register()} at start-up, so that writing never needs the registry: a registry
 * outage cannot stop an app in the middle of a transaction. A serde made without a subject registers
 * {@code <topic>-key} / {@code <topic>-value} on its first record to each topic (tests, tools).
 *
 * <p>Reads resolve the writer's schema (fetched by id, cached) against this serde's reader schema, so consumers keep
 * working while producers move to a newer compatible schema. Null is a tombstone both ways.
 *
 * @param <T> a generated specific record, or {@link String} for keys
 */
public final class ConfluentAvroSerde<T> implements Serde<T> {

    private final Schema readerSchema;
    private final SchemaRegistryClient registry;
    private final boolean isKey;
    /** The one subject this serde writes under, or null to follow the topic (TopicNameStrategy). */
    private final String subject;
    /** The id of {@link #readerSchema} under {@link #subject}, once registered. */
    private volatile Integer subjectId;
    private final GenericData model;
    private final Map<String, Integer> registeredIds = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<Object>> readersByWriterId = new ConcurrentHashMap<>();
    private final DatumWriter<Object> writer;

    private ConfluentAvroSerde(Schema readerSchema, GenericData model, SchemaRegistryClient registry, boolean isKey,
            String subject) {
        this.readerSchema = readerSchema;
        this.model = model;
        this.registry = registry;
        this.isKey = isKey;
        this.subject = subject;
        this.writer = model instanceof SpecificData specific
                ? new NullableUnionWriter(readerSchema, specific)
                : new GenericDatumWriter<>(readerSchema, model);
    }

    /** Serde for a generated record class (values, or record keys) registering {@code <topic>-key|value}. */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forRecord(
            Class<T> type, SchemaRegistryClient registry, boolean isKey) {
        SpecificData model = SpecificData.getForClass(type);
        return new ConfluentAvroSerde<>(model.getSchema(type), model, registry, isKey, null);
    }

    /** Serde for a generated record class writing under one subject, e.g. {@code spend.cost-value}. */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forRecord(
            Class<T> type, SchemaRegistryClient registry, String subject) {
        SpecificData model = SpecificData.getForClass(type);
        return new ConfluentAvroSerde<>(model.getSchema(type), model, registry, subject.endsWith("-key"), subject);
    }

    /** Serde for Avro {@code "string"} keys, as Confluent's KafkaAvroSerializer writes a Java String. */
    public static ConfluentAvroSerde<String> forString(SchemaRegistryClient registry, boolean isKey) {
        return new ConfluentAvroSerde<>(Schema.create(Schema.Type.STRING), GenericData.get(), registry, isKey, null);
    }

    /** Serde for Avro {@code "string"} keys writing under one subject, e.g. {@code spend.cost-key}. */
    public static ConfluentAvroSerde<String> forString(SchemaRegistryClient registry, String subject) {
        return new ConfluentAvroSerde<>(Schema.create(Schema.Type.STRING), GenericData.get(), registry, true,
                subject);
    }

    public Schema schema() {
        return readerSchema;
    }

    /** The subject this serde writes under, or null when it follows the topic it writes to. */
    public String subject() {
        return subject;
    }

    /**
     * Registers (or finds: registering is idempotent) this serde's schema under its subject and keeps the id, so that
     * no later write calls the registry. Also caches the schema by id in a caching client, so that records written by
     * this version of the app are read without a lookup.
     *
     * @throws IllegalStateException when the serde has no subject of its own
     * @throws io.spendstream.schemas.registry.SchemaRegistryException when the registry cannot or will not register it
     */
    public int register() {
        if (subject == null) {
            throw new IllegalStateException("A serde without a subject registers per topic on its first record");
        }
        Integer id = subjectId;
        if (id == null) {
            id = registry.register(subject, readerSchema);
            subjectId = id;
        }
        return id;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    private String topicSubject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        int id = subject != null ? register()
                : registeredIds.computeIfAbsent(topicSubject(topic), s -> registry.register(s, readerSchema));
        Buffers buffers = Buffers.take();
        boolean written = false;
        try {
            // The frame's header, then the payload, into one reused buffer: one copy out, no encoder per record
            // (a fresh buffered encoder allocates its 2 KiB buffer; issue 18's profile: 3% of ingest).
            FrameOutput out = buffers.output;
            out.write(ConfluentWireFormat.MAGIC_BYTE);
            out.writeInt(id);
            // Buffered, not direct: a direct encoder writes each varint and zero byte to the stream one call at a time,
            // which was 17% of the attribution app's CPU in the benchmark's profile (docs/performance.md).
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, buffers.encoder);
            buffers.encoder = encoder;
            writer.write(data, encoder);
            encoder.flush();
            written = true;
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + readerSchema.getFullName() + " to '" + topic + "': "
                    + e.getMessage(), e);
        } finally {
            if (!written) {
                // A failed write may leave bytes in the encoder's buffer, which reusing it would flush into the next.
                buffers.encoder = null;
            }
            buffers.release();
        }
    }

    @SuppressWarnings("unchecked")
    T deserialize(String topic, byte[] framed) {
        if (framed == null) {
            return null;
        }
        int writerId = ConfluentWireFormat.schemaId(framed, topic);
        DatumReader<Object> reader = readersByWriterId.computeIfAbsent(writerId, this::readerFor);
        Buffers buffers = Buffers.take();
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(framed, ConfluentWireFormat.HEADER_SIZE,
                    framed.length - ConfluentWireFormat.HEADER_SIZE, buffers.decoder);
            buffers.decoder = decoder;
            Object value = reader.read(null, decoder);
            return (T) (value instanceof CharSequence text ? text.toString() : value);
        } catch (IOException | RuntimeException e) {
            buffers.decoder = null;
            throw new SerializationException("Cannot read " + readerSchema.getFullName() + " (writer schema id "
                    + writerId + ") from '" + topic + "': " + e.getMessage(), e);
        } finally {
            buffers.release();
        }
    }

    private DatumReader<Object> readerFor(int writerId) {
        Schema writerSchema = registry.getById(writerId);
        return model instanceof SpecificData specific
                ? new SpecificDatumReader<>(writerSchema, readerSchema, specific)
                : new GenericDatumReader<>(writerSchema, readerSchema, model);
    }

    /**
     * Writes a generated record's {@code ["null", X]} fields without asking {@link GenericData#resolveUnion}, which
     * looks the datum's schema name up among the branches (and checks every branch's logical-type conversion) on
     * every nullable field of every record: 6% of ingest's stream thread in issue 18's profile. A specific record's
     * field holds null or a value of its one other branch (its builder and setters are typed), so null picks the
     * null branch and anything else the other one; other unions are resolved as before.
     */
    static final class NullableUnionWriter extends SpecificDatumWriter<Object> {

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

    /** A byte stream without {@link ByteArrayOutputStream}'s locks, kept per thread. */
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
            return java.util.Arrays.copyOf(buf, count);
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        /** Empties the stream; drops a buffer one huge record grew, so a thread does not keep it. */
        void clear() {
            count = 0;
            if (buf.length > Buffers.KEPT_BYTES) {
                buf = new byte[1024];
            }
        }
    }

    /**
     * The output stream, encoder and decoder a thread reuses across records (a serde is shared by the stream
     * threads). Taken for one call; a nested call on the same thread (a serde calling another inside its own
     * serializer) gets fresh ones.
     */
    private static final class Buffers {

        static final int KEPT_BYTES = 1 << 20;
        private static final ThreadLocal<Buffers> PER_THREAD = ThreadLocal.withInitial(Buffers::new);

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

        void release() {
            output.clear();
            inUse = false;
        }
    }
}
