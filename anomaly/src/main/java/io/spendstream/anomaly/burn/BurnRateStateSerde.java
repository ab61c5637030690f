package io.spendstream.anomaly.burn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.anomaly.avro.BurnRateStateRecord;

/**
 * Serde of the state store {@code anomaly-burn-rate-state} (and its changelog): a format byte followed by Avro binary
 * of the private {@code BurnRateStateRecord}. Not the Confluent wire format, for the same reason as
 * {@code DetectorStateSerde}: the store restores without a schema registry and its bytes never leave the app. A later
 * schema bumps the byte and keeps a reader for this one.
 */
public final class BurnRateStateSerde implements Serde<BurnRateStateRecord> {

    static final byte FORMAT_V1 = 1;

    // One store serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<BurnRateStateRecord>> writer =
            ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(BurnRateStateRecord.class));
    private final ThreadLocal<SpecificDatumReader<BurnRateStateRecord>> reader =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(BurnRateStateRecord.class));

    @Override
    public Serializer<BurnRateStateRecord> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<BurnRateStateRecord> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public byte[] write(BurnRateStateRecord state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(FORMAT_V1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.get().write(state, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public BurnRateStateRecord read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
            throw new SerializationException("Unknown burn-rate state format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected " + FORMAT_V1);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            return reader.get().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt burn-rate state: " + e.getMessage(), e);
        }
    }
}
