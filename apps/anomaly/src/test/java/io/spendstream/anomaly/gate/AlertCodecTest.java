package io.spendstream.anomaly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Severity;

/** The gate's stored alerts survive the upgrade that added {@code annotations} to {@code Alert}. */
class AlertCodecTest {

    private static final Instant STARTED = Instant.parse("2026-11-23T11:00:00Z");

    @Test
    void shouldReadAnAlertStoredBeforeAnnotationsExistedWithNoAnnotations() throws IOException {
        GenericRecord old = new GenericRecordBuilder(AlertCodec.SCHEMA_V1)
                .set("dedupKey", "cost-spike:service:checkout")
                .set("status", new GenericData.EnumSymbol(AlertCodec.SCHEMA_V1.getField("status").schema(), "FIRING"))
                .set("severity", new GenericData.EnumSymbol(AlertCodec.SCHEMA_V1.getField("severity").schema(), "PAGE"))
                .set("anomalyType", "COST_SPIKE")
                .set("scopeType", "service")
                .set("scope", "checkout")
                .set("labels", Map.of("service", "checkout"))
                .set("summary", "checkout cost 12.30 USD/min vs 1.20 expected")
                .set("startsAt", STARTED.toEpochMilli())
                .set("endsAt", null)
                .set("anomalyIds", List.of("a-1"))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AlertCodec.FORMAT_V1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(AlertCodec.SCHEMA_V1).write(old, encoder);
        encoder.flush();

        Alert read = AlertCodec.SERDE.read(out.toByteArray());

        assertThat(read.getDedupKey()).isEqualTo("cost-spike:service:checkout");
        assertThat(read.getStatus()).isEqualTo(AlertStatus.FIRING);
        assertThat(read.getSeverity()).isEqualTo(Severity.PAGE);
        assertThat(read.getStartsAt()).isEqualTo(STARTED);
        assertThat(read.getLabels()).containsEntry("service", "checkout");
        assertThat(read.getAnnotations()).isEmpty();
    }

    @Test
    void shouldRoundTripTheCurrentAlertAndRejectUnknownFormats() {
        Alert alert = Alert.newBuilder().setDedupKey("k").setStatus(AlertStatus.RESOLVED).setSeverity(Severity.TICKET)
                .setAnomalyType("COST_SPIKE").setScopeType("service").setScope("checkout").setSummary("s")
                .setStartsAt(STARTED).setEndsAt(STARTED.plusSeconds(60)).setAnnotations(Map.of("verdict", "new-spend"))
                .build();

        byte[] bytes = AlertCodec.SERDE.write(alert);

        assertThat(bytes[0]).isEqualTo(AlertCodec.FORMAT_V2);
        assertThat(AlertCodec.SERDE.read(bytes)).isEqualTo(alert);
        bytes[0] = 9;
        assertThatThrownBy(() -> AlertCodec.SERDE.read(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown alert format 9; expected 2 or [1]");
    }
}
