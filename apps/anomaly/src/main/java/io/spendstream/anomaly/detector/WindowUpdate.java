package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

/**
 * One update of one window's cost for one series, as {@code spend.unit-cost} carries it: the cost so far (the
 * latest update of a window is its final cost) and the event time of the update.
 *
 * @param coveredUntil how far the cost rows so far cover the window's charge time (epoch ms, {@code spend.unit-cost}
 *                     {@code coveredUntil}), or null when not known (a writer before that field): then the elapsed
 *                     part of the window is judged from {@code timestamp}
 */
public record WindowUpdate(String scope, long windowStart, long windowEnd, BigDecimal cost, String currency,
        long timestamp, Long coveredUntil) {

    public WindowUpdate {
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("Window end " + windowEnd + " is not after its start " + windowStart);
        }
    }

    /** An update whose charge-time coverage is not known. */
    public WindowUpdate(String scope, long windowStart, long windowEnd, BigDecimal cost, String currency,
            long timestamp) {
        this(scope, windowStart, windowEnd, cost, currency, timestamp, null);
    }

    public long sizeMillis() {
        return windowEnd - windowStart;
    }
}
