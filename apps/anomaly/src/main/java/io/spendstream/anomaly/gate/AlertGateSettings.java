package io.spendstream.anomaly.gate;

import java.time.Duration;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The alert gate's {@code spendstream.anomaly.alerts.*} settings.
 *
 * @param cooldown how long a RESOLVED is held back (wall-clock time) before it goes out; a FIRING of the same key
 *                 within it cancels the resolve instead of paging again. {@code 0s} resolves at once.
 * @param checkInterval how often (wall-clock) the gate releases held resolves and re-checks silenced and grouped
 *                 alerts; a silence's end or a cooldown's end is acted on within this interval
 * @param groupWait how long (wall-clock) the first FIRING of an alert that could join a parent's group is held back
 *                 in case the parent's FIRING is still on its way from another partition; {@code 0s} sends at once
 * @param redeliverFactor an alert already sent is sent again with current figures (same dedup key, labels and
 *                 severity: receivers update it in place) when the excess per hour of its refreshes rose by more
 *                 than this factor over what was sent; must be above 1
 * @param redeliverInterval the least time (wall-clock) between two such re-deliveries of one alert; the first may
 *                 follow the alert at once (its opening minute is the usual reason: see {@link AlertGate})
 */
public record AlertGateSettings(Duration cooldown, Duration checkInterval, Duration groupWait, double redeliverFactor,
        Duration redeliverInterval) {

    public static final String PREFIX = "spendstream.anomaly.alerts.";
    public static final String COOLDOWN = PREFIX + "cooldown";
    public static final String CHECK_INTERVAL = PREFIX + "check-interval";
    public static final String GROUP_WAIT = PREFIX + "group-wait";
    public static final String REDELIVER_FACTOR = PREFIX + "redeliver-factor";
    public static final String REDELIVER_INTERVAL = PREFIX + "redeliver-interval";

    /** Held children are looked at this often (or every check-interval, if shorter), so none waits much past its end. */
    static final Duration GROUP_WAIT_RELEASE_INTERVAL = Duration.ofSeconds(1);

    public AlertGateSettings {
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException(COOLDOWN + " must not be negative: " + cooldown);
        }
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException(CHECK_INTERVAL + " must be positive: " + checkInterval);
        }
        if (groupWait.isNegative()) {
            throw new IllegalArgumentException(GROUP_WAIT + " must not be negative: " + groupWait);
        }
        if (!(redeliverFactor > 1.0) || Double.isInfinite(redeliverFactor)) {
            throw new IllegalArgumentException(REDELIVER_FACTOR + " must be a number above 1: " + redeliverFactor);
        }
        if (redeliverInterval.isNegative()) {
            throw new IllegalArgumentException(REDELIVER_INTERVAL + " must not be negative: " + redeliverInterval);
        }
    }

    /** The settings with these cooldown, check interval and group wait, and the default re-delivery. */
    public AlertGateSettings(Duration cooldown, Duration checkInterval, Duration groupWait) {
        this(cooldown, checkInterval, groupWait, DEFAULT_REDELIVER_FACTOR, DEFAULT_REDELIVER_INTERVAL);
    }

    /** How often held children are checked: every second, or every check-interval if that is shorter. */
    Duration groupWaitReleaseInterval() {
        return checkInterval.compareTo(GROUP_WAIT_RELEASE_INTERVAL) < 0 ? checkInterval : GROUP_WAIT_RELEASE_INTERVAL;
    }

    /**
     * Cooldown 10 minutes: the cost-spike detector resolves after two quiet one-minute windows and the burn-rate rules
     * after 5 quiet minutes, so a spike that pauses for a few minutes would otherwise resolve and page again; 10
     * minutes absorbs those flaps and delays a true resolve by no more than that. Check every 10 seconds.
     *
     * <p>Group wait 15 seconds: attribution emits a budget scope's burn rate at most every 10 s of stream time
     * ({@code spendstream.burn-rate.emit-interval}), so a team's evaluation of the same cost rows can land up to 10 s
     * after its service's; the four exactly-once hops after it (burn rate, anomaly, gate repartition, copy to every
     * partition) add about 100 ms each. 15 s covers that with margin; it delays only the first notification of a
     * service alert that no parent explains yet (a parent page is never held), by half of Alertmanager's default
     * {@code group_wait} of 30 s, and far less than the 5-minute shortest burn-rate window takes to fill.
     */
    public static AlertGateSettings defaults() {
        return new AlertGateSettings(Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(15));
    }

    /**
     * Re-deliver when the excess rate moved by more than 1.5x: an incident that starts part-way through a minute
     * opens on the covered part of that minute, normal seconds included, and reads low by up to the whole factor of
     * the rise (the demo: 102 USD/h at OPEN, ~340 over the incident); the next minute's figures move by far more than
     * 1.5x, while the minute-to-minute wobble of a steady incident stays well inside it.
     */
    public static final double DEFAULT_REDELIVER_FACTOR = 1.5;
    /** At most one re-delivery every 5 minutes after the first: an alert that swings keeps its receivers quiet. */
    public static final Duration DEFAULT_REDELIVER_INTERVAL = Duration.ofMinutes(5);

    public static AlertGateSettings from(SpendstreamConfig config) {
        AlertGateSettings d = defaults();
        return new AlertGateSettings(config.getDuration(COOLDOWN, d.cooldown()),
                config.getDuration(CHECK_INTERVAL, d.checkInterval()), config.getDuration(GROUP_WAIT, d.groupWait()),
                config.getDouble(REDELIVER_FACTOR, d.redeliverFactor()),
                config.getDuration(REDELIVER_INTERVAL, d.redeliverInterval()));
    }
}
