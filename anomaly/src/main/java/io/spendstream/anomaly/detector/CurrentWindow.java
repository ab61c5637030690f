package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

/**
 * The newest window of a series and its latest cost, which stays partial until an update for a newer window
 * arrives (then it is final and learned).
 *
 * @param lastTimestamp event time of the latest update, used to tell how much of the window had elapsed
 */
public record CurrentWindow(long windowStart, long windowEnd, BigDecimal cost, String currency, long lastTimestamp) {

    public CurrentWindow {
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("Window end " + windowEnd + " is not after its start " + windowStart);
        }
    }

    public long sizeMillis() {
        return windowEnd - windowStart;
    }
}
