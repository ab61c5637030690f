package io.spendstream.deploy.bench;

/**
 * When a throughput phase's warm-up ends, and when and by how much its input is topped up so that the measurement
 * never waits for input ({@link Bench}'s feeder looks every few seconds and runs the top-ups; no I/O here, so that a
 * test can drive it with a simulated app and generator).
 * <ul>
 *   <li><b>Sized ahead</b>: during the warm-up a look asks for enough input to last the rest of the warm-up <em>and
 *       the whole measurement</em> at {@value #MARGIN} times the rate since the last look (a warm-up rate
 *       understates the compiled one), so the generator runs in the warm-up, not beside the measured app; the
 *       warm-up lasts until no top-up is needed (or {@code maxExtension} more). While measured, a look tops up only
 *       where the rest would not last the rest of the measurement (and a look more) at the rate seen.</li>
 *   <li><b>Sized to the generator</b>: a top-up is at most what the generator made in {@link #MAX_TOP_UP_SECONDS}
 *       at its rate in the top-ups so far, so that a slow generator is looked at again soon, not waited for in one
 *       long top-up; a generator that cannot keep up shows as a warm-up that ends short
 *       ({@link #lastsSeconds}).</li>
 *   <li><b>Running out is said</b>: every look that finds less than {@code ranOutBelow} left (a few transaction
 *       markers) marks the input as run out since the last {@link #mark}: the bench leaves such a window out of the
 *       medians and says so.</li>
 * </ul>
 */
final class TopUpPlan {

    /**
     * How much more input than the rate seen would need a top-up asks for: a warm-up rate understates the compiled
     * one, and each record generated in the warm-up makes the warm-up longer (shifted copies: ~as costly as the app).
     */
    static final double MARGIN = 1.5;
    /** The longest a single top-up should take at the generator's rate so far. */
    static final double MAX_TOP_UP_SECONDS = 20;
    /** The least a warm-up may be extended for top-ups (see {@link #mayExtend}). */
    static final long MIN_TOP_UP_NANOS = 20_000_000_000L;

    private final long warmEnd;
    private final long giveUp;
    private final long topUpUntil;
    private final long measureNanos;
    private final long lookNanos;
    private final long ranOutBelow;
    private long measureStart = -1;
    private long measureCommitted;
    private long lastNanos;
    private long[] lastCommitted;
    private final long[] startCommitted;
    private long lastLag;
    private double rate;
    private long generated;
    private long generatingNanos;
    private boolean generatorDry;
    private boolean ranOut;
    private boolean flowing;

    /**
     * @param t0           when the phase's apps were RUNNING (nanos): the warm-up starts
     * @param warmUpNanos  the warm-up asked for
     * @param measureNanos the measurement asked for
     * @param maxExtension how much longer than twice the warm-up it may last while its apps are not all processing;
     *                     while its input is topped up, that or twice the warm-up and the measurement, the shorter
     * @param lookNanos    how often the phase is looked at
     * @param ranOutBelow  below this lag the input has run out
     * @param committed    the stages' committed offsets at {@code t0}
     * @param lag          the first stage's lag at {@code t0}
     */
    TopUpPlan(long t0, long warmUpNanos, long measureNanos, long maxExtension, long lookNanos, long ranOutBelow,
            long[] committed, long lag) {
        this.warmEnd = t0 + warmUpNanos;
        this.giveUp = warmEnd + warmUpNanos + maxExtension;
        // A short run (CI's) must not wait minutes for a slow generator: twice its warm-up and measurement at most
        // (but 20 s: a tiny run's copies on a busy machine come at a thousand records a second).
        this.topUpUntil = warmEnd + Math.min(maxExtension, Math.max(MIN_TOP_UP_NANOS,
                2 * (warmUpNanos + measureNanos)));
        this.measureNanos = measureNanos;
        this.lookNanos = lookNanos;
        this.ranOutBelow = ranOutBelow;
        this.lastNanos = t0;
        this.lastCommitted = committed.clone();
        this.startCommitted = committed.clone();
        this.lastLag = lag;
    }

    /**
     * One look at the phase at {@code nanos}: its stages' committed offsets and its first stage's lag. Returns how
     * many records a top-up should add now (0: none needed, or the generator has nothing more to give).
     */
    long look(long nanos, long[] committed, long lag) {
        long processed = committed[0] - lastCommitted[0];
        boolean moved = true;
        for (int i = 0; i < committed.length; i++) {
            moved &= committed[i] > startCommitted[i];
        }
        flowing = moved;
        double secs = Math.max(1e-3, (nanos - lastNanos) / 1e9);
        rate = processed / secs;
        boolean measured = measureStart >= 0;
        // While measured, the rate since the measurement started, once that spans a look: a rate over one look
        // jumps with the commits it happens to see, and a jump would generate beside the measured app for nothing.
        double sizingRate = measured && nanos - measureStart >= lookNanos
                ? (committed[0] - measureCommitted) / ((nanos - measureStart) / 1e9) : rate;
        long until = measured ? measureStart + measureNanos : Math.max(nanos, warmEnd) + measureNanos;
        double needed = sizingRate * (Math.max(0, until - nanos) + lookNanos) / 1e9;
        // In the warm-up: whenever less than MARGIN times what it needs is left. While measured only where the rest
        // would not last even at the rate seen (the generator then takes CPU from the measured app).
        long missing = lag < (measured ? needed + sizingRate * lookNanos / 1e9 : MARGIN * needed)
                ? (long) Math.ceil(MARGIN * needed) - lag : 0;
        if (lag < ranOutBelow) {
            ranOut = true;
            // The rate seen is the input's, a lower bound of the app's: at least double what it processed.
            missing = Math.max(missing, 2 * processed + 1);
        }
        lastNanos = nanos;
        lastCommitted = committed.clone();
        lastLag = lag;
        if (missing <= 0 || generatorDry) {
            return 0;
        }
        double generatorRate = generatorRate();
        return generatorRate > 0 ? Math.min(missing, Math.max(1, (long) (generatorRate * MAX_TOP_UP_SECONDS)))
                : missing;
    }

    /** A top-up ended: it added {@code records} in {@code nanos}; none means the generator is dry for the phase. */
    void toppedUp(long records, long nanos) {
        generated += records;
        generatingNanos += nanos;
        generatorDry |= records == 0;
    }

    /** Records per second the generator made while topping up, so far (0: not known yet). */
    double generatorRate() {
        return generatingNanos > 0 ? generated / (generatingNanos / 1e9) : 0;
    }

    /**
     * Whether the warm-up is over at {@code nanos}: its time is up, no top-up is running (the last look needed none),
     * and every stage has processed something since the phase started (a pipeline whose last app has had no input
     * yet is not flowing; asking for progress between two looks instead kept a tiny pipeline, whose last app
     * commits now and then, waiting until its input was gone); or it has been extended as far as it may.
     */
    boolean warm(long nanos, boolean toppingUp) {
        return nanos >= warmEnd && !toppingUp && flowing || nanos >= giveUp;
    }

    /**
     * Whether the warm-up may still be extended at {@code nanos} for a top-up: up to {@code maxExtension} after its
     * end, or twice the warm-up and the measurement (20 s at least) if that is shorter (then it waits only for the
     * phase to flow).
     */
    boolean mayExtend(long nanos) {
        return nanos < topUpUntil;
    }

    /**
     * The measurement starts at {@code nanos}, the first stage's committed offset {@code committed} then: looks from
     * now on size top-ups for the rest of it.
     */
    void measuring(long nanos, long committed) {
        measureStart = nanos;
        measureCommitted = committed;
    }

    /** For how many seconds what was left at the last look lasts at the last look's rate (infinite: no rate). */
    double lastsSeconds() {
        return rate > 0 ? lastLag / rate : Double.POSITIVE_INFINITY;
    }

    /** Whether a look since the last {@link #mark} found the input run out; starts a new period. */
    boolean ranOutSinceMark() {
        boolean was = ranOut;
        ranOut = false;
        return was;
    }

    /** Starts a new period for {@link #ranOutSinceMark} (a measurement window). */
    void mark() {
        ranOut = false;
    }

    /** The rate of the first stage between the last two looks, records per second. */
    double rate() {
        return rate;
    }

    boolean generatorDry() {
        return generatorDry;
    }
}
