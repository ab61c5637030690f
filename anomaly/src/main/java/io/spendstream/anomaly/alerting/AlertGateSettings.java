package io.spendstream.anomaly.alerting;

import java.time.Duration;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The alert gate's {@code spendstream.anomaly.alerts.*} settings.
 *
 * @param cooldown how long a RESOLVED is held back (wall-clock time) before it goes out; a FIRING of the same key
 *                 within it cancels the resolve instead of paging again. {@code 0s} resolves at once.
 * @param checkInterval how often (wall-clock) the gate releases held resolves and re-checks silenced and grouped
 *                 alerts; a silence's end or a cooldown's end is acted on within this interval
 */
public record AlertGateSettings(Duration cooldown, Duration checkInterval) {

    public static final String PREFIX = "spendstream.anomaly.alerts.";
    public static final String COOLDOWN = PREFIX + "cooldown";
    public static final String CHECK_INTERVAL = PREFIX + "check-interval";

    public AlertGateSettings {
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException(COOLDOWN + " must not be negative: " + cooldown);
        }
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException(CHECK_INTERVAL + " must be positive: " + checkInterval);
        }
    }

    /**
     * Cooldown 10 minutes: the cost-spike detector resolves after two quiet one-minute windows and the burn-rate rules
     * after 5 quiet minutes, so a spike that pauses for a few minutes would otherwise resolve and page again; 10
     * minutes absorbs those flaps and delays a true resolve by no more than that. Check every 10 seconds.
     */
    public static AlertGateSettings defaults() {
        return new AlertGateSettings(Duration.ofMinutes(10), Duration.ofSeconds(10));
    }

    public static AlertGateSettings from(SpendstreamConfig config) {
        AlertGateSettings d = defaults();
        return new AlertGateSettings(config.getDuration(COOLDOWN, d.cooldown()),
                config.getDuration(CHECK_INTERVAL, d.checkInterval()));
    }
}
