package io.spendstream.anomaly.gate;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;

/**
 * An {@link Alert} inside the gate's private records (its state store, its store of open parents and its repartition
 * topic): format byte + Avro binary, as {@link PrivateAvroSerde}. The anomaly app's own Avro schemas cannot name
 * {@code io.spendstream.avro.Alert} (it is generated in {@code schemas}), so they hold it as bytes. Format 2 is the
 * current {@code Alert}; format 1, the {@code Alert} before its {@code annotations} (issue 16), is still read (its
 * schema is kept as {@code Alert-v1.avsc}, resolved into the current one with empty annotations), so a gate upgraded
 * with alerts held in its stores or in flight on its repartition topic reads them.
 */
final class AlertCodec {

    static final byte FORMAT_V1 = 1;
    static final byte FORMAT_V2 = 2;
    static final Schema SCHEMA_V1 = PrivateAvroSerde.schemaResource(AlertCodec.class, "Alert-v1.avsc");

    static final PrivateAvroSerde<Alert> SERDE = new PrivateAvroSerde<>(Alert.class, "alert", FORMAT_V2,
            Map.of(FORMAT_V1, SCHEMA_V1));

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
