package io.spendstream.anomaly.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the anomaly app's private Avro records (state stores, their changelogs, the alert gate's repartition
 * topic): a format byte followed by Avro binary. Not the Confluent wire format, for the same reason as the detector's
 * state serde: these bytes restore without a schema registry and never leave the app. A later schema bumps the byte
 * and keeps a reader for this one.
 */
public class PrivateAvroSerde<T extends SpecificRecord> implements Serde<T> {

    public static final byte FORMAT_V1 = 1;

    /** What the bytes are, for error messages, e.g. {@code burn-rate state}. */
    private final String description;
    // One serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<T>> writer;
    private final ThreadLocal<SpecificDatumReader<T>> reader;

    public PrivateAvroSerde(Class<T> type, String description) {
        this.description = description;
        this.writer = ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(type));
        this.reader = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(type));
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(FORMAT_V1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.get().write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public T read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
            throw new SerializationException("Unknown " + description + " format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected " + FORMAT_V1);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            return reader.get().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt " + description + ": " + e.getMessage(), e);
        }
    }
}
