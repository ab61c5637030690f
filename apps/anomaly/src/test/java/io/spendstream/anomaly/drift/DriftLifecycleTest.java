package io.spendstream.anomaly.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.anomaly.detector.CatchUpWatch;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * {@link DriftLifecycle} on hand-built windows of 1,000 requests at 0.001 USD each (flat, no noise), 90 minutes of
 * history first: a younger series needs a larger deviation to be rare enough (the rarity histogram's prior).
 */
class DriftLifecycleTest {

    private static final long MINUTE = 60_000L;
    private static final BigDecimal NORMAL = new BigDecimal("1.00");
    private static final BigDecimal DOUBLE = new BigDecimal("2.00");

    private final DriftLifecycle lifecycle = new DriftLifecycle(DriftSettings.defaults());
    private final DriftStateRecord state = lifecycle.newState();
    private final List<DriftTransition> events = new ArrayList<>();

    @Test
    void shouldNotOpenForFewerThanMinWindowsOverTheThreshold() {
        feed(0, 90, NORMAL, 1_000);
        // Four expensive minutes: a spike, not a drift.
        feed(90, 94, DOUBLE, 1_000);
        feed(94, 130, NORMAL, 1_000);

        assertThat(events).isEmpty();
        assertThat(state.getDrift()).isNull();
    }

    @Test
    void shouldOpenOnTheFifthSettledWindowAndCountTheExcessOfAllFive() {
        feed(0, 90, NORMAL, 1_000);
        feed(90, 105, DOUBLE, 1_000);
        assertThat(events).isEmpty();
        feed(105, 106, DOUBLE, 1_000);

        // Window 94 settles when window 105 arrives (10-minute settle horizon).
        assertThat(events).extracting(DriftTransition::state).containsExactly(AnomalyState.OPEN);
        DriftTransition open = events.get(0);
        assertThat(open.startedAt()).isEqualTo(90 * MINUTE);
        assertThat(open.windowStart()).isEqualTo(94 * MINUTE);
        assertThat(open.severity()).isEqualTo(Severity.TICKET);
        assertThat(open.costPerRequest()).isEqualByComparingTo("0.002");
        // Five windows of 1,000 requests, each ~0.001 over a baseline that creeps up as it learns them clipped.
        assertThat(open.excessCost()).isBetween(new BigDecimal("4.9"), new BigDecimal("5.0"));
        assertThat(DriftLifecycle.isOpen(state)).isTrue();
    }

    @Test
    void shouldJudgeAndLearnNothingThatSettlesWhileItsTaskCatchesUpOutOfOrderAndJudgeAgainOnceCaughtUp() {
        CatchUpWatch watch = lifecycle.newCatchUpWatch();
        feed(0, 90, NORMAL, 1_000);
        long now = 300 * MINUTE;
        // Window 97 arrives three windows behind window 100, both ended long ago: the task is catching up.
        lifecycle.onUpdate(state, update(100 * MINUTE, DOUBLE, 1_000, 100 * MINUTE), watch, now);
        lifecycle.onUpdate(state, update(97 * MINUTE, DOUBLE, 1_000, 97 * MINUTE), watch, now);
        assertThat(lifecycle.isCatchingUp(watch, now)).isTrue();
        int skipped = 0;
        for (int m = 101; m < 130; m++) {
            DriftLifecycle.Outcome outcome = lifecycle.onUpdate(state, update(m * MINUTE, DOUBLE, 1_000, m * MINUTE),
                    watch, now);
            events.addAll(outcome.transitions());
            skipped += outcome.catchUpWindows();
        }
        assertThat(events).isEmpty();
        // Window 97 and windows 100-118 settled meanwhile (90-96, 98 and 99 never came).
        assertThat(skipped).isEqualTo(1 + 19);

        // The quiet passes: what settles now is judged against the baseline of windows 0-89, nothing of the
        // catch-up learned; the doubled windows from 119 open the drift on the fifth.
        long caughtUp = now + DriftSettings.defaults().catchUpQuiet().toMillis();
        for (int m = 130; m < 135; m++) {
            events.addAll(lifecycle.onUpdate(state, update(m * MINUTE, DOUBLE, 1_000, m * MINUTE), watch, caughtUp)
                    .transitions());
        }
        assertThat(events).extracting(DriftTransition::state).containsExactly(AnomalyState.OPEN);
        assertThat(events.get(0).startedAt()).isEqualTo(119 * MINUTE);
    }

    @Test
    void shouldKeepTheLatestTotalsOfAWindowWhateverTheArrivalOrder() {
        feed(0, 90, NORMAL, 1_000);
        for (int m = 90; m < 110; m++) {
            long start = m * MINUTE;
            // The final update (the drift: 2.00 for 1,000 requests) arrives first, a stale partial one after it.
            events.addAll(lifecycle.onUpdate(state, update(start, DOUBLE, 1_000, start + 50_000)).transitions());
            events.addAll(lifecycle.onUpdate(state, update(start, new BigDecimal("0.10"), 1_000, start + 5_000))
                    .transitions());
        }

        assertThat(events).extracting(DriftTransition::state).startsWith(AnomalyState.OPEN);
        assertThat(events).allSatisfy(t -> assertThat(t.costPerRequest()).isEqualByComparingTo("0.002"));
    }

    @Test
    void shouldCallAnUpdateOfASettledWindowLate() {
        feed(0, 30, NORMAL, 1_000);

        assertThat(lifecycle.isLate(state, update(18 * MINUTE, NORMAL, 1_000, 18 * MINUTE))).isTrue();
        assertThat(lifecycle.isLate(state, update(19 * MINUTE, NORMAL, 1_000, 19 * MINUTE))).isFalse();
    }

    @Test
    void shouldSkipWindowsWithNoOrTooFewRequestsWithoutBreakingARun() {
        feed(0, 90, NORMAL, 1_000);
        feed(90, 93, DOUBLE, 1_000);
        // A minute with 40 requests in the middle of the drift: skipped, the run of three goes on.
        feed(93, 94, DOUBLE, 40);
        feed(94, 107, DOUBLE, 1_000);

        assertThat(events).extracting(DriftTransition::state).startsWith(AnomalyState.OPEN);
        assertThat(events.get(0).startedAt()).isEqualTo(90 * MINUTE);
        assertThat(events.get(0).windowStart()).isEqualTo(95 * MINUTE);
    }

    @Test
    void shouldScoreRisesOnlyEvenWhenTheCostSpikeDetectorIsTwoSided() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(AnomalySettings.TWO_SIDED, "true"));
        DriftSettings settings = DriftSettings.from(config, AnomalySettings.from(config));
        DriftLifecycle twoSided = new DriftLifecycle(settings);
        DriftStateRecord s = twoSided.newState();
        List<DriftTransition> seen = new ArrayList<>();
        for (int m = 0; m < 130; m++) {
            // The cost per request halves for 20 minutes: cheaper requests are no incident.
            BigDecimal cost = m >= 90 && m < 110 ? new BigDecimal("0.50") : NORMAL;
            seen.addAll(twoSided.onUpdate(s, update(m * MINUTE, cost, 1_000, m * MINUTE)).transitions());
        }

        assertThat(settings.detector().twoSided()).isFalse();
        assertThat(seen).isEmpty();
    }

    @Test
    void shouldReadItsSettingsAndRefuseBadOnes() {
        DriftSettings settings = DriftSettings.from(new SpendstreamConfig(Map.of(DriftSettings.MIN_WINDOWS, "3",
                DriftSettings.MIN_REQUESTS, "20", DriftSettings.SEVERITY, "page")), AnomalySettings.defaults());

        assertThat(settings.minWindows()).isEqualTo(3);
        assertThat(settings.minRequests()).isEqualTo(20);
        assertThat(settings.severity()).isEqualTo(Severity.PAGE);
        assertThatThrownBy(() -> DriftSettings.from(new SpendstreamConfig(Map.of(DriftSettings.SEVERITY, "urgent")),
                AnomalySettings.defaults())).hasMessageContaining(DriftSettings.SEVERITY);
        assertThatThrownBy(() -> DriftSettings.from(new SpendstreamConfig(Map.of(DriftSettings.MIN_WINDOWS, "0")),
                AnomalySettings.defaults())).hasMessageContaining(DriftSettings.MIN_WINDOWS);
    }

    @Test
    void shouldRoundTripItsStateThroughTheStoreSerde() {
        feed(0, 90, NORMAL, 1_000);
        feed(90, 105, DOUBLE, 1_000);
        DriftStateSerde serde = new DriftStateSerde();

        DriftStateRecord restored = serde.read(serde.write(state));
        List<DriftTransition> fromRestored = lifecycle.onUpdate(restored, update(105 * MINUTE, DOUBLE, 1_000,
                105 * MINUTE + 1)).transitions();
        List<DriftTransition> fromOriginal = lifecycle.onUpdate(state, update(105 * MINUTE, DOUBLE, 1_000,
                105 * MINUTE + 1)).transitions();
        List<DriftTransition> nextFromRestored = lifecycle.onUpdate(restored, update(106 * MINUTE, DOUBLE, 1_000,
                106 * MINUTE)).transitions();
        List<DriftTransition> nextFromOriginal = lifecycle.onUpdate(state, update(106 * MINUTE, DOUBLE, 1_000,
                106 * MINUTE)).transitions();

        assertThat(fromRestored).isEqualTo(fromOriginal);
        assertThat(nextFromRestored).isEqualTo(nextFromOriginal).hasSize(1);
        assertThat(nextFromRestored.get(0).state()).isEqualTo(AnomalyState.UPDATE);
    }

    private void feed(int from, int to, BigDecimal cost, long requests) {
        for (int m = from; m < to; m++) {
            events.addAll(lifecycle.onUpdate(state, update(m * MINUTE, cost, requests, m * MINUTE)).transitions());
        }
    }

    private static DriftUpdate update(long start, BigDecimal cost, long requests, long timestamp) {
        return new DriftUpdate("checkout", start, start + MINUTE, "USD", cost, requests,
                cost.divide(BigDecimal.valueOf(requests), 12, RoundingMode.HALF_EVEN), timestamp);
    }
}
