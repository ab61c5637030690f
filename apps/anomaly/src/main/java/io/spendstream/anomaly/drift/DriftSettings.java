package io.spendstream.anomaly.drift;

import java.math.BigDecimal;
import java.time.Duration;

import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.anomaly.detector.DetectorSettings;
import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.anomaly.detector.ShapeSettings;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * How the cost-per-request drift of a service is detected ({@link DriftLifecycle}). The detector and the resolve
 * rule are the cost-spike detector's ({@code spendstream.anomaly.*}), except that drift scores rises only whatever
 * {@code spendstream.anomaly.two-sided} says: a cheaper request is not an incident, and without the shape model
 * (drift opens on the rarity, which the shape model does not change).
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.anomaly.drift.min-windows}</td><td>5</td>
 *     <td>consecutive settled windows over the threshold before a drift opens: a drift is a sustained change, not
 *     one window (one expensive minute is the cost-spike detector's business)</td></tr>
 * <tr><td>{@code spendstream.anomaly.drift.min-requests}</td><td>100</td>
 *     <td>windows with fewer requests are ignored (neither learned nor counted): a cost per request over a handful
 *     of requests is noise (a quiet minute's fixed cost over 3 requests looks like a 30x drift)</td></tr>
 * <tr><td>{@code spendstream.anomaly.drift.severity}</td><td>TICKET</td>
 *     <td>severity of a drift: it is found minutes after it started and costs money slowly; a sudden expensive
 *     change also opens a cost spike, which pages by its money</td></tr>
 * <tr><td>{@code spendstream.anomaly.drift.min-excess-per-hour}</td><td>1</td>
 *     <td>a drift opens only when its windows so far cost at least this much extra per hour (reporting currency):
 *     a service at 0.0001 USD a minute does not raise a ticket however its unit cost moves</td></tr>
 * </table>
 *
 * @param detector   the cost-spike detector's settings, rises only, no shape model
 * @param lifecycle    the cost-spike lifecycle's: {@code resolveScore}, {@code resolveAfterWindows} and {@code settle}
 *                     are used
 * @param catchUpQuiet the cost-spike detector's {@code catch-up-quiet}: how long after history last arrived out of
 *                     order its task is taken to be catching up a backlog (zero: never), see {@link DriftLifecycle}
 */
public record DriftSettings(DetectorSettings detector, LifecycleSettings lifecycle, int minWindows, long minRequests,
        Severity severity, BigDecimal minExcessPerHour, Duration catchUpQuiet) {

    public static final String PREFIX = AnomalySettings.PREFIX + "drift.";
    public static final String MIN_WINDOWS = PREFIX + "min-windows";
    public static final String MIN_REQUESTS = PREFIX + "min-requests";
    public static final String SEVERITY = PREFIX + "severity";
    public static final String MIN_EXCESS_PER_HOUR = PREFIX + "min-excess-per-hour";

    public DriftSettings {
        if (detector.twoSided()) {
            throw new IllegalArgumentException("cost-per-request drift scores rises only");
        }
        if (minWindows < 1) {
            throw new IllegalArgumentException(MIN_WINDOWS + " must be at least 1, was " + minWindows);
        }
        if (minRequests < 1) {
            throw new IllegalArgumentException(MIN_REQUESTS + " must be at least 1, was " + minRequests);
        }
        if (minExcessPerHour.signum() < 0) {
            throw new IllegalArgumentException(MIN_EXCESS_PER_HOUR + " must not be negative");
        }
        if (catchUpQuiet.isNegative()) {
            throw new IllegalArgumentException("catch-up quiet " + catchUpQuiet + " is negative");
        }
    }

    public static DriftSettings defaults() {
        return from(AnomalySettings.defaults());
    }

    private static DriftSettings from(AnomalySettings anomaly) {
        // Drift judges by the rarity, which the shape model does not touch: its memory would be state for nothing.
        return new DriftSettings(anomaly.detector().withTwoSided(false).withShape(ShapeSettings.off()),
                anomaly.lifecycle(), 5, 100, Severity.TICKET, BigDecimal.ONE, anomaly.catchUpQuiet());
    }

    public static DriftSettings from(SpendstreamConfig config, AnomalySettings anomaly) {
        DriftSettings d = from(anomaly);
        return new DriftSettings(d.detector(), d.lifecycle(), config.getInt(MIN_WINDOWS, d.minWindows()),
                config.getLong(MIN_REQUESTS, d.minRequests()), AnomalySettings.severity(config, SEVERITY, d.severity()),
                config.getDecimal(MIN_EXCESS_PER_HOUR, d.minExcessPerHour()), d.catchUpQuiet());
    }
}
