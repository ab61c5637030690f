package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link TopUpPlan} against a simulated phase, looked at as {@link Bench} looks (every 5 s, a top-up at a time, the
 * warm-up's end as the plan says, then three 20 s windows): an app that reads as fast as its input allows up to its
 * rate, and a generator that makes a top-up's records at its own rate while the app runs (one simulated
 * millisecond at a time).
 */
class TopUpPlanTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long LOOK = 5 * S;
    private static final long WARM_UP = 20 * S;
    private static final long MEASURE = 60 * S;
    private static final long WINDOW = 20 * S;
    private static final long EXTENSION = 180 * S;
    private static final long RAN_OUT_BELOW = 8;

    @Test
    void shouldKeepAFastAppFedThroughEveryWindowWhenTheGeneratorOutrunsIt() {
        // The quiet machine's pass-through rate in the warm-up, doubling once compiled; a generator 2x faster.
        Run run = new Phase(130_000, 260_000, 520_000, Long.MAX_VALUE, 21_400).run();

        assertEquals(List.of(false, false, false), run.ranOut, "no window ran out: " + run);
        assertTrue(run.warmUpSeconds <= 20 + 2 * (20 + 60), "the warm-up ends within its extension: " + run);
    }

    @Test
    void shouldTopUpASlowAppForTheWholeMeasurementBeforeMeasuringIt() {
        // An app at a few thousand records/s (ingest, the pipeline), 40% faster once measured (within the margin):
        // what it needs while measured is generated in its warm-up, so the generator takes no CPU from the measured
        // app.
        Run run = new Phase(2_000, 2_800, 200_000, Long.MAX_VALUE, 21_400).run();

        assertEquals(List.of(false, false, false), run.ranOut, run.toString());
        assertEquals(0, run.generatedWhileMeasured, "nothing generated beside the measured app: " + run);
        assertTrue(run.generatedInWarmUp >= 2_800L * 60 - 21_400, "the warm-up's top-ups cover the measurement: "
                + run);
    }

    @Test
    void shouldSayTheWindowsWhoseInputRanOutWhenTheGeneratorCannotKeepUp() {
        // The quiet machine's pass-through fed by a generator slower than it (the reverted bench's failure).
        Run run = new Phase(130_000, 130_000, 50_000, Long.MAX_VALUE, 21_400).run();

        assertTrue(run.ranOut.stream().allMatch(Boolean::booleanValue), "every window says it ran out: " + run);
        assertTrue(run.lastsSeconds < 60, "the warm-up's end says the input will not last: " + run);
        assertTrue(run.warmUpSeconds >= 20 + 2 * (20 + 60) - 5, "it tried as long as it may: " + run);
    }

    @Test
    void shouldSayTheWindowsWhoseInputRanOutWhenTheGeneratorHasNoMore() {
        // Raw rows stop at the clock: the generator has 3 million rows to give, the app reads 50,000 a second (the
        // warm-up leaves ~2 million: 40 of the 60 s).
        Run run = new Phase(50_000, 50_000, 1_000_000, 3_000_000, 21_400).run();

        assertTrue(run.generatorDry, run.toString());
        assertTrue(run.ranOut.get(2), "the last window ran out and says so: " + run);
        assertFalse(run.ranOut.get(0), "the first still had input: " + run);
    }

    /** What a simulated phase saw. */
    private static final class Run {
        final List<Boolean> ranOut = new ArrayList<>();
        double warmUpSeconds;
        double lastsSeconds;
        long generatedInWarmUp;
        long generatedWhileMeasured;
        boolean generatorDry;

        @Override
        public String toString() {
            return "ranOut " + ranOut + ", warm-up " + warmUpSeconds + " s, lasts " + lastsSeconds
                    + " s, generated in warm-up " + generatedInWarmUp + ", while measured " + generatedWhileMeasured
                    + ", generator dry " + generatorDry;
        }
    }

    /**
     * An app reading up to {@code warmRate} records/s, {@code measuredRate} once measured (the JIT done), from an
     * input that starts with {@code lag} records; a generator making {@code generatorRate} records/s, at most
     * {@code generatorHas} in all.
     */
    private record Phase(double warmRate, double measuredRate, double generatorRate, long generatorHas, long lag) {

        Run run() {
            Run run = new Run();
            Sim sim = new Sim(this);
            TopUpPlan plan = new TopUpPlan(0, WARM_UP, MEASURE, EXTENSION, LOOK, RAN_OUT_BELOW,
                    new long[] {0}, lag);
            // The warm-up, as Bench.warmUpAndMeasure: looks every 5 s (at least 1 s, ending on the warm-up's end).
            while (true) {
                sim.advanceTo(sim.now + Math.max(S, Math.min(LOOK, WARM_UP - sim.now)), warmRate, plan);
                boolean fed = sim.feed(plan, plan.mayExtend(sim.now));
                if (plan.warm(sim.now, fed)) {
                    break;
                }
            }
            sim.finishTopUp(warmRate, plan);
            run.warmUpSeconds = sim.now / (double) S;
            run.lastsSeconds = plan.lastsSeconds();
            run.generatedInWarmUp = sim.generated;
            long measureStart = sim.now;
            plan.measuring(measureStart, sim.committed);
            plan.mark();
            for (int w = 1; w <= MEASURE / WINDOW; w++) {
                long boundary = measureStart + w * WINDOW;
                while (true) {
                    sim.advanceTo(Math.min(boundary, sim.now + LOOK), measuredRate, plan);
                    if (sim.now >= boundary) {
                        break;
                    }
                    sim.feed(plan, true);
                }
                plan.look(sim.now, new long[] {sim.committed}, sim.lag);
                run.ranOut.add(plan.ranOutSinceMark());
            }
            run.generatedWhileMeasured = sim.generated - run.generatedInWarmUp;
            run.generatorDry = plan.generatorDry();
            return run;
        }
    }

    /** The simulated broker, app and generator, one millisecond at a time. */
    private static final class Sim {
        final Phase phase;
        long now;
        long committed;
        long lag;
        long generated;
        /** The running top-up: records still to make (-1: none), what it made, when it started. */
        long toMake = -1;
        long made;
        long topUpStart;
        double appCarry;
        double generatorCarry;

        Sim(Phase phase) {
            this.phase = phase;
            this.lag = phase.lag;
        }

        void advanceTo(long until, double rate, TopUpPlan plan) {
            while (now < until) {
                now += MS;
                if (toMake > 0) {
                    generatorCarry += phase.generatorRate / 1000;
                    long make = Math.min(Math.min(toMake, (long) generatorCarry), phase.generatorHas - generated);
                    generatorCarry -= make;
                    toMake -= make;
                    made += make;
                    generated += make;
                    lag += make;
                    if (generated == phase.generatorHas) {
                        toMake = 0;
                    }
                }
                appCarry += rate / 1000;
                long read = Math.min(lag, (long) appCarry);
                appCarry -= read;
                lag -= read;
                committed += read;
            }
        }

        /** As Bench's feeder: a look; a finished top-up collected; a new one started if asked for and allowed. */
        boolean feed(TopUpPlan plan, boolean allowed) {
            long records = plan.look(now, new long[] {committed}, lag);
            if (toMake > 0) {
                return true;
            }
            if (toMake == 0) {
                plan.toppedUp(made, now - topUpStart);
                toMake = -1;
            }
            if (records <= 0 || !allowed) {
                return false;
            }
            toMake = records;
            made = 0;
            topUpStart = now;
            return true;
        }

        void finishTopUp(double rate, TopUpPlan plan) {
            while (toMake > 0) {
                advanceTo(now + MS, rate, plan);
            }
            if (toMake == 0) {
                plan.toppedUp(made, now - topUpStart);
                toMake = -1;
            }
        }
    }
}
