package io.spendstream.anomaly.detector;

import java.util.Arrays;

/**
 * The recent distribution of one series' deviations (counted z after the daily profile), as a decaying histogram
 * on log-spaced bins: what {@link CostDetector} judges the rarity of a new deviation against. 60 bins from z 0.05,
 * each 20% wider than the last (up to z ~2,000), so its size is fixed whatever the series; every learned window
 * multiplies all counts by {@code 1 - 1/memory} before adding its own. Mutable.
 */
public final class DeviationHistogram {

    public static final int BINS = 60;
    static final double FIRST_EDGE = 0.05;
    static final double GROWTH = 1.2;
    /**
     * Pseudo-count of an exponential tail {@code e^(-z/3)} added to every tail probability: with little history a
     * z never seen is rare in proportion to how far out it is, not certain.
     */
    static final double PRIOR_WEIGHT = 1.0;
    static final double PRIOR_SCALE = 3.0;
    /** Beyond the last bin the tail keeps falling as {@code 1/z}, so larger deviations still score higher. */
    static final double BEYOND_RANGE = 1e-9;

    private final double[] counts;
    private double total;

    private DeviationHistogram(double[] counts, double total) {
        this.counts = counts;
        this.total = total;
    }

    public static DeviationHistogram empty() {
        return new DeviationHistogram(new double[BINS], 0.0);
    }

    /** A histogram as persisted earlier. */
    public static DeviationHistogram of(double[] counts, double total) {
        requireCounts("deviation histogram", counts, BINS, total);
        return new DeviationHistogram(counts.clone(), total);
    }

    /**
     * Estimated probability of a deviation at least {@code z}: the decayed counts above it (linearly interpolated
     * within its bin) plus the prior's, over the decayed total plus the prior's weight.
     */
    public double tail(double z) {
        int bin = binOf(z);
        double above = 0.0;
        for (int b = bin + 1; b < BINS; b++) {
            above += counts[b];
        }
        double low = bin == 0 ? 0.0 : FIRST_EDGE * Math.pow(GROWTH, bin - 1);
        double high = FIRST_EDGE * Math.pow(GROWTH, bin);
        double inBin = bin == BINS - 1 ? 1.0 : Math.min(1.0, Math.max(0.0, (z - low) / (high - low)));
        above += counts[bin] * (1.0 - inBin);
        double tail = (above + PRIOR_WEIGHT * Math.exp(-z / PRIOR_SCALE)) / (total + PRIOR_WEIGHT);
        return bin == BINS - 1 ? Math.min(tail, BEYOND_RANGE / z) : tail;
    }

    /** Decays every count by {@code keep} and adds {@code weight} to the bin of {@code z}. */
    void add(double z, double weight, double keep) {
        total = decayAndAdd(counts, total, binOf(z), weight, keep);
    }

    /** Checks persisted decayed counts: {@code bins} of them and their total, all finite and non-negative. */
    static void requireCounts(String what, double[] counts, int bins, double total) {
        if (counts.length != bins || !(total >= 0) || !Double.isFinite(total)
                || Arrays.stream(counts).anyMatch(c -> !(c >= 0) || !Double.isFinite(c))) {
            throw new IllegalArgumentException("Invalid " + what + ": " + counts.length + " bins, total " + total);
        }
    }

    /** Decays every count and the total by {@code keep}, adds {@code weight} to {@code bin}; the new total. */
    static double decayAndAdd(double[] counts, double total, int bin, double weight, double keep) {
        for (int b = 0; b < counts.length; b++) {
            counts[b] *= keep;
        }
        counts[bin] += weight;
        return total * keep + weight;
    }

    public double[] counts() {
        return counts.clone();
    }

    public double total() {
        return total;
    }

    static int binOf(double z) {
        if (!(z >= FIRST_EDGE)) {
            return 0;
        }
        int bin = 1 + (int) Math.floor(Math.log(z / FIRST_EDGE) / Math.log(GROWTH));
        return Math.min(bin, BINS - 1);
    }
}
