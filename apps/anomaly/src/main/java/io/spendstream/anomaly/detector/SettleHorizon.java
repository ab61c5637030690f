package io.spendstream.anomaly.detector;

import java.time.Duration;

/**
 * When a series' window settles, by the series' own event-time progress: the newest window seen, held back by how far
 * behind it the series' updates have lately arrived (its slowest upstream source). In order a window settles
 * {@code settle} after it (as before); when updates arrive behind the newest window (a backlog on several partitions,
 * one running ahead), the horizon is that skew plus {@code settle}, up to {@code settleMax}, so the lagging
 * partition's part of each window is in before it is learned. Plus {@code settle} for any skew, not only one beyond
 * {@code settle}: a lag grows while a backlog drains (on the broker one source ran 9 minutes behind, then the other
 * jumped ahead a fetch at once and the lagging half of the next windows came 12-13 minutes behind), and a horizon of
 * {@code settle} alone had learned those windows half full (false {@code COST_DROP}s).
 * The skew is forgotten once no update lagged by at least half of it for the skew plus {@code settle} of the series'
 * progress; the windows held back then settle at once, in order. Plain Java; the skew lives in {@link DetectorState}.
 */
public final class SettleHorizon {

    private final long settle;
    private final long settleMax;

    public SettleHorizon(Duration settle, Duration settleMax) {
        if (settleMax.compareTo(settle) < 0) {
            throw new IllegalArgumentException("settle-max " + settleMax + " is below settle " + settle);
        }
        this.settle = settle.toMillis();
        this.settleMax = settleMax.toMillis();
    }

    /** Notes an update of the window at {@code windowStart} arriving when the newest window is at {@code newest}. */
    void observe(DetectorState state, long newest, long windowStart) {
        long lag = newest - windowStart;
        if (lag <= 0) {
            return;
        }
        long current = skew(state, newest);
        if (lag * 2 >= current) {
            state.skew(Math.max(lag, current), newest);
        }
    }

    /** The series' skew as of its newest window {@code newest}: 0 once it has not been seen for long enough. */
    long skew(DetectorState state, long newest) {
        if (state.skewSeenAt() == DetectorState.ALWAYS_IN_ORDER
                || newest - state.skewSeenAt() > state.skew() + settle) {
            return 0;
        }
        return state.skew();
    }

    /**
     * Whether the series' updates lag now: one arrived more than {@code settle} behind its newest window lately, so
     * some of its sources are catching up history (its windows so far are partly filled).
     */
    public boolean isLagging(DetectorState state, long newest) {
        return skew(state, newest) > settle;
    }

    /** How far behind the newest window {@code newest} a window must start to settle (ms). */
    public long horizon(DetectorState state, long newest) {
        return Math.min(settleMax, skew(state, newest) + settle);
    }

    /** Most pending windows of one series now: those the horizon spans plus {@link LifecycleSettings#PENDING_SLACK}. */
    int pendingCap(DetectorState state, long newest, long windowMillis) {
        return (int) Math.min(Integer.MAX_VALUE - LifecycleSettings.PENDING_SLACK,
                horizon(state, newest) / windowMillis) + LifecycleSettings.PENDING_SLACK;
    }
}
