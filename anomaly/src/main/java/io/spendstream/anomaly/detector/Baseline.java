package io.spendstream.anomaly.detector;

/**
 * What {@link CostDetector} has learned about one series: the EWMA level (expected cost of a window), the EWMA of
 * the absolute deviation from it (robust scale), the slow unclipped EWMA of that deviation (long-run spread, a floor
 * of the scale), the decaying peak of the z-scores learned (how far the series' own windows usually stray), and how
 * many settled windows it has learned. Mutable; only {@link CostDetector#learn} changes it.
 */
public final class Baseline {

    private double level;
    private double meanAbsDeviation;
    private double spread;
    private double peakZ;
    private double excursionPeakZ;
    private long learnedWindows;

    private Baseline(double level, double meanAbsDeviation, double spread, double peakZ, double excursionPeakZ,
            long learnedWindows) {
        this.level = level;
        this.meanAbsDeviation = meanAbsDeviation;
        this.spread = spread;
        this.peakZ = peakZ;
        this.excursionPeakZ = excursionPeakZ;
        this.learnedWindows = learnedWindows;
    }

    public static Baseline empty() {
        return new Baseline(0.0, 0.0, 0.0, 0.0, 0.0, 0);
    }

    /**
     * A baseline persisted before the slow spread and the peak existed: the spread starts at the mean absolute
     * deviation (the best estimate there is), the peak at 0 (no calibration until windows are learned).
     */
    public static Baseline of(double level, double meanAbsDeviation, long learnedWindows) {
        return of(level, meanAbsDeviation, meanAbsDeviation, 0.0, 0.0, learnedWindows);
    }

    /** A baseline as persisted earlier. */
    public static Baseline of(double level, double meanAbsDeviation, double spread, double peakZ,
            double excursionPeakZ, long learnedWindows) {
        if (learnedWindows < 0 || meanAbsDeviation < 0 || spread < 0 || peakZ < 0 || excursionPeakZ < 0
                || !Double.isFinite(level) || !Double.isFinite(meanAbsDeviation) || !Double.isFinite(spread)
                || !Double.isFinite(peakZ) || !Double.isFinite(excursionPeakZ)) {
            throw new IllegalArgumentException("Invalid baseline: level=" + level + " deviation=" + meanAbsDeviation
                    + " spread=" + spread + " peakZ=" + peakZ + " excursionPeakZ=" + excursionPeakZ + " learned="
                    + learnedWindows);
        }
        return new Baseline(level, meanAbsDeviation, spread, peakZ, excursionPeakZ, learnedWindows);
    }

    public double level() {
        return level;
    }

    public double meanAbsDeviation() {
        return meanAbsDeviation;
    }

    /** Slow EWMA of {@code |x - level|}, learned unclipped: the long-run spread, bursts included. */
    public double spread() {
        return spread;
    }

    /** Decaying peak of the (capped) z-scores of the windows learned once warm. */
    public double peakZ() {
        return peakZ;
    }

    /**
     * Highest (capped) z of the anomalous windows learned in a row so far, 0 when the last window learned was not
     * anomalous. It joins {@link #peakZ()} only when the excursion ends, so an incident does not calibrate itself
     * away while it lasts.
     */
    public double excursionPeakZ() {
        return excursionPeakZ;
    }

    public long learnedWindows() {
        return learnedWindows;
    }

    void set(double newLevel, double newMeanAbsDeviation, double newSpread, double newPeakZ,
            double newExcursionPeakZ) {
        level = newLevel;
        meanAbsDeviation = newMeanAbsDeviation;
        spread = newSpread;
        peakZ = newPeakZ;
        excursionPeakZ = newExcursionPeakZ;
        learnedWindows++;
    }

    @Override
    public String toString() {
        return "Baseline[level=" + level + ", meanAbsDeviation=" + meanAbsDeviation + ", spread=" + spread
                + ", peakZ=" + peakZ + ", excursionPeakZ=" + excursionPeakZ + ", learned=" + learnedWindows + "]";
    }
}
