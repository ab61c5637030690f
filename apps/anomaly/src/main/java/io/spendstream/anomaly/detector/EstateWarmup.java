package io.spendstream.anomaly.detector;

/**
 * How long a detector task has watched its estate, in event time: the new-spend rule ({@link NewSpendSettings}) is on
 * only once it is warm. At the first start of Spendstream on an existing estate every series is new; what tells new
 * spend apart is that the rest of the estate was already there. Mutable, one per processor (task), not persisted: a
 * restarted task seeds it from its store ({@link #seed}: the longest-learned series' age), so a restart does not
 * silence new spend for an hour, and a first start does not page every series.
 *
 * <p>The estate's start is the earliest event time seen, so a backlog loaded at once warms up by its data's time, not
 * by how fast it is read, and the same in any arrival order.
 */
public final class EstateWarmup {

    private static final long NONE = Long.MAX_VALUE;

    private final long warmupMillis;
    private long earliest = NONE;
    private long seededAge;

    public EstateWarmup(NewSpendSettings settings) {
        this.warmupMillis = settings.estateWarmup().toMillis();
    }

    /** The estate already had series learned this long (e.g. from a restored store). */
    public void seed(long ageMillis) {
        seededAge = Math.max(seededAge, ageMillis);
    }

    /** Seeds from a restored series: its learned windows times the window size. */
    public void seed(DetectorState state, long windowMillis) {
        seed(state.baseline().learnedWindows() * windowMillis);
    }

    public void observe(long timestamp) {
        earliest = Math.min(earliest, timestamp);
    }

    /** Whether the estate had been watched for the warm-up by {@code timestamp}. */
    public boolean isWarm(long timestamp) {
        if (warmupMillis == 0) {
            return false;
        }
        if (seededAge >= warmupMillis) {
            return true;
        }
        return earliest != NONE && timestamp - earliest >= warmupMillis - seededAge;
    }
}
