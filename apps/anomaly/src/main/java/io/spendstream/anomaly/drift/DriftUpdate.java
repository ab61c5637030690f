package io.spendstream.anomaly.drift;

import java.math.BigDecimal;

/**
 * One update of one service's window as {@code spend.unit-cost} carries it, the part drift needs: the totals so
 * far (the latest update of a window is final) and the event time of the update.
 *
 * @param costPerRequest as attribution computed it, null when the window saw no requests
 */
public record DriftUpdate(String service, long windowStart, long windowEnd, String currency, BigDecimal cost,
        long requests, BigDecimal costPerRequest, long timestamp) {

    public DriftUpdate {
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("Window end " + windowEnd + " is not after its start " + windowStart);
        }
    }
}
