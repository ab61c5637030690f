package io.spendstream.anomaly.gate;

import java.nio.ByteBuffer;

import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;

/**
 * An {@link Alert} inside the gate's private records: format byte + Avro binary, as {@link PrivateAvroSerde}. The
 * anomaly app's own Avro schemas cannot name {@code io.spendstream.avro.Alert} (it is generated in {@code schemas}),
 * so they hold it as bytes.
 */
final class AlertCodec {

    static final PrivateAvroSerde<Alert> SERDE = new PrivateAvroSerde<>(Alert.class, "alert");

    private AlertCodec() {
    }

    static ByteBuffer encode(Alert alert) {
        return alert == null ? null : ByteBuffer.wrap(SERDE.write(alert));
    }

    static Alert decode(ByteBuffer bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer copy = bytes.duplicate();
        byte[] raw = new byte[copy.remaining()];
        copy.get(raw);
        return SERDE.read(raw);
    }
}
