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

    @Test
    void shouldShowAHugeRiseAsAFactorAndASmallBaselineWithItsDigits() {
        // 0.0025 USD/min expected, 2.76 USD/min observed: "+110423%" and "vs 0.00 expected" said nothing.
        Transition open = transition(AnomalyState.OPEN, "2.7630", "2.7630", "0.0025", "165.63", "2.76", null, false);

        String summary = AnomalyRecords.anomaly(open).getSummary();

        assertThat(summary).isEqualTo(
                "checkout cost 2.76 USD/min vs 0.0025 expected (1,105x), ~166 USD/h excess since 10:05Z");
        assertThat(summary).doesNotContain("%");
        assertThat(AnomalyRecords.change(new BigDecimal("3.00"), new BigDecimal("1.00"))).isEqualTo("+200%");
        assertThat(AnomalyRecords.change(new BigDecimal("12.5"), new BigDecimal("1.00"))).isEqualTo("12.5x");
        assertThat(PageText.money(new BigDecimal("1234.5"))).isEqualTo("1,234.50");
        assertThat(PageText.money(new BigDecimal("0.000123456"))).isEqualTo("0.00012");
        assertThat(PageText.perHour(new BigDecimal("12345.6"))).isEqualTo("12,346");
        assertThat(PageText.perHour(new BigDecimal("4.567"))).isEqualTo("4.57");
    }

    private static Transition transition(AnomalyState state, String observed, String rate, String expected,
            String perHour, String excessCost, Long endedAt, boolean escalated) {
        return new Transition(AnomalyType.COST_SPIKE, state, "checkout", "cost-spike:service:checkout:" + START, START, START + 30_000L,
                endedAt, START, MINUTE, state == AnomalyState.OPEN, "USD", Money.of(observed), Money.of(rate),
                Money.of(expected), Money.of(observed), Money.of(excessCost), Money.of(new BigDecimal(perHour)), 0.999,
                Severity.PAGE, escalated);
    }
}
