package io.spendstream.anomaly.gate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.spendstream.avro.Alert;

/**
 * An {@link Alert} inside the gate's private records (its state store and repartition topic): format byte + Avro
 * binary. The anomaly app's own Avro schemas cannot name {@code io.spendstream.avro.Alert} (it is generated in
 * {@code schemas}), so they hold it as bytes. Format 2 is the current {@code Alert}; format 1, the {@code Alert}
 * before its {@code annotations} (issue 16), is still read (its schema is kept as {@code Alert-v1.avsc}, resolved
 * into the current one with empty annotations), so a gate upgraded with alerts held in its store or in flight on its
 * repartition topic reads them.
 */
final class AlertCodec {

    static final byte FORMAT_V1 = 1;
    static final byte FORMAT_V2 = 2;
    static final Schema SCHEMA_V1 = loadSchema("Alert-v1.avsc");

    // Avro's datum readers and writers are not documented thread-safe; the codec serves every stream thread.
    private static final ThreadLocal<SpecificDatumWriter<Alert>> WRITER =
            ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(Alert.class));
    private static final ThreadLocal<SpecificDatumReader<Alert>> READER =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(Alert.class));
    private static final ThreadLocal<SpecificDatumReader<Alert>> READER_V1 =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(SCHEMA_V1, Alert.getClassSchema()));

    /** The codec as a serde, for the gate's store of open parent alerts. */
    static final Serde<Alert> SERDE = Serdes.serdeFrom((topic, alert) -> alert == null ? null : write(alert),
            (topic, raw) -> raw == null ? null : read(raw));

    private AlertCodec() {
    }

    static ByteBuffer encode(Alert alert) {
        return alert == null ? null : ByteBuffer.wrap(write(alert));
    }

    static Alert decode(ByteBuffer bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer copy = bytes.duplicate();
        byte[] raw = new byte[copy.remaining()];
        copy.get(raw);
        return read(raw);
    }

    static byte[] write(Alert alert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(FORMAT_V2);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            WRITER.get().write(alert, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Alert read(byte[] raw) {
        if (raw.length == 0 || (raw[0] != FORMAT_V2 && raw[0] != FORMAT_V1)) {
            throw new SerializationException("Unknown alert format " + (raw.length == 0 ? "(empty)"
                    : Byte.toString(raw[0])) + "; expected " + FORMAT_V2 + " or " + FORMAT_V1);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(raw, 1, raw.length - 1, null);
        try {
            return (raw[0] == FORMAT_V2 ? READER : READER_V1).get().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt alert: " + e.getMessage(), e);
        }
    }

    private static Schema loadSchema(String resource) {
        try (InputStream in = AlertCodec.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " next to AlertCodec");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
