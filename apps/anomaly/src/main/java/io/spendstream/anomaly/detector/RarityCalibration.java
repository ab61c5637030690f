package io.spendstream.anomaly.detector;

/**
 * How often this series' learned windows were really as rare as their rarity said: a decaying histogram of their
 * tail probabilities ({@code 1 - rarity}) in half-decade bins from 1 down to 1e-6 (anything rarer in the last bin).
 * {@link CostDetector} uses it to make a score no rarer than the series' own record of such windows: a series whose
 * "one in a million" windows came every few hundred windows (a bursty series whose scale shrinks between bursts)
 * is scored by how often they came. It can only lower a score. Mutable; {@link #NONE} (no bins) while the setting
 * is off.
 */
public final class RarityCalibration {

    /** Half-decade bins of the tail probability, down to 1e-6. */
    public static final int BINS = 12;
    static final double BINS_PER_DECADE = 2.0;
    /** No calibration: the setting is off. */
    public static final RarityCalibration NONE = new RarityCalibration(new double[0], 0.0);

    private final double[] counts;
    private double total;

    private RarityCalibration(double[] counts, double total) {
        this.counts = counts;
        this.total = total;
    }

    public static RarityCalibration empty() {
        return new RarityCalibration(new double[BINS], 0.0);
    }

    /** A calibration as persisted earlier. */
    public static RarityCalibration of(double[] counts, double total) {
        DeviationHistogram.requireCounts("rarity calibration", counts, BINS, total);
        return new RarityCalibration(counts.clone(), total);
    }

    public boolean isEmpty() {
        return counts.length == 0;
    }

    /**
     * The tail probability made no smaller than how often this series' windows were that rare:
     * {@code (prior * tail + windows at most that rare) / (prior + windows)}, as if {@code prior} windows of a
     * perfectly calibrated history came first; never below {@code tail}.
     */
    double calibrated(double tail, double prior) {
        double observed = (prior * tail + atMost(tail)) / (prior + total);
        return Math.max(tail, Math.min(1.0, observed));
    }

    /** The decayed number of learned windows whose tail probability was at most {@code tail} (linear in a bin). */
    double atMost(double tail) {
        double position = position(tail);
        int bin = (int) Math.floor(position);
        if (bin >= BINS - 1) {
            return counts[BINS - 1];
        }
        double n = counts[bin] * (bin + 1 - position);
        for (int b = bin + 1; b < BINS; b++) {
            n += counts[b];
        }
        return n;
    }

    /** Decays every count by {@code keep} and adds {@code weight} to the bin of {@code tail}. */
    void add(double tail, double weight, double keep) {
        total = DeviationHistogram.decayAndAdd(counts, total, Math.min(BINS - 1, (int) Math.floor(position(tail))),
                weight, keep);
        // At the precision the state keeps (Avro floats, as the shape model's counts, ShapeMemory#learn).
        for (int b = 0; b < counts.length; b++) {
            counts[b] = (float) counts[b];
        }
    }

    public double[] counts() {
        return counts.clone();
    }

    public double total() {
        return total;
    }

    /** Half-decades below 1: 0 for a tail of 1, 2 for 0.1, 12 for 1e-6. */
    private static double position(double tail) {
        return Math.max(0.0, -Math.log10(Math.max(tail, Double.MIN_NORMAL)) * BINS_PER_DECADE);
    }
}
