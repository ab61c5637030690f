package io.spendstream.attribution;

import java.time.Duration;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Settings of the showback topology ({@link AllocationTopology}) beyond the app's own ({@link AttributionSettings})
 * and the apportionment rules ({@link SharedCostRules}), read once when the topology is built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.attribution.showback.emit-interval}</td><td>{@code 1s}</td>
 *     <td>how often (wall-clock time) the hours that received inputs are re-apportioned and their changed
 *     allocations emitted; an hour's allocation per owner is emitted at most once per interval. {@code 0s} emits
 *     on every input (each input then costs a re-apportionment of its whole hour)</td></tr>
 * </table>
 */
public record ShowbackSettings(Duration emitInterval) {

    public static final String EMIT_INTERVAL = "spendstream.attribution.showback.emit-interval";
    public static final Duration DEFAULT_EMIT_INTERVAL = Duration.ofSeconds(1);

    public ShowbackSettings {
        if (emitInterval.isNegative()) {
            throw new IllegalArgumentException(EMIT_INTERVAL + " must not be negative, was " + emitInterval);
        }
    }

    public static ShowbackSettings from(SpendstreamConfig config) {
        return new ShowbackSettings(config.getDuration(EMIT_INTERVAL, DEFAULT_EMIT_INTERVAL));
    }

    /** True when every input is emitted at once, with no interval to wait for. */
    public boolean emitsOnEveryInput() {
        return emitInterval.isZero();
    }
}
