package io.spendstream.anomaly.burn;

import java.time.Duration;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The burn-rate rules' {@code spendstream.anomaly.burn.*} settings: the thresholds of the SRE Workbook's multiwindow,
 * multi-burn-rate rules and the resolve hysteresis.
 *
 * @param fastPage    PAGE when the 1h and the 5m burn rates both exceed this (14.4: 2% of a 30-day budget in 1h)
 * @param slowPage    PAGE when the 6h and the 30m burn rates both exceed this (6: 5% of a 30-day budget in 6h)
 * @param ticket      TICKET when the 3d and the 6h burn rates both exceed this (1: on pace to overspend)
 * @param resolveAfter how long (in evaluation time) no rule may fire before the anomaly resolves; 0 resolves on the
 *                    first quiet evaluation
 */
public record BurnRateSettings(double fastPage, double slowPage, double ticket, Duration resolveAfter) {

    public static final String PREFIX = "spendstream.anomaly.burn.";
    public static final String FAST_PAGE = PREFIX + "fast-page";
    public static final String SLOW_PAGE = PREFIX + "slow-page";
    public static final String TICKET = PREFIX + "ticket";
    public static final String RESOLVE_AFTER = PREFIX + "resolve-after";

    public BurnRateSettings {
        if (!(fastPage > 0 && slowPage > 0 && ticket > 0)) {
            throw new IllegalArgumentException("Burn-rate thresholds must be positive: " + FAST_PAGE + "=" + fastPage
                    + ", " + SLOW_PAGE + "=" + slowPage + ", " + TICKET + "=" + ticket);
        }
        if (resolveAfter.isNegative()) {
            throw new IllegalArgumentException(RESOLVE_AFTER + " must not be negative: " + resolveAfter);
        }
    }

    /**
     * 14.4 / 6 / 1 as in the SRE Workbook; resolve after 5 minutes without a firing rule: the shortest window, so a
     * rule that flickers around its threshold while the 5m rate wobbles stays one incident instead of a page storm.
     */
    public static BurnRateSettings defaults() {
        return new BurnRateSettings(14.4, 6.0, 1.0, Duration.ofMinutes(5));
    }

    public static BurnRateSettings from(SpendstreamConfig config) {
        BurnRateSettings d = defaults();
        return new BurnRateSettings(
                config.getDouble(FAST_PAGE, d.fastPage()),
                config.getDouble(SLOW_PAGE, d.slowPage()),
                config.getDouble(TICKET, d.ticket()),
                config.getDuration(RESOLVE_AFTER, d.resolveAfter()));
    }
}
