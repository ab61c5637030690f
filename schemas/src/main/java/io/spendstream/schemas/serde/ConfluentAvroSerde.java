package io.spendstream.schemas.serde;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
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
    /** The schema reads resolve to: {@link #readerSchema}, or a projection of it ({@link #withoutTrailingFields}). */
    private final Schema readSchema;
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
        this(readerSchema, readerSchema, model, registry, isKey, subject);
    }

    private ConfluentAvroSerde(Schema readerSchema, Schema readSchema, GenericData model,
            SchemaRegistryClient registry, boolean isKey, String subject) {
        this.readerSchema = readerSchema;
        this.readSchema = readSchema;
        this.model = model;
        this.registry = registry;
        this.isKey = isKey;
        this.subject = subject;
        this.writer = model instanceof SpecificData specific
                ? AvroBinary.specificWriter(readerSchema, specific)
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

    /**
     * The same serde reading records without their last fields {@code fields}: Avro skips them in the bytes
     * instead of building their objects, and the record read leaves them null. For a consumer that uses none of
     * them (issue 18: attribution's value figures read back every unit-cost record, and its children, two strings
     * and a decimal per resource and SKU, were most of what decoding one cost). Only trailing fields, so that every
     * field read keeps its position in the generated class. Writes are the full record's, under the same subject;
     * the copy is not handed to {@code SpendstreamTopics#registerSchemas}, so it registers nothing of its own.
     *
     * @throws IllegalArgumentException when the schema is not a record or {@code fields} are not its last fields
     */
    public ConfluentAvroSerde<T> withoutTrailingFields(String... fields) {
        RecordProjection.requireRecord(readerSchema);
        List<Schema.Field> all = readerSchema.getFields();
        int kept = all.size() - fields.length;
        for (int i = 0; i < fields.length; i++) {
            if (kept < 0 || !all.get(kept + i).name().equals(fields[i])) {
                throw new IllegalArgumentException(List.of(fields) + " are not the last fields of "
                        + readerSchema.getFullName());
            }
        }
        return new ConfluentAvroSerde<>(readerSchema, RecordProjection.of(readerSchema, all.subList(0, kept)), model,
                registry, isKey, subject);
    }

    /** The registry this serde reads writers' schemas from and registers its own in. */
    SchemaRegistryClient registry() {
        return registry;
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
        try {
            return AvroBinary.write(writer, data, ConfluentWireFormat.MAGIC_BYTE, id);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + readerSchema.getFullName() + " to '" + topic + "': "
                    + e.getMessage(), e);
        }
    }

    T deserialize(String topic, byte[] framed) {
        return framed == null ? null : deserializeKeepingBytes(topic, framed).view();
    }

    /**
     * Reads {@code framed} as the deserializer does (same record, same errors), keeping the bytes, the writer's id
     * and whether the record ends them: for an app that decodes a whole record and may write it on unchanged, as the
     * bytes it read ({@link ForwardedRecord}; ingest's cost lines, issue 18).
     *
     * @throws SerializationException as the deserializer does
     */
    @SuppressWarnings("unchecked")
    public ForwardedRecord<T> deserializeKeepingBytes(String topic, byte[] framed) {
        int writerId = ConfluentWireFormat.schemaId(framed, topic);
        DatumReader<Object> reader = readersByWriterId.computeIfAbsent(writerId, this::readerFor);
        try {
            AvroBinary.Datum<Object> datum = AvroBinary.readDatum(reader, framed, ConfluentWireFormat.HEADER_SIZE);
            Object value = datum.value();
            return new ForwardedRecord<>(framed, writerId,
                    (T) (value instanceof CharSequence text ? text.toString() : value), datum.endsTheBytes());
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read " + readerSchema.getFullName() + " (writer schema id "
                    + writerId + ") from '" + topic + "': " + e.getMessage(), e);
        }
    }

    private DatumReader<Object> readerFor(int writerId) {
        Schema writerSchema = registry.getById(writerId);
        return model instanceof SpecificData specific
                ? new SpecificDatumReader<>(writerSchema, readSchema, specific)
                : new GenericDatumReader<>(writerSchema, readSchema, model);
    }
}
