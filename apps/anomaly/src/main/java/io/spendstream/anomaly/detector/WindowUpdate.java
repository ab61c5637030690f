package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

/**
 * One update of one window's cost for one series, as {@code spend.unit-cost} carries it: the cost so far (the
 * latest update of a window is its final cost) and the event time of the update.
 */
public record WindowUpdate(String scope, long windowStart, long windowEnd, BigDecimal cost, String currency,
        long timestamp) {

    public WindowUpdate {
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("Window end " + windowEnd + " is not after its start " + windowStart);
        }
    }

    public long sizeMillis() {
        return windowEnd - windowStart;
    }
}
