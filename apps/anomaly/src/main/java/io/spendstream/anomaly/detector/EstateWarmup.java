package io.spendstream.anomaly.detector;

import java.time.Duration;

/**
 * How long a detector task has watched its estate, in event time: the new-spend rule ({@link NewSpendSettings}) is on
 * only once it is warm. At the first start of Spendstream on an existing estate every series is new; what tells new
 * spend apart is that the rest of the estate was already there. Mutable, one per processor (task), not persisted: a
 * restarted task seeds it from its store ({@link #seed}: the longest-learned series' age), so a restart does not
 * silence new spend for an hour, and a first start does not page every series.
 *
 * <p>The estate's start is the earliest event time seen, so a backlog loaded at once warms up by its data's time, not
 * by how fast it is read, and the same in any arrival order.
 *
 * <p>New spend is also judged only on live updates ({@link #judgesNewSpendAt}): within the live horizon (the
 * lifecycle's settle) of the newest event time the task has seen. A series whose first windows arrive well behind the
 * rest of the estate is history being caught up, not money burning now: a backfill of some services after others (the
 * demo sends a day of one team's history, then an hour of the others'), or a partition that lags in a skewed backlog.
 * Such a series is judged like any other once it has a baseline. Event time alone cannot tell history being read from
 * spend arriving as it happens, so the lifecycle also asks the wall clock: history is never new spend
 * ({@link CostSpikeLifecycle#onUpdate(DetectorState, WindowUpdate, EstateWarmup, CatchUpWatch, long)}).
 */
public final class EstateWarmup {

    private static final long NONE = Long.MAX_VALUE;

    private final long warmupMillis;
    private final long liveMillis;
    private long earliest = NONE;
    private long latest = Long.MIN_VALUE;
    private long seededAge;

    /** {@code liveHorizon}: how far behind the newest event time an update still counts as live. */
    public EstateWarmup(NewSpendSettings settings, Duration liveHorizon) {
        this.warmupMillis = settings.estateWarmup().toMillis();
        this.liveMillis = liveHorizon.toMillis();
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
        latest = Math.max(latest, timestamp);
    }

    /** Whether an update at {@code timestamp} may open new spend: the estate is warm by then and the update is live. */
    public boolean judgesNewSpendAt(long timestamp) {
        return isWarm(timestamp) && latest - timestamp <= liveMillis;
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
