package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

/**
 * When an anomaly opens, how loud it is and when it resolves.
 *
 * @param resolveScore        a finished window scoring below this is quiet (hysteresis: below the open threshold)
 * @param resolveAfterWindows consecutive quiet finished windows that resolve an anomaly
 * @param pagePerHour         excess cost per hour at or above which the anomaly pages instead of ticketing
 * @param minExcessPerHour    an anomaly opens only when its excess is at least this much per hour, so a service
 *                            going from 0.0001 to 0.01 USD a minute (statistically huge) does not raise a ticket
 * @param partialMinFraction  a partial window's cost is projected to a full window by the elapsed fraction of the
 *                            window, taken as at least this much (the update's event time may be the start of the
 *                            period it covers, so a small elapsed time would over-project)
 */
public record LifecycleSettings(double resolveScore, int resolveAfterWindows, BigDecimal pagePerHour,
        BigDecimal minExcessPerHour, double partialMinFraction) {

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
    }

    /** Resolve below score 0.9 (z = 2.3) for 2 windows; page from 100/h; ignore less than 1/h; project from >= 1/4. */
    public static LifecycleSettings defaults() {
        return new LifecycleSettings(0.9, 2, new BigDecimal("100"), BigDecimal.ONE, 0.25);
    }
}
