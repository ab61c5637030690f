package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.time.Duration;

import io.spendstream.avro.Severity;

/**
 * When an anomaly opens, how loud it is, when it resolves, and when a window is final enough to learn.
 *
 * @param resolveScore        a finished window scoring below this is quiet (hysteresis: below the open threshold)
 * @param resolveAfterWindows consecutive quiet finished windows that resolve an anomaly
 * @param pagePerHour         excess cost per hour at or above which the anomaly pages instead of ticketing
 * @param minExcessPerHour    an anomaly opens only when its excess is at least this much per hour, so a service
 *                            going from 0.0001 to 0.01 USD a minute (statistically huge) does not raise a ticket
 * @param partialMinFraction  a partial window's cost is projected to a full window by the elapsed fraction of the
 *                            window, taken as at least this much (the update's event time may be the start of the
 *                            period it covers, so a small elapsed time would over-project)
 * @param settle              a window is learned only once it starts more than this before the newest window seen
 *                            for its series. Updates of one service do not arrive in event-time order: upstream
 *                            re-keys across partitions, and while a backlog is caught up one partition runs minutes
 *                            ahead of another, so window 19:27 can show up before 19:20 is complete. Learning a
 *                            window only after the series moved this far past it makes the baseline learn complete
 *                            windows, in window order, as long as the skew stays below it. Also when a window is
 *                            complete enough to be judged for a drop while the series' updates arrive out of order
 * @param dropSeverity        severity of a {@code COST_DROP}: spend that stopped costs nothing while it lasts, so it
 *                            is worth a ticket, not a page (it never escalates)
 */
public record LifecycleSettings(double resolveScore, int resolveAfterWindows, BigDecimal pagePerHour,
        BigDecimal minExcessPerHour, double partialMinFraction, Duration settle, Severity dropSeverity) {

    /**
     * Pending windows kept beyond those the settle horizon spans, for windows that straggle in; past the cap the
     * oldest is learned early (clipped learning keeps a partial one from doing harm) so the state stays small.
     */
    static final int PENDING_SLACK = 5;

    public LifecycleSettings {
        if (resolveScore <= 0 || resolveScore >= 1) {
            throw new IllegalArgumentException("resolve score must be in (0, 1)");
        }
        if (resolveAfterWindows < 1) {
            throw new IllegalArgumentException("resolve-after must be at least one window");
        }
        if (pagePerHour.signum() < 0 || minExcessPerHour.signum() < 0) {
            throw new IllegalArgumentException("page-per-hour and min-excess-per-hour must not be negative");
        }
        if (partialMinFraction <= 0 || partialMinFraction > 1) {
            throw new IllegalArgumentException("partial min fraction must be in (0, 1]");
        }
        if (settle == null || settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative");
        }
        if (dropSeverity == null) {
            throw new IllegalArgumentException("drop severity must be set (PAGE or TICKET)");
        }
    }

    /**
     * Resolve below score 0.9 (z = 2.3) for 2 windows; page from 100/h; ignore less than 1/h; project from >= 1/4;
     * settle after 10 minutes, for the minutes of skew between upstream partitions while a backlog is caught up (a
     * window straggling in later than that is learned as it stands, clipped, and its later updates count as late);
     * a drop is a ticket.
     */
    public static LifecycleSettings defaults() {
        return new LifecycleSettings(0.9, 2, new BigDecimal("100"), BigDecimal.ONE, 0.25, Duration.ofMinutes(10),
                Severity.TICKET);
    }

    /** The same settings with another settle horizon. */
    public LifecycleSettings withSettle(Duration newSettle) {
        return new LifecycleSettings(resolveScore, resolveAfterWindows, pagePerHour, minExcessPerHour,
                partialMinFraction, newSettle, dropSeverity);
    }

    /**
     * Whether a window that ended at {@code windowEndMillis} is history at the wall-clock time {@code nowMillis}: it
     * ended more than {@code settle} ago, so its updates are a backlog being read (after an outage, a first start, a
     * backfill), not spend arriving as it happens. The catch-up hold, the new-spend rule and drift's catch-up watch
     * all ask this.
     */
    public boolean isHistory(long windowEndMillis, long nowMillis) {
        return nowMillis - windowEndMillis > settle.toMillis();
    }

    /**
     * Whether an update of the window {@code [windowStartMillis, windowEndMillis)} is part of a backlog being caught
     * up out of order, at the wall-clock time {@code nowMillis}: it is history ({@link #isHistory}) and arrives more
     * than one window behind its series' newest window {@code newestWindowStartMillis} (one window behind is merely
     * the next window's first row overtaking the rest of this one, as in order; more means the series' upstream
     * sources are at different points of the backlog). The catch-up hold and drift's catch-up watch both ask this.
     */
    public boolean isCaughtUpOutOfOrder(long newestWindowStartMillis, long windowStartMillis, long windowEndMillis,
            long nowMillis) {
        return newestWindowStartMillis - windowStartMillis > windowEndMillis - windowStartMillis
                && isHistory(windowEndMillis, nowMillis);
    }

    /** Most pending windows of one series: the windows the settle horizon spans plus {@link #PENDING_SLACK}. */
    public int pendingCap(long windowMillis) {
        return (int) Math.min(Integer.MAX_VALUE - PENDING_SLACK, settle.toMillis() / windowMillis) + PENDING_SLACK;
    }
}
