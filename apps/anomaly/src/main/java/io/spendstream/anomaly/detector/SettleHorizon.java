package io.spendstream.anomaly.detector;

import java.time.Duration;

/**
 * When a series' window settles, by the series' own event-time progress: the newest window seen, held back by how far
 * behind it the series' updates have lately arrived (its slowest upstream source). In order, or with a skew within
 * {@code settle}, a window settles {@code settle} after it (as before); when an update arrives more than {@code settle}
 * behind the newest window (a backlog on several partitions, one running ahead), the horizon opens to that skew plus
 * {@code settle}, up to {@code settleMax}, so the lagging partition's part of each window is in before it is learned.
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

    /** How far behind the newest window {@code newest} a window must start to settle (ms). */
    public long horizon(DetectorState state, long newest) {
        long skew = skew(state, newest);
        return skew > settle ? Math.min(settleMax, skew + settle) : settle;
    }

    /** Most pending windows of one series now: those the horizon spans plus {@link LifecycleSettings#PENDING_SLACK}. */
    int pendingCap(DetectorState state, long newest, long windowMillis) {
        return (int) Math.min(Integer.MAX_VALUE - LifecycleSettings.PENDING_SLACK,
                horizon(state, newest) / windowMillis) + LifecycleSettings.PENDING_SLACK;
    }
}
