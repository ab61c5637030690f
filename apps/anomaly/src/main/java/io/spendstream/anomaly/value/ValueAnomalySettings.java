package io.spendstream.anomaly.value;

import java.math.BigDecimal;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * When the value figures of {@code spend.value} are worth a ticket.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.anomaly.unprofitable-scaling.hours}</td><td>{@code 3}</td>
 *     <td>UNPROFITABLE_SCALING opens when a service's marginal cost per request exceeds its revenue per request
 *     ({@code marginalCost.exceedsRevenuePerRequest}) this many hours in a row, and resolves with the first hour
 *     that does not. Three hours: one hour's slope can be bent by a batch job or a deploy; a scaling problem
 *     lasts</td></tr>
 * <tr><td>{@code spendstream.anomaly.latency-revenue-loss.enabled}</td><td>{@code true}</td>
 *     <td>whether to raise LATENCY_REVENUE_LOSS at all</td></tr>
 * <tr><td>{@code spendstream.anomaly.latency-revenue-loss.min-loss}</td><td>{@code 50.00}</td>
 *     <td>in the reporting currency: an hour whose latency cost at least this much revenue against the baseline
 *     ({@code sensitivity.revenueEffect <= -min-loss}, ESTIMATED, and at least two standard errors from zero)
 *     counts</td></tr>
 * <tr><td>{@code spendstream.anomaly.latency-revenue-loss.min-share}</td><td>{@code 5}</td>
 *     <td>percent: and at least this share of what the hour's revenue would have been at the baseline latency
 *     (revenue + loss), so that a busy service's ordinary hour-to-hour latency swing (a few ms, worth a few
 *     hundred at its volume) is not a ticket, while a regression that costs a noticeable part of the revenue is</td></tr>
 * <tr><td>{@code spendstream.anomaly.latency-revenue-loss.hours}</td><td>{@code 1}</td>
 *     <td>counting hours in a row that open LATENCY_REVENUE_LOSS</td></tr>
 * </table>
 */
public record ValueAnomalySettings(int unprofitableHours, boolean latencyLossEnabled, BigDecimal minLoss,
        BigDecimal minSharePercent, int latencyLossHours) {

    public static final String UNPROFITABLE_HOURS = "spendstream.anomaly.unprofitable-scaling.hours";
    public static final String LATENCY_LOSS_ENABLED = "spendstream.anomaly.latency-revenue-loss.enabled";
    public static final String MIN_LOSS = "spendstream.anomaly.latency-revenue-loss.min-loss";
    public static final String MIN_SHARE = "spendstream.anomaly.latency-revenue-loss.min-share";
    public static final String LATENCY_LOSS_HOURS = "spendstream.anomaly.latency-revenue-loss.hours";

    public ValueAnomalySettings {
        if (unprofitableHours < 1 || latencyLossHours < 1) {
            throw new IllegalArgumentException(UNPROFITABLE_HOURS + " and " + LATENCY_LOSS_HOURS
                    + " must be at least 1");
        }
        if (minLoss.signum() <= 0) {
            throw new IllegalArgumentException(MIN_LOSS + " must be positive, was " + minLoss);
        }
        if (minSharePercent.signum() < 0 || minSharePercent.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException(MIN_SHARE + " must be a percentage from 0 to 100, was "
                    + minSharePercent);
        }
    }

    public static ValueAnomalySettings from(SpendstreamConfig config) {
        return new ValueAnomalySettings(config.getInt(UNPROFITABLE_HOURS, 3),
                config.getBoolean(LATENCY_LOSS_ENABLED, true), config.getDecimal(MIN_LOSS, new BigDecimal("50.00")),
                config.getDecimal(MIN_SHARE, new BigDecimal("5")), config.getInt(LATENCY_LOSS_HOURS, 1));
    }
}
