package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;

/**
 * A service with a weekly pattern on top of the daily one: weekends at 40% of weekdays (the same daily cycle as
 * {@link DiurnalCostTest}, 5% noise), fed to the real {@link CostSpikeLifecycle} one-minute window by one-minute
 * window, each window as three cumulative updates, from Monday 2026-11-02 00:00 UTC.
 */
class WeeklyCostTest {

    private static final long MINUTE = 60_000L;
    private static final int MINUTES_PER_DAY = 24 * 60;
    private static final int WEEK = 7 * MINUTES_PER_DAY;
    private static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    private static final double PEAK_PER_MINUTE = 10.0;
    private static final double WEEKEND = 0.4;

    @Test
    void shouldRaiseNothingInTheFourthWeekOnceTheWeeklyPatternIsLearned() {
        Service service = new Service(DetectorSettings.defaults());
        service.run(0, 3 * WEEK, 1.0);

        // Three weeks in, every weekday has two complete weeks behind it: the factors are in use.
        CostDetector detector = service.detector;
        Baseline baseline = service.state.baseline();
        double weekMean = (5 + 2 * WEEKEND) / 7;
        long saturday = T0 + (3 * WEEK + 5 * MINUTES_PER_DAY) * MINUTE;
        long monday = T0 + 3 * WEEK * MINUTE;
        assertThat(detector.weeklyFactor(baseline, saturday)).isCloseTo(WEEKEND / weekMean, within(0.03));
        assertThat(detector.weeklyFactor(baseline, monday)).isCloseTo(1 / weekMean, within(0.03));

        List<Transition> fourthWeek = service.run(3 * WEEK, 4 * WEEK, 1.0);

        assertThat(fourthWeek).isEmpty();
    }

    @Test
    void shouldOpenOnATenfoldWeekendSpikeWithinItsFirstMinute() {
        Service service = new Service(DetectorSettings.defaults());
        // Saturday of the fourth week, 14:00: ten times the usual Saturday afternoon (four times a weekday's).
        int spikeStart = 3 * WEEK + 5 * MINUTES_PER_DAY + 14 * 60;
        service.run(0, 3 * WEEK, 1.0);
        assertThat(service.run(3 * WEEK, spikeStart, 1.0)).isEmpty();

        List<Transition> spike = service.run(spikeStart, spikeStart + 10, 10.0);

        assertThat(spike).isNotEmpty();
        Transition open = spike.get(0);
        assertThat(open.state()).isEqualTo(AnomalyState.OPEN);
        assertThat(open.startedAt()).isEqualTo(T0 + spikeStart * MINUTE);
        assertThat(open.observedAt()).isLessThan(T0 + spikeStart * MINUTE + MINUTE);
        // The expected cost is a Saturday afternoon's, not the week's: the excess is measured against the weekend.
        assertThat(open.expected().doubleValue()).isLessThan(PEAK_PER_MINUTE * WEEKEND * 1.2);
    }

    @Test
    void shouldRaiseEveryMondayWithoutTheWeeklyProfile() {
        Service withoutWeekly = new Service(DetectorSettings.defaults().withWeeklyMinWeeks(0));
        withoutWeekly.run(0, 3 * WEEK, 1.0);

        List<Transition> fourthWeek = withoutWeekly.run(3 * WEEK, 4 * WEEK, 1.0);

        // Measured: the level sits at the weekend's spend on Sunday night, and Monday's first minute is 2.5 times
        // it. Saturday's step down raises no drop: the midnight slots of the daily profile expect a step there by
        // then (|z|, two-sided). The profiled service of the test above is quiet through the same week.
        assertThat(fourthWeek).filteredOn(t -> t.state() == AnomalyState.OPEN)
                .extracting(Transition::type, Transition::startedAt)
                .containsExactly(tuple(AnomalyType.COST_SPIKE, T0 + 3 * WEEK * MINUTE));
    }

    @Test
    void shouldRaiseOnMondaysOfTheWarmUpWeeksOnly() {
        Service service = new Service(DetectorSettings.defaults());

        List<Transition> warmUp = service.run(0, 3 * WEEK, 1.0);

        // Until every weekday has two complete weeks behind it the detector runs as without the profile: weeks two
        // and three open on their Monday midnight, nothing else does (no drop on the Saturdays either).
        assertThat(warmUp).filteredOn(t -> t.state() == AnomalyState.OPEN)
                .extracting(Transition::type, Transition::startedAt)
                .containsExactly(tuple(AnomalyType.COST_SPIKE, T0 + WEEK * MINUTE),
                        tuple(AnomalyType.COST_SPIKE, T0 + 2 * WEEK * MINUTE));
    }

    @Test
    void shouldOpenOnATenfoldWeekendSpikeWithoutTheWeeklyProfileToo() {
        Service withoutWeekly = new Service(DetectorSettings.defaults().withWeeklyMinWeeks(0));
        int spikeStart = 3 * WEEK + 5 * MINUTES_PER_DAY + 14 * 60;
        withoutWeekly.run(0, spikeStart, 1.0);

        List<Transition> spike = withoutWeekly.run(spikeStart, spikeStart + 10, 10.0);

        // The level follows the weekend within hours, so the weekly profile is not what catches a weekend spike:
        // what it adds is the quiet Monday.
        assertThat(spike).first().extracting(Transition::state, Transition::startedAt)
                .containsExactly(AnomalyState.OPEN, T0 + spikeStart * MINUTE);
    }

    /** One service's detector, state and noise, fed minute by minute. */
    private static final class Service {

        final CostDetector detector;
        final CostSpikeLifecycle lifecycle;
        final DetectorState state;
        final Random noise = new Random(2026);
        int next;

        Service(DetectorSettings settings) {
            detector = new CostDetector(settings);
            lifecycle = new CostSpikeLifecycle(detector, LifecycleSettings.defaults());
            state = lifecycle.newState();
        }

        /** Minutes {@code from} (inclusive) to {@code to}, each times {@code factor}; the events raised. */
        List<Transition> run(int from, int to, double factor) {
            List<Transition> events = new ArrayList<>();
            for (int m = from; m < to; m++) {
                events.addAll(minute(m, factor));
            }
            return events;
        }

        List<Transition> minute(int m, double factor) {
            long start = T0 + m * MINUTE;
            double hourOfDay = Math.floorMod(m, MINUTES_PER_DAY) / 60.0;
            boolean weekend = Math.floorMod(m / MINUTES_PER_DAY, 7) >= 5;
            double cost = PEAK_PER_MINUTE * SimulatedMinutes.dailyCycle(hourOfDay) * (weekend ? WEEKEND : 1.0)
                    * (1 + 0.05 * noise.nextGaussian()) * factor;
            return SimulatedMinutes.feed(lifecycle, state, start, cost);
        }
    }
}
