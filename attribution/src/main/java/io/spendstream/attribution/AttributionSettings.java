package io.spendstream.attribution;

import java.time.Duration;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The attribution app's own settings, read once when the topology is built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.attribution.window}</td><td>{@code 1m}</td>
 *     <td>size of the tumbling unit-cost windows (aligned to the epoch)</td></tr>
 * <tr><td>{@code spendstream.attribution.grace}</td><td>{@code 2d}</td>
 *     <td>how long after a window ends (in event time) records for it are still included; later ones go to
 *     {@code spend.dlq} with reason {@code late}. Two days because billing exports lag up to a day and because a
 *     pipeline catching up a backlog sees event-time skew of its whole backlog between upstream partitions;
 *     with emit-on-update, a long grace costs store space, not latency</td></tr>
 * <tr><td>{@code spendstream.attribution.max-spread}</td><td>{@code 1d}</td>
 *     <td>longest charge period that is spread over the windows it covers; a longer row (monthly fee, purchase) is
 *     booked whole in the window of its ChargePeriodStart. Also bounds how far ahead of stream time a row can
 *     reach, so the window store keeps {@code grace + max-spread} of windows</td></tr>
 * <tr><td>{@code spendstream.reporting.currency}</td><td>{@code USD}</td>
 *     <td>currency written on every UnitCost (amounts upstream are already in it)</td></tr>
 * </table>
 */
public record AttributionSettings(Duration window, Duration grace, Duration maxSpread, String currency) {

    public static final String WINDOW = "spendstream.attribution.window";
    public static final String GRACE = "spendstream.attribution.grace";
    public static final String MAX_SPREAD = "spendstream.attribution.max-spread";
    public static final String CURRENCY = "spendstream.reporting.currency";

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final Duration DEFAULT_GRACE = Duration.ofDays(2);
    public static final Duration DEFAULT_MAX_SPREAD = Duration.ofDays(1);
    public static final String DEFAULT_CURRENCY = "USD";

    public AttributionSettings {
        if (window.toMillis() <= 0) {
            throw new IllegalArgumentException(WINDOW + " must be at least 1ms, was " + window);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException(GRACE + " must not be negative, was " + grace);
        }
        if (maxSpread.isNegative()) {
            throw new IllegalArgumentException(MAX_SPREAD + " must not be negative, was " + maxSpread);
        }
        if (currency == null || currency.isBlank()) {
            throw new IllegalArgumentException(CURRENCY + " must be set");
        }
    }

    public static AttributionSettings from(SpendstreamConfig config) {
        return new AttributionSettings(config.getDuration(WINDOW, DEFAULT_WINDOW),
                config.getDuration(GRACE, DEFAULT_GRACE),
                config.getDuration(MAX_SPREAD, DEFAULT_MAX_SPREAD),
                config.get(CURRENCY, DEFAULT_CURRENCY));
    }

    /** The grid of windows and the lateness rule these settings describe. */
    public WindowGrid grid() {
        return new WindowGrid(window, grace);
    }
}
