package io.spendstream.anomaly.detector;

/**
 * Whether a detector task is catching up a backlog out of order, by the wall clock: the last time one of its series
 * got an update of history more than a window behind its newest window ({@link CostSpikeLifecycle#catchesUp}).
 * While that was less than the catch-up quiet ago, every series of the task that gets history is held
 * ({@link CostSpikeLifecycle#onUpdate(DetectorState, WindowUpdate, EstateWarmup, CatchUpWatch, long)}): the first
 * series to show the skew tells about the others, whose first windows may so far have come from their fast sources
 * only. Mutable, one per processor (task), not persisted: after a restart a held series is released by its next
 * update once the task has seen no such update for the quiet. The drift detector keeps one of its own
 * ({@link io.spendstream.anomaly.drift.DriftLifecycle}): nothing settles into it while its task catches up.
 */
public final class CatchUpWatch {

    private static final long NEVER = Long.MIN_VALUE;

    private long lastSeenAt = NEVER;

    /** An update caught up history out of order at the wall-clock time {@code now}. */
    public void seen(long now) {
        lastSeenAt = Math.max(lastSeenAt, now);
    }

    /** Whether such an update came less than {@code quietMillis} before {@code now}. */
    public boolean isCatchingUp(long now, long quietMillis) {
        return lastSeenAt != NEVER && now - lastSeenAt < quietMillis;
    }
}
