package io.spendstream.schemas.serde;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A topic's Avro records kept as the bytes their producer wrote, with only the fields a consumer reads decoded: for
 * an app that passes most of each record on untouched (issue 18: enrich decoded every ~40-field cost line twice and
 * encoded it twice, half of its CPU, to read five fields and write the line on with an owner).
 *
 * <p>Reading resolves the writer's schema (fetched by id once per id, as {@link ConfluentAvroSerde} does) against a
 * projection of the full record's schema to the fields named: the others are skipped in the bytes without being
 * built (for a writer of the full record's own schema, the common case, by a plan made once:
 * {@link PlannedProjectionReader}), and an older writer's record reads with the defaults of fields it lacks. Writing writes the bytes as read, so
 * a repartition or a store holds exactly what the producer wrote; {@link ForwardingRecordWriter} writes them into a
 * record that nests them. Bytes that do not read fail as the full record's serde fails on them (same exception, same
 * message), so dead letters read the same. Null is a tombstone both ways.
 *
 * @param <V> the consumer's view of the fields it reads
 */
public final class ForwardingAvroSerde<V> implements Serde<ForwardedRecord<V>> {

    private final ConfluentAvroSerde<?> full;
    private final Schema projection;
    private final GenericData model;
    private final Function<GenericRecord, V> view;
    private final Map<Integer, DatumReader<GenericRecord>> readersByWriterId = new ConcurrentHashMap<>();

    /**
     * @param full the serde of the whole record (its schema, registry, and its errors for bytes that do not read)
     * @param fields the fields to decode, by name
     * @param view makes the consumer's view of a record of those fields (decimals as BigDecimal, timestamps as
     *        Instant, strings as String)
     * @throws IllegalArgumentException when the schema is not a record or has no field of one of the names
     */
    public ForwardingAvroSerde(ConfluentAvroSerde<?> full, List<String> fields, Function<GenericRecord, V> view) {
        this.full = full;
        this.projection = projection(full.schema(), fields);
        this.view = view;
        this.model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    /** The record's schema with the named fields alone, in the record's order (so it reads in one pass). */
    private static Schema projection(Schema record, List<String> names) {
        RecordProjection.requireRecord(record);
        for (String name : names) {
            if (record.getField(name) == null) {
                throw new IllegalArgumentException(record.getFullName() + " has no field '" + name + "'");
            }
        }
        return RecordProjection.of(record,
                record.getFields().stream().filter(field -> names.contains(field.name())).toList());
    }

    @Override
    public Serializer<ForwardedRecord<V>> serializer() {
        return (topic, record) -> record == null ? null : record.framed();
    }

    @Override
    public Deserializer<ForwardedRecord<V>> deserializer() {
        return this::deserialize;
    }

    ForwardedRecord<V> deserialize(String topic, byte[] framed) {
        if (framed == null) {
            return null;
        }
        int writerId = ConfluentWireFormat.schemaId(framed, topic);
        DatumReader<GenericRecord> reader = readersByWriterId.computeIfAbsent(writerId, this::readerFor);
        AvroBinary.Datum<GenericRecord> datum;
        try {
            datum = AvroBinary.readDatum(reader, framed, ConfluentWireFormat.HEADER_SIZE);
        } catch (IOException | RuntimeException e) {
            throw failure(topic, framed, writerId, e);
        }
        return new ForwardedRecord<>(framed, writerId, view.apply(datum.value()), datum.endsTheBytes());
    }

    /**
     * The full record's serde's error for these bytes, so that a dead letter says what it said before. Reading fewer
     * fields cannot succeed where reading all fails, but a skipped field is not checked as a read one is (a string's
     * UTF-8, say): should the full read succeed, the projection's own error is the one to report.
     */
    private RuntimeException failure(String topic, byte[] framed, int writerId, Exception projectionError) {
        try {
            full.deserializer().deserialize(topic, framed);
        } catch (RuntimeException fullError) {
            return fullError;
        }
        return new SerializationException("Cannot read the fields " + fieldNames() + " of "
                + projection.getFullName() + " (writer schema id " + writerId + ") from '" + topic + "': "
                + projectionError.getMessage(), projectionError);
    }

    private List<String> fieldNames() {
        return projection.getFields().stream().map(Schema.Field::name).toList();
    }

    /** A plan for a writer of the full record's own schema (the common case), else Avro's resolving reader. */
    private DatumReader<GenericRecord> readerFor(int writerId) {
        Schema writer = full.registry().getById(writerId);
        return writer.equals(full.schema()) ? new PlannedProjectionReader(writer, projection, model)
                : new GenericDatumReader<>(writer, projection, model);
    }
}
