package io.spendstream.deploy.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/** What {@code spendstream up} prints: state changes in wall-clock order, updates throttled. */
class ConsoleLinesTest {

    private static final Instant WALL = Instant.parse("2026-12-06T21:00:00Z");
    private static final Instant EVENT = Instant.parse("2026-11-23T11:30:00Z");

    @Test
    void shouldPrintStateChangesAndEscalationsButAtMostOneUpdatePerAnomalyEveryFiveMinutes() {
        MovableClock clock = new MovableClock();
        ConsoleLines console = new ConsoleLines(Duration.ofMinutes(5), clock);
        List<String> lines = new ArrayList<>();

        console.line("k", anomaly(AnomalyState.OPEN, Severity.TICKET, 0)).ifPresent(lines::add);
        for (int m = 1; m <= 10; m++) {
            clock.now = WALL.plus(Duration.ofMinutes(m));
            // Minute 3 escalates to PAGE: printed at once.
            console.line("k", anomaly(AnomalyState.UPDATE, m >= 3 ? Severity.PAGE : Severity.TICKET, m))
                    .ifPresent(lines::add);
        }
        console.line("k", alert()).ifPresent(lines::add);
        clock.now = WALL.plus(Duration.ofMinutes(11));
        console.line("k", anomaly(AnomalyState.RESOLVED, Severity.PAGE, 11)).ifPresent(lines::add);

        // OPEN, the escalation (21:03), the update five minutes after it (21:08), the alert, the RESOLVED.
        assertThat(lines).extracting(line -> line.substring(0, 8)).containsExactly("21:00:00", "21:03:00",
                "21:08:00", "21:10:00", "21:11:00");
        assertThat(lines.get(0)).startsWith("21:00:00 2026-11-23 11:30:00Z ANOMALY OPEN     TICKET COST_SPIKE")
                .endsWith("| summary 0");
        assertThat(lines.get(1)).contains("UPDATE   PAGE").endsWith("| summary 3");
        assertThat(lines.get(3)).contains(" ALERT   FIRING   PAGE   cost-spike:service:checkout | page text");
        assertThat(lines.get(4)).contains("RESOLVED");
    }

    private static Anomaly anomaly(AnomalyState state, Severity severity, int minute) {
        return Anomaly.newBuilder().setAnomalyId("id").setDedupKey("cost-spike:service:checkout").setState(state)
                .setType(AnomalyType.COST_SPIKE).setSeverity(severity).setScopeType("service").setScope("checkout")
                .setCurrency("USD").setStartedAt(EVENT).setObservedAt(EVENT.plus(Duration.ofMinutes(minute)))
                .setObserved(Money.of("3")).setExpected(Money.of("0.4")).setPeakObserved(Money.of("3"))
                .setExcessCost(Money.of("2.6")).setExcessCostPerHour(Money.of("156")).setScore(0.99)
                .setSummary("summary " + minute).build();
    }

    private static Alert alert() {
        return Alert.newBuilder().setDedupKey("cost-spike:service:checkout").setStatus(AlertStatus.FIRING)
                .setSeverity(Severity.PAGE).setAnomalyType("COST_SPIKE").setScopeType("service").setScope("checkout")
                .setSummary("page text").setStartsAt(EVENT).build();
    }

    private static final class MovableClock extends Clock {
        Instant now = WALL;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
