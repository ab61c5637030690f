package io.spendstream.anomaly.detector;

/**
 * Everything the cost-spike detection keeps for one series (one service): the learned {@link Baseline}, the
 * {@link PendingWindows} not learned yet with their latest costs, the open {@link Incident}, and where the last
 * incident resolved. This is the value of the anomaly app's state store; it is mutable and changed only by
 * {@link CostSpikeLifecycle}.
 */
public final class DetectorState {

    /** {@link #resolvedBefore()} when no incident has resolved yet. */
    public static final long NEVER_RESOLVED = Long.MIN_VALUE;

    private final Baseline baseline;
    private final PendingWindows pending;
    private Incident incident;
    private long resolvedBefore;

    public DetectorState(Baseline baseline, PendingWindows pending, Incident incident, long resolvedBefore) {
        this.baseline = baseline;
        this.pending = pending;
        this.incident = incident;
        this.resolvedBefore = resolvedBefore;
    }

    /** A new series, with a daily profile of {@code dailySlots} slots (see {@link CostSpikeLifecycle#newState}). */
    public static DetectorState empty(int dailySlots) {
        return new DetectorState(Baseline.empty(dailySlots), PendingWindows.empty(), null, NEVER_RESOLVED);
    }

    public Baseline baseline() {
        return baseline;
    }

    public PendingWindows pending() {
        return pending;
    }

    /** The newest window seen, or null before the first update. */
    public PendingWindow newest() {
        return pending.newest();
    }

    /** The open anomaly, or null. */
    public Incident incident() {
        return incident;
    }

    public boolean isOpen() {
        return incident != null;
    }

    /**
     * End of the window that resolved the last incident ({@link #NEVER_RESOLVED} if none did): a straggling update
     * of an older window belongs to a stretch that incident already covered, so it does not open a new one.
     */
    public long resolvedBefore() {
        return resolvedBefore;
    }

    void incident(Incident open) {
        incident = open;
    }

    void resolve(long resolvingWindowEnd) {
        incident = null;
        resolvedBefore = Math.max(resolvedBefore, resolvingWindowEnd);
    }
}
