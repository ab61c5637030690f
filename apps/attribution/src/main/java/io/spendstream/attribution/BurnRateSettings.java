package io.spendstream.attribution;

import java.time.Duration;
import java.util.List;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Settings of the burn-rate topology, read once when the topology is built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.burn-rate.emit-interval}</td><td>{@code 10s}</td>
 *     <td>a scope's BurnRate is emitted at most once per this much stream time (event time), plus whenever its
 *     budget changes or a new {@code alertAt} stage is crossed; {@code 0s} emits on every cost row</td></tr>
 * </table>
 *
 * <p>The trailing windows are fixed at {@link #WINDOWS} (5m, 30m, 1h, 6h, 3d: the windows of the SRE Workbook's
 * multiwindow burn-rate rules). {@code maxSpread} and {@code currency} are the app's
 * ({@link AttributionSettings}), so a row is spread the same way for unit cost and for burn rate.
 */
public record BurnRateSettings(Duration emitInterval, Duration maxSpread, String currency) {

    public static final String EMIT_INTERVAL = "spendstream.burn-rate.emit-interval";
    public static final Duration DEFAULT_EMIT_INTERVAL = Duration.ofSeconds(10);

    /** The trailing windows, shortest first. */
    public static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(3));

    /** The window whose rate projects the period-end spend: steadier than 1h, still reacts within hours. */
    public static final Duration PROJECTION_WINDOW = Duration.ofHours(6);

    /** Size of the buckets the trailing windows are summed from. */
    public static final Duration BUCKET = Duration.ofMinutes(1);

    public BurnRateSettings {
        if (emitInterval.isNegative()) {
            throw new IllegalArgumentException(EMIT_INTERVAL + " must not be negative, was " + emitInterval);
        }
    }

    public static BurnRateSettings from(SpendstreamConfig config, AttributionSettings app) {
        return new BurnRateSettings(config.getDuration(EMIT_INTERVAL, DEFAULT_EMIT_INTERVAL), app.maxSpread(),
                app.currency());
    }

    /** The longest trailing window (3d). */
    public static Duration longestWindow() {
        return WINDOWS.get(WINDOWS.size() - 1);
    }

    /**
     * How long the minute-bucket store keeps a bucket: the longest window, plus {@code maxSpread} because a spread
     * row writes buckets up to that far ahead of stream time and the store expires by the newest bucket it has seen,
     * plus one bucket of slack.
     */
    public Duration bucketRetention() {
        return longestWindow().plus(maxSpread).plus(BUCKET);
    }
}
