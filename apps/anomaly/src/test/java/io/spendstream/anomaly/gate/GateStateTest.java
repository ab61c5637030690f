package io.spendstream.anomaly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Severity;

/** The stored form of {@link GateState}: a cooldown and a group wait share the record's {@code holdUntil} slot. */
class GateStateTest {

    private static final long AT = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final PrivateAvroSerde<AlertGateStateRecord> STORE_SERDE =
            new PrivateAvroSerde<>(AlertGateStateRecord.class, "alert-gate state");

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
