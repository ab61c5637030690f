package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

class CostSpikeLifecycleTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    private final CostSpikeLifecycle lifecycle =
            new CostSpikeLifecycle(new CostDetector(DetectorSettings.defaults()), LifecycleSettings.defaults());
    private final DetectorState state = DetectorState.empty();

    @Test
    void shouldOpenOnTheFirstPartialUpdateOfATenfoldSpike() {
        steady(0, 30, "1.00");

        List<Transition> events = window(30, "10.00", 6);

        assertThat(events).hasSize(1);
        Transition open = events.get(0);
        assertThat(open.state()).isEqualTo(AnomalyState.OPEN);
        assertThat(open.observedAt()).isEqualTo(T0 + 30 * MINUTE);
        assertThat(open.startedAt()).isEqualTo(T0 + 30 * MINUTE);
        assertThat(open.anomalyId()).isEqualTo("cost-spike:service:checkout:" + (T0 + 30 * MINUTE));
        assertThat(open.partial()).isTrue();
        assertThat(open.observed()).isEqualByComparingTo("1.666666666667");
        assertThat(open.expected()).isEqualByComparingTo("1.00");
        // Projected from at least a quarter of the window: 4 x 1.67 = 6.67/min, 5.67 x 60 = 340/h excess.
        assertThat(open.rate()).isEqualByComparingTo("6.666666666668");
        assertThat(open.excessCostPerHour()).isGreaterThan(new BigDecimal("300"));
        assertThat(open.severity()).isEqualTo(Severity.PAGE);
        assertThat(open.score()).isGreaterThan(0.99);
        assertThat(state.isOpen()).isTrue();
    }

    @Test
    void shouldOpenOnADoublingBeforeItsFirstWindowEnds() {
        steady(0, 30, "1.00");

        List<Transition> events = window(30, "2.00", 6);

        // 4/6 of 2.00 = 1.33 is the first partial cost 6 floors (30%) above the baseline.
        assertThat(events).extracting(Transition::state).containsExactly(AnomalyState.OPEN);
        assertThat(events.get(0).observed()).isEqualByComparingTo("1.333333333333");
        assertThat(events.get(0).observedAt()).isEqualTo(T0 + 30 * MINUTE + 30_000L);
    }

    @Test
    void shouldNotOpenOnAFifteenPercentRise() {
        steady(0, 30, "1.00");

        assertThat(window(30, "1.15", 6)).isEmpty();
        assertThat(window(31, "1.15", 6)).isEmpty();
    }

    @Test
    void shouldUpdateEveryFinishedWindowAndResolveAfterTwoQuietWindows() {
        steady(0, 30, "1.00");
        List<Transition> events = new ArrayList<>();
        for (int m = 30; m < 35; m++) {
            events.addAll(window(m, "10.00", 6));
        }
        for (int m = 35; m < 39; m++) {
            events.addAll(window(m, "1.00", 6));
        }

        assertThat(events).extracting(Transition::state).containsExactly(AnomalyState.OPEN,
                AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.UPDATE,
                AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.RESOLVED);
        List<Transition> spikeUpdates = events.subList(1, 6);
        BigDecimal excess = spikeUpdates.stream().map(t -> t.observed().subtract(t.expected()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        Transition resolved = events.get(7);
        assertThat(resolved.excessCost()).isEqualByComparingTo(excess);
        assertThat(spikeUpdates.get(4).excessCost()).isEqualByComparingTo(excess);
        assertThat(excess).isBetween(new BigDecimal("44"), new BigDecimal("45"));
        assertThat(resolved.endedAt()).isEqualTo(T0 + 35 * MINUTE);
        assertThat(resolved.peakObserved()).isEqualByComparingTo("10.00");
        assertThat(resolved.anomalyId()).isEqualTo(events.get(0).anomalyId());
        // The incident did not poison the baseline: normal windows are expected again.
        assertThat(resolved.expected()).isLessThan(new BigDecimal("1.5"));
        assertThat(spikeUpdates).allSatisfy(u -> assertThat(u.excessCostPerHour()).isGreaterThan(new BigDecimal("450")));
        assertThat(state.isOpen()).isFalse();
    }

    @Test
    void shouldNotResolveWhileFinishedWindowsStayAboveTheResolveThreshold() {
        steady(0, 30, "1.00");
        window(30, "10.00", 6);
        window(31, "1.00", 1);
        double level = state.baseline().level();
        double elevated = level + 3.0 * lifecycle.detector().scale(state.baseline());
        window(32, BigDecimal.valueOf(elevated).setScale(12, RoundingMode.HALF_EVEN).toPlainString(), 1);

        List<Transition> afterElevated = window(33, "1.00", 1);
        List<Transition> firstQuiet = window(34, "1.00", 1);
        List<Transition> secondQuiet = window(35, "1.00", 1);

        assertThat(afterElevated).extracting(Transition::state).containsExactly(AnomalyState.UPDATE);
        assertThat(afterElevated.get(0).score()).isBetween(0.9, 0.99);
        assertThat(firstQuiet).extracting(Transition::state).containsExactly(AnomalyState.UPDATE);
        assertThat(secondQuiet).extracting(Transition::state).containsExactly(AnomalyState.RESOLVED);
        assertThat(secondQuiet.get(0).endedAt()).isEqualTo(T0 + 33 * MINUTE);
    }

    @Test
    void shouldRaiseNothingDuringWarmUp() {
        steady(0, 5, "1.00");

        List<Transition> events = new ArrayList<>();
        for (int m = 5; m < 9; m++) {
            events.addAll(window(m, "50.00", 6));
        }

        assertThat(events).isEmpty();
        assertThat(state.baseline().learnedWindows()).isEqualTo(8);
    }

    @Test
    void shouldLearnAGapAsZeroCostWindows() {
        steady(0, 30, "1.00");

        List<Transition> events = window(40, "1.00", 1);

        assertThat(events).isEmpty();
        // Windows 0..29 final, then 30..39 empty.
        assertThat(state.baseline().learnedWindows()).isEqualTo(40);
        assertThat(state.baseline().level()).isCloseTo(Math.pow(0.95, 10), org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void shouldResolveAnOpenAnomalyWhenTheServiceWentSilent() {
        steady(0, 30, "1.00");
        window(30, "10.00", 6);

        List<Transition> events = window(45, "1.00", 1);

        assertThat(events).extracting(Transition::state).containsExactly(AnomalyState.UPDATE, AnomalyState.UPDATE,
                AnomalyState.RESOLVED);
        assertThat(events.get(2).endedAt()).isEqualTo(T0 + 31 * MINUTE);
        assertThat(events.get(2).observed()).isEqualByComparingTo("0");
    }

    @Test
    void shouldIgnoreALateUpdateOfAnOlderWindow() {
        steady(0, 30, "1.00");
        WindowUpdate late = new WindowUpdate("checkout", T0 + 10 * MINUTE, T0 + 11 * MINUTE, Money.of("99"), "USD",
                T0 + 10 * MINUTE);
        long learned = state.baseline().learnedWindows();

        assertThat(lifecycle.isLate(state, late)).isTrue();
        assertThat(lifecycle.onUpdate(state, late)).isEmpty();
        assertThat(state.baseline().learnedWindows()).isEqualTo(learned);
        assertThat(state.current().windowStart()).isEqualTo(T0 + 29 * MINUTE);
    }

    @Test
    void shouldNotOpenWhenTheExcessIsBelowTheMinimumPerHour() {
        steady(0, 30, "0.0001");

        // 100x its baseline (score ~1), but only 0.6 USD/h of excess: not worth anyone's time.
        List<Transition> events = update(30, "0.01", 59_000);

        assertThat(events).isEmpty();
        assertThat(lifecycle.detector().score(state.baseline(), 0.01).getAsDouble()).isGreaterThan(0.99);
    }

    @Test
    void shouldEscalateToPageWhenAFinishedWindowExceedsPagePerHour() {
        steady(0, 30, "1.00");
        // 2.20 at 50 s projects to 2.64/min: 98/h excess, a ticket.
        List<Transition> open = update(30, "2.20", 50_000);
        update(30, "2.90", 59_000);
        // The window finishes at 2.90: 114/h excess, a page.
        List<Transition> next = update(31, "2.90", 0);

        assertThat(open).extracting(Transition::state, Transition::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.OPEN, Severity.TICKET));
        assertThat(next).hasSize(1);
        assertThat(next.get(0).state()).isEqualTo(AnomalyState.UPDATE);
        assertThat(next.get(0).severity()).isEqualTo(Severity.PAGE);
        assertThat(next.get(0).escalated()).isTrue();
        assertThat(state.incident().severity()).isEqualTo(Severity.PAGE);
    }

    private void steady(int fromMinute, int toMinute, String cost) {
        for (int m = fromMinute; m < toMinute; m++) {
            assertThat(window(m, cost, 3)).isEmpty();
        }
    }

    /** Updates of one window as attribution emits them: cumulative cost, evenly spaced, the last one final. */
    private List<Transition> window(int minute, String finalCost, int updates) {
        List<Transition> events = new ArrayList<>();
        BigDecimal total = new BigDecimal(finalCost);
        for (int k = 1; k <= updates; k++) {
            BigDecimal soFar = total.multiply(BigDecimal.valueOf(k)).divide(BigDecimal.valueOf(updates), 12,
                    RoundingMode.HALF_EVEN);
            events.addAll(update(minute, soFar.toPlainString(), (k - 1) * MINUTE / updates));
        }
        return events;
    }

    private List<Transition> update(int minute, String cost, long offsetMillis) {
        long start = T0 + minute * MINUTE;
        return lifecycle.onUpdate(state, new WindowUpdate("checkout", start, start + MINUTE, Money.of(cost), "USD",
                start + offsetMillis));
    }
}
