package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

class CostSpikeLifecycleTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    private final CostSpikeLifecycle lifecycle =
            new CostSpikeLifecycle(new CostDetector(DetectorSettings.defaults()), LifecycleSettings.defaults());
    private final DetectorState state = lifecycle.newState();

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

        // 5/6 of 2.00 = 1.67 is the first partial cost rare enough: 4/6 is 6.7 floors out, but a series 20 windows
        // old has seen too little for z 6.7 to be rarer than 1 in 400 (the histogram's prior); from ~400 windows of
        // history on, 6 floors (30%) is enough again.
        assertThat(events).extracting(Transition::state).containsExactly(AnomalyState.OPEN);
        assertThat(events.get(0).observed()).isEqualByComparingTo("1.666666666667");
        assertThat(events.get(0).observedAt()).isEqualTo(T0 + 30 * MINUTE + 40_000L);
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
        steady(0, 15, "1.00");

        List<Transition> events = new ArrayList<>();
        for (int m = 15; m < 19; m++) {
            events.addAll(window(m, "50.00", 6));
        }

        assertThat(events).isEmpty();
        // Windows settle 10 minutes behind the newest (18): 0..7 are learned, fewer than the 10 of the warm-up.
        assertThat(state.baseline().learnedWindows()).isEqualTo(8);
        assertThat(state.baseline().level()).isEqualTo(1.0);
    }

    @Test
    void shouldSkipAGapInsteadOfLearningItAsZeroCostWindows() {
        steady(0, 30, "1.00");

        // No data for 30..39: more often not arrived yet than nothing spent, so it teaches the baseline nothing.
        steady(40, 52, "1.00");

        // Settled: 0..29 and 40 (more than 10 minutes behind the newest, 51); 30..39 skipped.
        assertThat(state.baseline().learnedWindows()).isEqualTo(31);
        assertThat(state.baseline().level()).isEqualTo(1.0);
        assertThat(state.pending().settledBefore()).isEqualTo(T0 + 41 * MINUTE);
    }

    @Test
    void shouldResolveAnAnomalyOnlyWhenQuietWindowsFollowASilence() {
        steady(0, 30, "1.00");
        window(30, "10.00", 6);

        // The silence 31..44 is no evidence either way: the incident stays open until quiet windows are seen.
        List<Transition> afterSilence = window(45, "1.00", 1);
        List<Transition> firstQuiet = window(46, "1.00", 1);
        List<Transition> secondQuiet = window(47, "1.00", 1);

        assertThat(afterSilence).extracting(Transition::state, Transition::windowStart)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.UPDATE, T0 + 30 * MINUTE));
        assertThat(firstQuiet).extracting(Transition::state).containsExactly(AnomalyState.UPDATE);
        assertThat(secondQuiet).extracting(Transition::state).containsExactly(AnomalyState.RESOLVED);
        assertThat(secondQuiet.get(0).endedAt()).isEqualTo(T0 + 31 * MINUTE);
        assertThat(secondQuiet.get(0).excessCost()).isEqualByComparingTo("9.00");
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
        assertThat(state.newest().windowStart()).isEqualTo(T0 + 29 * MINUTE);
    }

    @Test
    void shouldNotOpenWhenTheExcessIsBelowTheMinimumPerHour() {
        steady(0, 30, "0.0001");

        // 100x its baseline (score ~1), but only 0.6 USD/h of excess: not worth anyone's time.
        List<Transition> events = update(30, "0.01", 59_000);

        assertThat(events).isEmpty();
        assertThat(lifecycle.detector().score(state.baseline(), T0 + 30 * MINUTE, 0.01).getAsDouble()).isGreaterThan(0.99);
    }

    @Test
    void shouldEscalateToPageOnTheUpdateThatTakesTheOpenWindowOverPagePerHour() {
        steady(0, 30, "1.00");
        // 2.20 at 50 s projects to 2.64/min: 98/h excess, a ticket.
        List<Transition> open = update(30, "2.20", 50_000);
        // 2.90 at 59 s projects to 2.95/min: 117/h excess, a page now, not when the window ends.
        List<Transition> escalation = update(30, "2.90", 59_000);
        // The window finishes at 2.90 (114/h): counted once, no second escalation.
        List<Transition> next = update(31, "2.90", 0);

        assertThat(open).extracting(Transition::state, Transition::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.OPEN, Severity.TICKET));
        assertThat(escalation).hasSize(1);
        Transition escalated = escalation.get(0);
        assertThat(escalated.state()).isEqualTo(AnomalyState.UPDATE);
        assertThat(escalated.severity()).isEqualTo(Severity.PAGE);
        assertThat(escalated.escalated()).isTrue();
        assertThat(escalated.partial()).isTrue();
        assertThat(escalated.anomalyId()).isEqualTo(open.get(0).anomalyId());
        assertThat(escalated.observed()).isEqualByComparingTo("2.90");
        assertThat(escalated.excessCostPerHour()).isGreaterThan(new BigDecimal("100"));
        BigDecimal expected = escalated.expected();
        // Cost so far against the expected cost of the covered part (59 of 60 s).
        assertThat(escalated.excessCost()).isCloseTo(new BigDecimal("2.90").subtract(
                expected.multiply(new BigDecimal(59).divide(new BigDecimal(60), 12, RoundingMode.HALF_EVEN))),
                within(new BigDecimal("0.000001")));
        assertThat(next).extracting(Transition::state, Transition::severity, Transition::escalated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.UPDATE, Severity.PAGE, false));
        assertThat(next.get(0).excessCost()).isEqualByComparingTo(new BigDecimal("2.90").subtract(expected));
        assertThat(state.incident().severity()).isEqualTo(Severity.PAGE);
    }

    @Test
    void shouldNotEscalateOnAnUnfinishedWindowBelowPagePerHour() {
        steady(0, 30, "1.00");
        update(30, "2.20", 50_000);

        // 2.40 at 59 s projects to 2.44/min: 86/h excess, still a ticket.
        assertThat(update(30, "2.40", 59_000)).isEmpty();
        assertThat(state.incident().severity()).isEqualTo(Severity.TICKET);
    }

    @Test
    void shouldLearnTheSameBaselineFromAShuffledSeriesAsFromTheSeriesInOrder() {
        Random random = new Random(31);
        List<WindowUpdate> inOrder = new ArrayList<>();
        for (int m = 0; m < 120; m++) {
            if (m >= 50 && m < 57) {
                continue; // a gap too: skipped the same way in both orders
            }
            inOrder.addAll(updates("checkout", m, 1.0 + 0.05 * random.nextGaussian(), 4));
        }
        List<WindowUpdate> shuffled = SkewedDelivery.shuffle(inOrder, WindowUpdate::timestamp, 8 * MINUTE, random);
        DetectorState ordered = lifecycle.newState();
        DetectorState skewed = lifecycle.newState();

        inOrder.forEach(u -> assertThat(lifecycle.onUpdate(ordered, u)).isEmpty());
        shuffled.forEach(u -> assertThat(lifecycle.onUpdate(skewed, u)).isEmpty());

        long skew = SkewedDelivery.maxSkew(shuffled, WindowUpdate::timestamp);
        assertThat(skew).isGreaterThan(6 * MINUTE).isLessThan(8 * MINUTE);
        // The skewed series settles its skew later (its horizon is the lag seen plus settle, so a lag that grows a
        // little between updates does not find its window learned): 8 windows fewer learned by now, the same ones.
        assertThat(ordered.baseline().learnedWindows()).isEqualTo(109 - 7);
        assertThat(skewed.baseline().learnedWindows()).isEqualTo(101 - 7);
        DetectorState orderedSoFar = lifecycle.newState();
        inOrder.stream().filter(u -> u.windowStart() < T0 + 112 * MINUTE)
                .forEach(u -> assertThat(lifecycle.onUpdate(orderedSoFar, u)).isEmpty());
        assertThat(orderedSoFar.baseline().learnedWindows()).isEqualTo(skewed.baseline().learnedWindows());
        assertThat(skewed.baseline().level()).isCloseTo(orderedSoFar.baseline().level(), within(1e-12));
        assertThat(skewed.baseline().meanAbsDeviation())
                .isCloseTo(orderedSoFar.baseline().meanAbsDeviation(), within(1e-12));
        // The windows held back have their complete cost, as in order.
        Map<Long, BigDecimal> complete = new HashMap<>();
        inOrder.forEach(u -> complete.put(u.windowStart(), Money.of(u.cost())));
        assertThat(skewed.pending().windows()).hasSize(120 - 101)
                .allSatisfy(w -> assertThat(w.cost()).isEqualByComparingTo(complete.get(w.windowStart())));
    }

    @Test
    void shouldNotMistakeWindowsArrivingAheadOfABacklogForAGap() {
        steady(0, 60, "1.35");
        // Catching up a backlog: window 99 shows up while 60..98 are still on their way, then those arrive.
        List<WindowUpdate> ahead = updates("checkout", 99, 1.35, 3);
        List<Transition> events = new ArrayList<>(lifecycle.onUpdate(state, ahead.get(0)));
        long lateBefore = state.pending().settledBefore();
        int late = 0;
        for (int m = 60; m < 99; m++) {
            for (WindowUpdate u : updates("checkout", m, 1.35, 3)) {
                late += lifecycle.isLate(state, u) ? 1 : 0;
                events.addAll(lifecycle.onUpdate(state, u));
            }
        }
        events.addAll(lifecycle.onUpdate(state, ahead.get(1)));
        events.addAll(lifecycle.onUpdate(state, ahead.get(2)));
        for (int m = 100; m < 130; m++) {
            events.addAll(window(m, "1.35", 3));
        }

        // The jump is not 39 zero-cost windows: the baseline keeps expecting 1.35 and nothing opens.
        assertThat(events).isEmpty();
        assertThat(state.baseline().level()).isCloseTo(1.35, within(1e-9));
        // Windows more than the settle horizon behind the newest could not wait: counted late, learned never.
        assertThat(lateBefore).isEqualTo(T0 + 89 * MINUTE);
        assertThat(late).isEqualTo((89 - 60) * 3);
    }

    @Test
    void shouldRaiseNothingWhenABacklogDeliversTheFirstUpdatesOfManyWindowsAheadOfTheRest() {
        steady(0, 60, "1.35");
        // Catching up: the first third of each of windows 60..98 arrives, the other two thirds 39 minutes later.
        List<Transition> events = new ArrayList<>();
        for (int m = 60; m < 99; m++) {
            events.addAll(lifecycle.onUpdate(state, updates("checkout", m, 1.35, 3).get(0)));
        }
        for (int m = 60; m < 99; m++) {
            updates("checkout", m, 1.35, 3).subList(1, 3).forEach(u -> events.addAll(lifecycle.onUpdate(state, u)));
        }
        for (int m = 99; m < 200; m++) {
            events.addAll(window(m, "1.35", 3));
        }

        // Windows 60..88 settled a third full. Clipped, each pulled the level down by a fraction of a sigma and
        // widened the scale, so the complete windows that followed never looked like a spike.
        assertThat(events).extracting(Transition::type).doesNotContain(AnomalyType.COST_SPIKE);
        // But a window a third full is all the detector has when it must judge it (the series arrived in order
        // until then, and the skew is beyond the settle horizon): that reads as a drop, one ticket, resolved once
        // complete windows come back. See the README's limitations.
        assertThat(events).filteredOn(t -> t.state() == AnomalyState.OPEN).singleElement().satisfies(open -> {
            assertThat(open.type()).isEqualTo(AnomalyType.COST_DROP);
            assertThat(open.severity()).isEqualTo(Severity.TICKET);
            assertThat(open.startedAt()).isEqualTo(T0 + 60 * MINUTE);
        });
        assertThat(events.get(events.size() - 1).state()).isEqualTo(AnomalyState.RESOLVED);
        assertThat(state.baseline().level()).isCloseTo(1.35, within(0.04));
    }

    @Test
    void shouldKeepTheLatestCostOfAWindowWhoseUpdatesArriveOutOfOrder() {
        update(0, "0.90", 59_000);
        update(0, "0.30", 10_000);
        update(0, "0.60", 30_000);

        assertThat(state.newest().cost()).isEqualByComparingTo("0.90");
        assertThat(state.newest().lastTimestamp()).isEqualTo(T0 + 59_000);
    }

    @Test
    void shouldScoreAnUpdateOfAnOlderWindowAndOpenOnIt() {
        steady(0, 30, "1.00");
        update(31, "0.50", 30_000);

        List<Transition> events = update(30, "8.00", 40_000);

        assertThat(events).extracting(Transition::state, Transition::startedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.OPEN, T0 + 30 * MINUTE));
    }

    @Test
    void shouldCountAFinishedWindowOnlyOnce() {
        steady(0, 30, "1.00");
        update(30, "5.00", 30_000);

        List<Transition> finished = update(31, "1.00", 10_000);
        List<Transition> laterUpdateOfIt = update(30, "10.00", 59_000);
        List<Transition> next = update(32, "1.00", 10_000);

        assertThat(finished).extracting(Transition::state, Transition::windowStart)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.UPDATE, T0 + 30 * MINUTE));
        assertThat(laterUpdateOfIt).isEmpty();
        // Only window 31 finishes now; it is the first quiet one.
        assertThat(next).extracting(Transition::state, Transition::windowStart)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.UPDATE, T0 + 31 * MINUTE));
        assertThat(state.incident().quietWindows()).isEqualTo(1);
        // The later update still counts where it matters: the window is learned with its latest cost.
        assertThat(state.pending().windows()).filteredOn(w -> w.windowStart() == T0 + 30 * MINUTE)
                .singleElement().satisfies(w -> assertThat(w.cost()).isEqualByComparingTo("10.00"));
    }

    @Test
    void shouldNotResolveOnNormalWindowsFromBeforeTheSpikeThatArriveLate() {
        steady(0, 28, "1.00");
        window(30, "10.00", 3);
        window(31, "10.00", 3);

        // Windows 28 and 29 were delayed upstream: normal spend from before the spike.
        List<Transition> late = new ArrayList<>();
        late.addAll(window(28, "1.00", 3));
        late.addAll(window(29, "1.00", 3));
        List<Transition> next = window(32, "10.00", 3);

        assertThat(late).isEmpty();
        assertThat(next).extracting(Transition::state, Transition::windowStart)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.UPDATE, T0 + 31 * MINUTE));
        assertThat(state.isOpen()).isTrue();
        assertThat(state.incident().quietWindows()).isZero();
    }

    @Test
    void shouldNotReopenOnStragglingUpdatesOfWindowsTheResolvedIncidentCovered() {
        steady(0, 30, "1.00");
        List<Transition> events = new ArrayList<>();
        events.addAll(update(30, "10.00", 10_000));
        events.addAll(update(31, "10.00", 10_000));
        events.addAll(update(32, "1.00", 10_000));
        events.addAll(update(33, "1.00", 10_000));
        events.addAll(update(34, "1.00", 10_000));

        List<Transition> stragglers = new ArrayList<>(update(31, "60.00", 59_000));
        stragglers.addAll(update(33, "20.00", 59_000));
        List<Transition> newSpike = update(35, "20.00", 10_000);

        assertThat(events).extracting(Transition::state).containsExactly(AnomalyState.OPEN, AnomalyState.UPDATE,
                AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.RESOLVED);
        assertThat(state.resolvedBefore()).isEqualTo(T0 + 34 * MINUTE);
        assertThat(stragglers).isEmpty();
        assertThat(newSpike).extracting(Transition::state, Transition::startedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyState.OPEN, T0 + 35 * MINUTE));
    }

    @Test
    void shouldLearnWithoutDelayWhenTheSettleHorizonIsZero() {
        CostSpikeLifecycle immediate = new CostSpikeLifecycle(new CostDetector(DetectorSettings.defaults()),
                LifecycleSettings.defaults().withSettle(Duration.ZERO));
        DetectorState series = lifecycle.newState();
        for (int m = 0; m < 12; m++) {
            updates("checkout", m, 1.0, 2).forEach(u -> immediate.onUpdate(series, u));
        }

        assertThat(series.baseline().learnedWindows()).isEqualTo(11);
        assertThat(series.pending().windows()).hasSize(1);
    }

    @Test
    void shouldKeepThePendingWindowsBoundedAndLearnTheOldestWhenFull() {
        // Overlapping 1-minute windows every 10 s (a misconfigured upstream) fill the settle horizon six times over.
        long step = 10_000;
        for (int i = 0; i < 200; i++) {
            long start = T0 + i * step;
            lifecycle.onUpdate(state, new WindowUpdate("checkout", start, start + MINUTE, Money.of("1.00"), "USD",
                    start + 30_000));

            assertThat(state.pending().size()).isLessThanOrEqualTo(lifecycle.settings().pendingCap(MINUTE));
        }

        assertThat(lifecycle.settings().pendingCap(MINUTE)).isEqualTo(15);
        assertThat(state.baseline().learnedWindows()).isEqualTo(200 - 15);
        assertThat(state.pending().settledBefore()).isGreaterThan(T0 + 184 * step)
                .isLessThanOrEqualTo(T0 + 185 * step);
    }

    @Test
    void shouldOpenOneDropTicketOnceTheFirstLowWindowSettlesAndResolveWhenItRecovers() {
        steady(0, 60, "1.35");
        Fed fed = dropThenRecover(60, 70, 80);
        List<Transition> events = fed.events();
        int openedDuring = fed.openedDuring();

        // Window 60 is judged when it settles (window 71 starts: the settle horizon is 10 minutes), not when the
        // series moves past it: in order or not, the rest of its rows may still be on their way from another
        // partition, and a partial window is always low. A drop is a ticket: ten minutes later costs nothing.
        assertThat(openedDuring).isEqualTo(71);
        assertThat(events).extracting(Transition::type).containsOnly(AnomalyType.COST_DROP);
        assertThat(events).filteredOn(t -> t.state() == AnomalyState.OPEN).singleElement().satisfies(open -> {
            assertThat(open.startedAt()).isEqualTo(T0 + 60 * MINUTE);
            assertThat(open.severity()).isEqualTo(Severity.TICKET);
            assertThat(open.partial()).isFalse();
            assertThat(open.expected().doubleValue()).isCloseTo(1.35, within(0.01));
            assertThat(open.excessCost()).isEqualByComparingTo(open.observed().subtract(open.expected()));
            assertThat(open.excessCostPerHour().doubleValue()).isCloseTo(-60 * 1.34, within(1.0));
        });
        Transition resolved = events.get(events.size() - 1);
        assertThat(resolved.state()).isEqualTo(AnomalyState.RESOLVED);
        // Two quiet windows after the recovery (70, 71): resolved when window 72 starts; the drop ended with 69.
        assertThat(resolved.windowStart()).isEqualTo(T0 + 71 * MINUTE);
        assertThat(resolved.endedAt()).isEqualTo(T0 + 70 * MINUTE);
        assertThat(resolved.excessCost().doubleValue()).isCloseTo(-10 * 1.34, within(0.1));
        assertThat(resolved.peakObserved()).isEqualByComparingTo("0.01");
        assertThat(resolved.severity()).isEqualTo(Severity.TICKET);
        // Windows 61..69 active, 70 the first quiet one.
        assertThat(events).filteredOn(t -> t.state() == AnomalyState.UPDATE).hasSize(10);
        assertThat(state.isOpen()).isFalse();
    }

    @Test
    void shouldNotMistakeTheEndOfASpikeForADrop() {
        steady(0, 60, "1.35");
        List<Transition> events = new ArrayList<>();
        for (int m = 60; m < 70; m++) {
            events.addAll(window(m, "13.50", 3));
        }
        for (int m = 70; m < 120; m++) {
            events.addAll(window(m, "1.35", 3));
        }

        assertThat(events).extracting(Transition::type).containsOnly(AnomalyType.COST_SPIKE);
        assertThat(events).extracting(Transition::state).containsOnlyOnce(AnomalyState.OPEN, AnomalyState.RESOLVED);
    }

    @Test
    void shouldJudgeADropOnlyWhenItsWindowSettlesWhileTheSeriesArrivesOutOfOrder() {
        steady(0, 50, "1.35");
        // Window 50 starts before the last update of window 49 arrives: a lagging upstream partition.
        List<WindowUpdate> window49 = updates("checkout", 49, 1.35, 3);
        assertThat(lifecycle.onUpdate(state, updates("checkout", 50, 1.35, 3).get(0))).isEmpty();
        assertThat(lifecycle.onUpdate(state, new WindowUpdate("checkout", T0 + 49 * MINUTE, T0 + 50 * MINUTE,
                Money.of("1.35"), "USD", window49.get(2).timestamp() + 1))).isEmpty();
        updates("checkout", 50, 1.35, 3).subList(1, 3).forEach(u -> assertThat(lifecycle.onUpdate(state, u)).isEmpty());
        steady(51, 55, "1.35");
        Fed fed = dropThenRecover(55, 65, 80);
        List<Transition> events = fed.events();
        int openedDuring = fed.openedDuring();

        // Window 55 may have been incomplete when 56 started; it is judged when it settles, as 66 starts (settle
        // 10 minutes). The windows finished since (56..65) are counted into the drop at once.
        assertThat(openedDuring).isEqualTo(66);
        assertThat(events).extracting(Transition::type).containsOnly(AnomalyType.COST_DROP);
        assertThat(events.get(0).state()).isEqualTo(AnomalyState.OPEN);
        assertThat(events.get(0).startedAt()).isEqualTo(T0 + 55 * MINUTE);
        Transition resolved = events.get(events.size() - 1);
        assertThat(resolved.state()).isEqualTo(AnomalyState.RESOLVED);
        assertThat(resolved.endedAt()).isEqualTo(T0 + 65 * MINUTE);
        assertThat(resolved.excessCost().doubleValue()).isCloseTo(-10 * 1.34, within(0.1));
        assertThat(events).filteredOn(t -> t.state() == AnomalyState.OPEN).hasSize(1);
    }

    /** The events of some minutes fed, and the minute whose updates opened an anomaly (-1: none did). */
    private record Fed(List<Transition> events, int openedDuring) {
    }

    /** Windows {@code from} to {@code recovered - 1} at 0.01 (from 1.35), then back at 1.35 until {@code to}. */
    private Fed dropThenRecover(int from, int recovered, int to) {
        List<Transition> events = new ArrayList<>();
        int openedDuring = -1;
        for (int m = from; m < to; m++) {
            List<Transition> minute = window(m, m < recovered ? "0.01" : "1.35", 3);
            if (openedDuring < 0 && minute.stream().anyMatch(t -> t.state() == AnomalyState.OPEN)) {
                openedDuring = m;
            }
            events.addAll(minute);
        }
        return new Fed(events, openedDuring);
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

    /** The updates of one window, cumulative cost, evenly spaced, the last one final, for any series. */
    private static List<WindowUpdate> updates(String scope, int minute, double finalCost, int updates) {
        long start = T0 + minute * MINUTE;
        BigDecimal total = BigDecimal.valueOf(finalCost).setScale(2, RoundingMode.HALF_EVEN);
        List<WindowUpdate> list = new ArrayList<>();
        for (int k = 1; k <= updates; k++) {
            BigDecimal soFar = total.multiply(BigDecimal.valueOf(k)).divide(BigDecimal.valueOf(updates), 12,
                    RoundingMode.HALF_EVEN);
            list.add(new WindowUpdate(scope, start, start + MINUTE, Money.of(soFar), "USD",
                    start + (k - 1) * MINUTE / updates));
        }
        return list;
    }

    private List<Transition> update(int minute, String cost, long offsetMillis) {
        long start = T0 + minute * MINUTE;
        return lifecycle.onUpdate(state, new WindowUpdate("checkout", start, start + MINUTE, Money.of(cost), "USD",
                start + offsetMillis));
    }
}
