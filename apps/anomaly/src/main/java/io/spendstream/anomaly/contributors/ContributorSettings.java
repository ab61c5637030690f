package io.spendstream.anomaly.contributors;

import java.math.BigDecimal;
import java.time.Duration;

import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * How the anomaly app learns a service's children (resources, SKUs) and which of them it names as top contributors.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.anomaly.contributors.top}</td><td>5</td>
 *     <td>contributors listed on an anomaly, largest excess first</td></tr>
 * <tr><td>{@code spendstream.anomaly.contributors.tracked}</td><td>50</td>
 *     <td>children of each kind a service keeps a baseline for; beyond that the cheapest baseline is dropped.
 *     Attribution writes its top 20 of each kind per window plus a remainder, so 50 leaves room for children that
 *     come and go</td></tr>
 * <tr><td>{@code spendstream.anomaly.contributors.alpha}</td><td>0.1</td>
 *     <td>EWMA weight of the newest settled window in a child's level and deviation (about the last 10 minutes
 *     matter, as for a service that spends steadily)</td></tr>
 * <tr><td>{@code spendstream.anomaly.contributors.noise-factor}</td><td>5</td>
 *     <td>a child moved only when its excess is above this many mean absolute deviations (about 4 standard
 *     deviations of Gaussian noise, since the EWMA of the deviation itself wobbles: at 4 deviations a steady child
 *     of a noisy service was named a few times in three hours of windows; at 5, none)</td></tr>
 * <tr><td>{@code spendstream.anomaly.contributors.relative-floor}</td><td>0.1</td>
 *     <td>and above this fraction of its level, so a child learned from a few identical windows (deviation 0) is
 *     not named for a few percent of noise</td></tr>
 * </table>
 * Windows are learned once settled, with the service's own {@code spendstream.anomaly.settle}.
 */
public record ContributorSettings(int top, int tracked, BigDecimal alpha, BigDecimal noiseFactor,
        BigDecimal relativeFloor, Duration settle) {

    public static final String PREFIX = "spendstream.anomaly.contributors.";
    public static final String TOP = PREFIX + "top";
    public static final String TRACKED = PREFIX + "tracked";
    public static final String ALPHA = PREFIX + "alpha";
    public static final String NOISE_FACTOR = PREFIX + "noise-factor";
    public static final String RELATIVE_FLOOR = PREFIX + "relative-floor";

    /** Pending windows kept beyond those the settle horizon spans, as for the service's own windows. */
    private static final int PENDING_SLACK = 5;

    public ContributorSettings {
        if (top < 1 || tracked < 1) {
            throw new IllegalArgumentException(TOP + " and " + TRACKED + " must be at least 1");
        }
        if (alpha.signum() <= 0 || alpha.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException(ALPHA + " must be in (0, 1], was " + alpha);
        }
        if (noiseFactor.signum() < 0 || relativeFloor.signum() < 0) {
            throw new IllegalArgumentException(NOISE_FACTOR + " and " + RELATIVE_FLOOR + " must not be negative");
        }
        if (settle == null || settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative");
        }
    }

    public static ContributorSettings defaults(LifecycleSettings lifecycle) {
        return new ContributorSettings(5, 50, new BigDecimal("0.1"), new BigDecimal("5"), new BigDecimal("0.1"),
                lifecycle.settle());
    }

    public static ContributorSettings from(SpendstreamConfig config, LifecycleSettings lifecycle) {
        ContributorSettings d = defaults(lifecycle);
        return new ContributorSettings(config.getInt(TOP, d.top()), config.getInt(TRACKED, d.tracked()),
                config.getDecimal(ALPHA, d.alpha()), config.getDecimal(NOISE_FACTOR, d.noiseFactor()),
                config.getDecimal(RELATIVE_FLOOR, d.relativeFloor()), lifecycle.settle());
    }

    /**
     * Most windows a service keeps pending: those the settle horizon spans plus a few stragglers, as
     * {@link LifecycleSettings#pendingCap} for the service's own windows.
     */
    int pendingCap(long windowMillis) {
        return pendingCap(settle.toMillis(), windowMillis);
    }

    /** The same for a settle horizon of {@code horizonMillis} (a series' own, see {@code SettleHorizon}). */
    int pendingCap(long horizonMillis, long windowMillis) {
        return (int) Math.min(Integer.MAX_VALUE - PENDING_SLACK, horizonMillis / windowMillis) + PENDING_SLACK;
    }
}
