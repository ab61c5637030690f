package io.spendstream.anomaly.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.schemas.serde.AvroBinary;

/**
 * Serde of the anomaly app's private Avro records (state stores, their changelogs, the alert gate's repartition
 * topic): a format byte followed by Avro binary. Not the Confluent wire format, for the same reason as the detector's
 * state serde: these bytes restore without a schema registry and never leave the app. A later schema bumps the byte
 * and keeps a reader for the older ones (the four-argument constructor, with their writer schemas).
 */
public class PrivateAvroSerde<T extends SpecificRecord> implements Serde<T> {

    public static final byte FORMAT_V1 = 1;

    /** What the bytes are, for error messages, e.g. {@code burn-rate state}. */
    private final String description;
    /** The format byte written: the current schema. */
    private final byte format;
    // One serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<T>> writer;
    private final ThreadLocal<SpecificDatumReader<T>> reader;
    /** Per older format byte, a reader that resolves its writer schema into the current one. */
    private final Map<Byte, ThreadLocal<SpecificDatumReader<T>>> olderReaders = new HashMap<>();

    public PrivateAvroSerde(Class<T> type, String description) {
        this(type, description, FORMAT_V1, Map.of());
    }

    /**
     * A serde that writes format {@code format} (the current schema of {@code type}) and still reads the older
     * formats of {@code older}, each with the writer schema it was written with (resolved into the current one, so
     * a field added with a default reads as that default).
     */
    public PrivateAvroSerde(Class<T> type, String description, byte format, Map<Byte, Schema> older) {
        this.description = description;
        this.format = format;
        this.writer = ThreadLocal.withInitial(() -> AvroBinary.specificWriter(type));
        this.reader = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(type));
        Schema current = SpecificData.get().getSchema(type);
        older.forEach((olderFormat, schema) -> olderReaders.put(olderFormat,
                ThreadLocal.withInitial(() -> new SpecificDatumReader<>(schema, current))));
    }

    /** The Avro schema in the resource {@code resource} next to {@code near}: an older format's writer schema. */
    public static Schema schemaResource(Class<?> near, String resource) {
        try (InputStream in = near.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " next to " + near.getSimpleName());
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : write(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public byte[] write(T value) {
        try {
            return AvroBinary.write(writer.get(), value, format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public T read(byte[] bytes) {
        ThreadLocal<SpecificDatumReader<T>> formatReader = bytes.length == 0 ? null
                : bytes[0] == format ? reader : olderReaders.get(bytes[0]);
        if (formatReader == null) {
            throw new SerializationException("Unknown " + description + " format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected " + format
                    + (olderReaders.isEmpty() ? "" : " or " + new TreeSet<>(olderReaders.keySet())));
        }
        try {
            return AvroBinary.read(formatReader.get(), bytes, 1);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt " + description + ": " + e.getMessage(), e);
        }
    }
}
