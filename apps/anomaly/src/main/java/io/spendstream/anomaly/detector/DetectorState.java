package io.spendstream.anomaly.detector;

/**
 * Everything the cost-spike detection keeps for one series (one service): the learned {@link Baseline}, the
 * {@link PendingWindows} not learned yet with their latest costs, the open {@link Incident}, where the last
 * incident resolved, and what the drop judgement needs: when the series' updates last arrived out of order and up to
 * which window drops have been judged. This is the value of the anomaly app's state store; it is mutable and changed only by
 * {@link CostSpikeLifecycle}.
 */
public final class DetectorState {

    /** {@link #resolvedBefore()} when no incident has resolved yet. */
    public static final long NEVER_RESOLVED = Long.MIN_VALUE;
    /** {@link #outOfOrderAt()} when no update has arrived out of order yet. */
    public static final long ALWAYS_IN_ORDER = Long.MIN_VALUE;
    /** {@link #dropsJudgedBefore()} before any window was judged for a drop. */
    public static final long NOTHING_JUDGED = Long.MIN_VALUE;
    /** {@link #heldAt()} while the series is not held for a catch-up. */
    public static final long NOT_HELD = Long.MIN_VALUE;

    private final Baseline baseline;
    private final PendingWindows pending;
    private Incident incident;
    private long resolvedBefore;
    private long outOfOrderAt;
    private long dropsJudgedBefore;
    private long skew;
    private long skewSeenAt;
    private LeakWatch leak;
    private long heldAt;

    public DetectorState(Baseline baseline, PendingWindows pending, Incident incident, long resolvedBefore,
            long outOfOrderAt, long dropsJudgedBefore) {
        this(baseline, pending, incident, resolvedBefore, outOfOrderAt, dropsJudgedBefore, 0, ALWAYS_IN_ORDER, null,
                NOT_HELD);
    }

    /** A series not held for a catch-up. */
    public DetectorState(Baseline baseline, PendingWindows pending, Incident incident, long resolvedBefore,
            long outOfOrderAt, long dropsJudgedBefore, long skew, long skewSeenAt, LeakWatch leak) {
        this(baseline, pending, incident, resolvedBefore, outOfOrderAt, dropsJudgedBefore, skew, skewSeenAt, leak,
                NOT_HELD);
    }

    /**
     * @param skew       the largest lag of an update behind the series' newest window lately (ms; 0 in order)
     * @param skewSeenAt the newest window's start when that lag was last seen ({@link #ALWAYS_IN_ORDER}: never)
     * @param leak       what the slow-leak rule keeps, or null before the first settled window
     * @param heldAt     the wall-clock time of the last update that put the series on a catch-up hold, or
     *                   {@link #NOT_HELD} (see {@link CostSpikeLifecycle})
     */
    public DetectorState(Baseline baseline, PendingWindows pending, Incident incident, long resolvedBefore,
            long outOfOrderAt, long dropsJudgedBefore, long skew, long skewSeenAt, LeakWatch leak, long heldAt) {
        this.baseline = baseline;
        this.pending = pending;
        this.incident = incident;
        this.resolvedBefore = resolvedBefore;
        this.outOfOrderAt = outOfOrderAt;
        this.dropsJudgedBefore = dropsJudgedBefore;
        this.skew = skew;
        this.skewSeenAt = skewSeenAt;
        this.leak = leak;
        this.heldAt = heldAt;
    }

    /** A new series, with a daily profile of {@code dailySlots} slots (see {@link CostSpikeLifecycle#newState}). */
    public static DetectorState empty(int dailySlots) {
        return ofBaseline(Baseline.empty(dailySlots));
    }

    /** A series that has learned {@code baseline} and holds nothing else (how other detections store a baseline). */
    public static DetectorState ofBaseline(Baseline baseline) {
        return new DetectorState(baseline, PendingWindows.empty(), null, NEVER_RESOLVED, ALWAYS_IN_ORDER,
                NOTHING_JUDGED);
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

    /**
     * Start of the newest window seen when an update of an older window last arrived ({@link #ALWAYS_IN_ORDER} if
     * none did): while the series' updates arrive out of order, a window that the series moved past may still be
     * incomplete.
     */
    public long outOfOrderAt() {
        return outOfOrderAt;
    }

    /** Windows starting before this have been judged for a drop ({@link #NOTHING_JUDGED} at first): each once. */
    public long dropsJudgedBefore() {
        return dropsJudgedBefore;
    }

    /**
     * How far behind the newest window an update arrived lately (ms): the event-time skew of this series' upstream
     * sources, which holds its settle horizon open ({@link SettleHorizon}); 0 while in order.
     */
    public long skew() {
        return skew;
    }

    /** Start of the newest window when {@link #skew()} was last seen, {@link #ALWAYS_IN_ORDER} if never. */
    public long skewSeenAt() {
        return skewSeenAt;
    }

    void skew(long lag, long seenAt) {
        skew = lag;
        skewSeenAt = seenAt;
    }

    /** The slow-leak rule's hours, or null before the first settled window. */
    public LeakWatch leak() {
        return leak;
    }

    void leak(LeakWatch watch) {
        leak = watch;
    }

    /**
     * While the series catches up a skewed backlog: the wall-clock time (ms) its last update arrived more than
     * {@code settle} behind its newest window; {@link #NOT_HELD} otherwise. Nothing is learned or judged while held.
     */
    public long heldAt() {
        return heldAt;
    }

    public boolean isHeld() {
        return heldAt != NOT_HELD;
    }

    void hold(long wallClock) {
        heldAt = Math.max(heldAt, wallClock);
    }

    void release() {
        heldAt = NOT_HELD;
        skew = 0;
        skewSeenAt = ALWAYS_IN_ORDER;
    }

    void outOfOrder(long newestWindowStart) {
        outOfOrderAt = Math.max(outOfOrderAt, newestWindowStart);
    }

    void dropsJudged(long windowEnd) {
        dropsJudgedBefore = Math.max(dropsJudgedBefore, windowEnd);
    }

    void incident(Incident open) {
        incident = open;
    }

    void resolve(long resolvingWindowEnd) {
        incident = null;
        resolvedBefore = Math.max(resolvedBefore, resolvingWindowEnd);
    }
}
