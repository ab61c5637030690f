package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

import io.spendstream.schemas.Money;

/**
 * A recent window of a series that is not learned yet, with its latest cost: the cost of the update with the latest
 * event time seen for it, partial until the window's last update arrives.
 *
 * @param lastTimestamp event time of the update the cost comes from, used to keep the latest of out-of-order
 *                      updates and to tell how much of the window had elapsed
 * @param finished      true once the lifecycle counted it as a finished window (a newer window had been seen); a
 *                      window is counted once, later updates of it only refine the cost it will be learned with
 */
public record PendingWindow(long windowStart, long windowEnd, BigDecimal cost, String currency, long lastTimestamp,
        boolean finished) {

    public PendingWindow {
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("Window end " + windowEnd + " is not after its start " + windowStart);
        }
    }

    static PendingWindow of(WindowUpdate update) {
        return new PendingWindow(update.windowStart(), update.windowEnd(), Money.compact(update.cost()),
                update.currency(), update.timestamp(), false);
    }

    public long sizeMillis() {
        return windowEnd - windowStart;
    }

    /**
     * This window after an update of it. Updates carry the cost so far, so the one with the latest event time wins
     * (on a tie the one that arrived last); an older update arriving after a newer one changes nothing.
     */
    PendingWindow merge(WindowUpdate update) {
        if (update.timestamp() < lastTimestamp) {
            return this;
        }
        return new PendingWindow(windowStart, windowEnd, Money.compact(update.cost()), update.currency(),
                update.timestamp(), finished);
    }

    PendingWindow asFinished() {
        return new PendingWindow(windowStart, windowEnd, cost, currency, lastTimestamp, true);
    }
}
