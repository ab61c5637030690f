package io.spendstream.anomaly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Severity;

/** The stored form of {@link GateState}: a cooldown and a group wait share the record's {@code holdUntil} slot. */
class GateStateTest {

    private static final long AT = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final PrivateAvroSerde<AlertGateStateRecord> STORE_SERDE = GateState.SERDE;

    @Test
    void shouldKeepAGroupWaitThroughTheStoredForm() {
        GateState waiting = new GateState();
        waiting.latest = alert(AlertStatus.FIRING);
        waiting.latestAt = AT;
        waiting.groupWaitUntil = AT + 15_000;

        GateState read = GateState.from(roundTrip(waiting.toRecord()));

        assertThat(read.waitingForGroup()).isTrue();
        assertThat(read.groupWaitUntil).isEqualTo(AT + 15_000);
        assertThat(read.holdUntil).isZero();
        assertThat(read.latest).isEqualTo(waiting.latest);
    }

    @Test
    void shouldReadACooldownAsACooldownNotAGroupWait() {
        // As the previous version wrote it: an emitted alert whose RESOLVED waits out the cooldown.
        AlertGateStateRecord stored = AlertGateStateRecord.newBuilder()
                .setEmitted(AlertCodec.encode(alert(AlertStatus.FIRING)))
                .setHeld(AlertCodec.encode(alert(AlertStatus.RESOLVED)))
                .setHeldAt(AT)
                .setHoldUntil(AT + 600_000)
                .build();

        GateState read = GateState.from(roundTrip(stored));

        assertThat(read.waitingForGroup()).isFalse();
        assertThat(read.holdUntil).isEqualTo(AT + 600_000);
        assertThat(read.toRecord().getHoldUntil()).isEqualTo(AT + 600_000);
    }

    @Test
    void shouldNotTakeAStaleCooldownForAGroupWait() {
        // As the previous version left it after a FIRING during the cooldown: the RESOLVED dropped, its time kept.
        AlertGateStateRecord stored = AlertGateStateRecord.newBuilder()
                .setLatest(AlertCodec.encode(alert(AlertStatus.FIRING)))
                .setEmitted(AlertCodec.encode(alert(AlertStatus.FIRING)))
                .setHoldUntil(AT + 600_000)
                .build();

        GateState read = GateState.from(roundTrip(stored));

        assertThat(read.waitingForGroup()).isFalse();
        assertThat(read.toRecord().getHoldUntil()).isZero();
    }

    @Test
    void shouldKeepTheLastRedeliveryAndReadAStateStoredBeforeItAsNeverRedelivered() throws IOException {
        GateState sent = new GateState();
        sent.latest = alert(AlertStatus.FIRING);
        sent.emitted = alert(AlertStatus.FIRING);
        sent.redeliveredAt = AT + 60_000;
        assertThat(GateState.from(roundTrip(sent.toRecord())).redeliveredAt).isEqualTo(AT + 60_000);

        // Format 1, as the gate wrote it before re-deliveries: the same alert, no redeliveredAt.
        Schema v1 = PrivateAvroSerde.schemaResource(GateState.class, "AlertGateStateRecord-v1.avsc");
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("latest", AlertCodec.encode(alert(AlertStatus.FIRING)))
                .set("latestAt", AT)
                .set("emitted", AlertCodec.encode(alert(AlertStatus.FIRING)))
                .set("group", null)
                .set("held", null)
                .set("heldAt", 0L)
                .set("holdUntil", 0L)
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PrivateAvroSerde.FORMAT_V1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        GateState read = GateState.from(STORE_SERDE.read(out.toByteArray()));

        assertThat(read.emitted).isEqualTo(alert(AlertStatus.FIRING));
        assertThat(read.latestAt).isEqualTo(AT);
        assertThat(read.redeliveredAt).isZero();
        assertThat(STORE_SERDE.write(read.toRecord())[0]).isEqualTo(GateState.FORMAT_V2);
    }

    private static AlertGateStateRecord roundTrip(AlertGateStateRecord record) {
        return STORE_SERDE.read(STORE_SERDE.write(record));
    }

    private static Alert alert(AlertStatus status) {
        return Alert.newBuilder()
                .setDedupKey("burn-rate:budget:service:search")
                .setStatus(status)
                .setSeverity(Severity.PAGE)
                .setAnomalyType("BURN_RATE")
                .setScopeType("budget")
                .setScope("service:search")
                .setLabels(Map.of("service", "search", "severity", "page"))
                .setSummary("search burns its budget at 15x")
                .setStartsAt(Instant.ofEpochMilli(AT))
                .setEndsAt(status == AlertStatus.RESOLVED ? Instant.ofEpochMilli(AT + 60_000) : null)
                .setAnomalyIds(List.of("a-1"))
                .build();
    }
}
