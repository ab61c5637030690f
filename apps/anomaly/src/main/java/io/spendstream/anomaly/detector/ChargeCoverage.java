package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * How much of a window's charge time a cost so far is the cost of: the one computation behind the USD/h of a partial
 * window, for a service and for a wider scope (team, resource, SKU) alike. Plain Java.
 *
 * <p>The part covered is how far the cost rows cover the window's charge time ({@code coveredUntil} of
 * {@code spend.unit-cost}: a per-minute row stamped at its minute's start covers the whole minute) when known, else
 * how far the latest update's event time is into the window; at least {@code minFraction}
 * ({@link LifecycleSettings#partialMinFraction}), so a row without length at a window's first second is not
 * projected to a minute of sixty such rows.
 *
 * <p>A scope's cost is a sum of parts (one per service), each with its own coverage:
 * {@link #coveredUntil(long, long, List, long, List)} says how far the sum covers the window, as one
 * {@code coveredUntil}, such that the sum's rate over it is the sum of the parts' rates, each over its own coverage.
 * A team whose services all cover the whole minute covers the whole minute (not the quarter the latest event time
 * at the minute's start would say); a part covering half the window counts twice its cost, the others as they are.
 */
public final class ChargeCoverage {

    /** One part of a summed cost: its cost so far, how far its rows cover the window (null: not known) and when. */
    public record Part(BigDecimal cost, Long coveredUntil, long lastTimestamp) {
    }

    private final double minFraction;

    public ChargeCoverage(double minFraction) {
        this.minFraction = minFraction;
    }

    /** The part of the window {@code [windowStart, windowEnd)} a cost so far is the cost of, in (0, 1]. */
    public double fraction(long windowStart, long windowEnd, Long coveredUntil, long lastTimestamp) {
        long until = coveredUntil != null ? coveredUntil : lastTimestamp;
        double elapsed = (until - windowStart) / (double) (windowEnd - windowStart);
        return Math.min(1.0, Math.max(minFraction, elapsed));
    }

    /**
     * How far the sum of {@code parts} covers the window, as one {@code coveredUntil} (epoch ms, rounded up, so the
     * rate is never overstated by the rounding); null when there are no parts. {@code unreported} are the parts of
     * the window before, {@code [previousStart, windowStart)}, with no update in this window yet: each is taken to go
     * on at the rate it had there (its share of the window is not covered yet), so a team's window in which one
     * service has reported reads that service's rate plus the others' latest, not that service's alone against the
     * whole team's expected cost. When the parts' rates cannot be weighed (a credit, a negative part, or nothing
     * spent) the sum is taken to cover as far as its furthest part: an under-estimate of the rate, never an
     * over-projection.
     */
    public Long coveredUntil(long windowStart, long windowEnd, List<Part> parts, long previousStart,
            List<Part> unreported) {
        if (parts.isEmpty()) {
            return null;
        }
        long size = windowEnd - windowStart;
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal rate = BigDecimal.ZERO;
        double furthest = 0;
        boolean weighable = true;
        for (Part part : parts) {
            double fraction = fraction(windowStart, windowEnd, part.coveredUntil(), part.lastTimestamp());
            furthest = Math.max(furthest, fraction);
            weighable &= part.cost().signum() >= 0;
            cost = cost.add(part.cost());
            rate = rate.add(overWholeWindow(part.cost(), fraction));
        }
        for (Part part : unreported) {
            double fraction = fraction(previousStart, windowStart, part.coveredUntil(), part.lastTimestamp());
            weighable &= part.cost().signum() >= 0;
            rate = rate.add(overWholeWindow(part.cost(), fraction));
        }
        double fraction = weighable && cost.signum() > 0
                ? cost.divide(rate, MathContext.DECIMAL64).doubleValue()
                : furthest;
        return windowStart + (long) Math.ceil(Math.min(1.0, fraction) * size);
    }

    /**
     * {@code cost} over the whole window when it is the cost of {@code fraction} of it. A part covering the whole
     * window (the usual case, once its minute has been reported) is its cost as it is: the division would give the
     * same value (at most 16 digits, as {@code DECIMAL64} keeps), and it was most of this method's time in the
     * anomaly app's profile (issue 18).
     */
    private static BigDecimal overWholeWindow(BigDecimal cost, double fraction) {
        if (fraction == 1.0 && cost.precision() <= MathContext.DECIMAL64.getPrecision()) {
            return cost;
        }
        return cost.divide(BigDecimal.valueOf(fraction), MathContext.DECIMAL64);
    }
}
