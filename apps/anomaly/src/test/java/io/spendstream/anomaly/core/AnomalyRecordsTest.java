package io.spendstream.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.detector.Transition;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

class AnomalyRecordsTest {

    private static final long START = Instant.parse("2026-11-23T10:05:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    @Test
    void shouldSummariseAFinishedWindowInOneReadableLine() {
        Transition update = transition(AnomalyState.UPDATE, "12.30", "12.30", "1.20", "666", "22.20", null, false);

        assertThat(AnomalyRecords.anomaly(update).getSummary()).isEqualTo(
                "checkout cost 12.30 USD/min vs 1.20 expected (+925%), ~666 USD/h excess since 10:05Z;"
                        + " 22.20 USD excess so far");
    }

    @Test
    void shouldMarkAProjectedPartialWindowRate() {
        Transition open = transition(AnomalyState.OPEN, "3.00", "12.00", "1.20", "648", "1.80", null, false);

        assertThat(AnomalyRecords.anomaly(open).getSummary()).isEqualTo(
                "checkout cost ~12.00 USD/min vs 1.20 expected (+900%), ~648 USD/h excess since 10:05Z");
    }

    @Test
    void shouldSummariseTheResolvedIncident() {
        Transition resolved = transition(AnomalyState.RESOLVED, "1.19", "1.19", "1.20", "0", "111.00",
                START + 10 * MINUTE, false);

        assertThat(AnomalyRecords.anomaly(resolved).getSummary()).isEqualTo(
                "checkout cost back to 1.19 USD/min vs 1.20 expected; spike 10:05Z-10:15Z cost 111.00 USD excess");
    }

    @Test
    void shouldFireOnOpenAndEscalationAndResolveOnResolvedOnly() {
        Anomaly open = AnomalyRecords.anomaly(transition(AnomalyState.OPEN, "3", "12", "1.2", "648", "1.8", null, false));
        Anomaly update = AnomalyRecords.anomaly(transition(AnomalyState.UPDATE, "12", "12", "1.2", "648", "12", null, false));
        Anomaly escalated = AnomalyRecords.anomaly(transition(AnomalyState.UPDATE, "12", "12", "1.2", "648", "12", null, true));
        Anomaly resolved = AnomalyRecords.anomaly(
                transition(AnomalyState.RESOLVED, "1", "1", "1.2", "0", "20", START + MINUTE, false));

        assertThat(AnomalyRecords.alert(open, false)).hasValueSatisfying(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getEndsAt()).isNull();
        });
        assertThat(AnomalyRecords.alert(update, false)).isEmpty();
        assertThat(AnomalyRecords.alert(escalated, true)).hasValueSatisfying(
                a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING));
        assertThat(AnomalyRecords.alert(resolved, false)).hasValueSatisfying(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
            assertThat(a.getEndsAt()).isEqualTo(Instant.ofEpochMilli(START + MINUTE));
            assertThat(a.getStartsAt()).isEqualTo(Instant.ofEpochMilli(START));
        });
    }

    private static Transition transition(AnomalyState state, String observed, String rate, String expected,
            String perHour, String excessCost, Long endedAt, boolean escalated) {
        return new Transition(AnomalyType.COST_SPIKE, state, "checkout", "cost-spike:service:checkout:" + START, START, START + 30_000L,
                endedAt, START, MINUTE, state == AnomalyState.OPEN, "USD", Money.of(observed), Money.of(rate),
                Money.of(expected), Money.of(observed), Money.of(excessCost), Money.of(new BigDecimal(perHour)), 0.999,
                Severity.PAGE, escalated);
    }
}
