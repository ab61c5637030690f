package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.AnomalyState;

/**
 * A service whose spend follows a steady daily cycle (night 30% of the afternoon peak, 5% noise), fed to the real
 * {@link CostSpikeLifecycle} one-minute window by one-minute window, each window as three cumulative updates the
 * way attribution emits them.
 */
class DiurnalCostTest {

    private static final long MINUTE = 60_000L;
    private static final long DAY = 24 * 60 * MINUTE;
    private static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    private static final double PEAK_PER_MINUTE = 10.0;

    private final CostSpikeLifecycle lifecycle =
            new CostSpikeLifecycle(new CostDetector(DetectorSettings.defaults()), LifecycleSettings.defaults());
    private final DetectorState state = lifecycle.newState();
    private final Random noise = new Random(2026);

    @Test
    void shouldRaiseNothingOnASteadyDiurnalPatternOverSevenDays() {
        List<Transition> events = run(0, 7 * 24 * 60, 1.0);

        assertThat(events).isEmpty();
        assertThat(state.baseline().learnedWindows()).isGreaterThan(7 * 24 * 60 - 20);
    }

    @Test
    void shouldOpenOnATenfoldSpikeWithinItsFirstMinuteAndResolveAfterItStops() {
        int sevenDays = 7 * 24 * 60;
        assertThat(run(0, sevenDays, 1.0)).isEmpty();
        // 14:00 on day 8, near the daily peak: the spike is 10x the usual afternoon spend.
        int spikeStart = sevenDays + 14 * 60;
        assertThat(run(sevenDays, spikeStart, 1.0)).isEmpty();

        List<Transition> spike = run(spikeStart, spikeStart + 10, 10.0);
        List<Transition> after = run(spikeStart + 10, spikeStart + 30, 1.0);

        long spikeStartMillis = T0 + spikeStart * MINUTE;
        assertThat(spike).isNotEmpty();
        Transition open = spike.get(0);
        assertThat(open.state()).isEqualTo(AnomalyState.OPEN);
        assertThat(open.startedAt()).isEqualTo(spikeStartMillis);
        assertThat(open.observedAt()).isLessThan(spikeStartMillis + MINUTE);
        assertThat(spike).extracting(Transition::state).containsOnlyOnce(AnomalyState.OPEN);
        assertThat(spike.subList(1, spike.size())).extracting(Transition::state).containsOnly(AnomalyState.UPDATE);
        assertThat(after).extracting(Transition::state).contains(AnomalyState.RESOLVED)
                .doesNotContain(AnomalyState.OPEN);
        Transition resolved = after.stream().filter(t -> t.state() == AnomalyState.RESOLVED).findFirst().orElseThrow();
        assertThat(resolved.anomalyId()).isEqualTo(open.anomalyId());
        assertThat(resolved.endedAt()).isEqualTo(spikeStartMillis + 10 * MINUTE);
        assertThat(state.isOpen()).isFalse();
    }

    /** Minutes {@code from} (inclusive) to {@code to} of the cycle, each times {@code factor}; the events raised. */
    private List<Transition> run(int from, int to, double factor) {
        List<Transition> events = new ArrayList<>();
        for (int m = from; m < to; m++) {
            long start = T0 + m * MINUTE;
            double hourOfDay = Math.floorMod(start, DAY) / (double) (60 * MINUTE);
            double cost = PEAK_PER_MINUTE * SimulatedMinutes.dailyCycle(hourOfDay) * (1 + 0.05 * noise.nextGaussian())
                    * factor;
            events.addAll(SimulatedMinutes.feed(lifecycle, state, start, cost));
        }
        return events;
    }
}
