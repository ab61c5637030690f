package io.spendstream.anomaly;

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
 * Serde of a state store whose values are one of the app's private Avro records: a format byte followed by Avro
 * binary of the record. Not the Confluent wire format, for the same reason as {@code DetectorStateSerde}: the store
 * restores without a schema registry and its bytes never leave the app. A later schema bumps the byte and keeps a
 * reader for the older one.
 */
public class StateRecordSerde<T extends SpecificRecord> implements Serde<T> {

    private final byte format;
    private final String what;
    // One store serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<T>> writer;
    private final ThreadLocal<SpecificDatumReader<T>> reader;

    /** {@code what}: the state's name in error messages, e.g. {@code burn-rate state}. */
    protected StateRecordSerde(Class<T> type, byte format, String what) {
        this.format = format;
        this.what = what;
        this.writer = ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(type));
        this.reader = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(type));
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public byte[] write(T state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(format);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.get().write(state, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public T read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != format) {
            throw new SerializationException("Unknown " + what + " format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected " + format);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            return reader.get().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt " + what + ": " + e.getMessage(), e);
        }
    }
}
