package io.spendstream.anomaly.detector;

/**
 * What {@link CostDetector} has learned about one series: the EWMA level (expected cost of a window), the EWMA of
 * the absolute deviation from it (robust scale), and how many settled windows it has learned. Mutable; only
 * {@link CostDetector#learn} changes it.
 */
public final class Baseline {

    private double level;
    private double meanAbsDeviation;
    private long learnedWindows;

    private Baseline(double level, double meanAbsDeviation, long learnedWindows) {
        this.level = level;
        this.meanAbsDeviation = meanAbsDeviation;
        this.learnedWindows = learnedWindows;
    }

    public static Baseline empty() {
        return new Baseline(0.0, 0.0, 0);
    }

    /** A baseline as persisted earlier. */
    public static Baseline of(double level, double meanAbsDeviation, long learnedWindows) {
        if (learnedWindows < 0 || meanAbsDeviation < 0 || !Double.isFinite(level) || !Double.isFinite(meanAbsDeviation)) {
            throw new IllegalArgumentException("Invalid baseline: level=" + level + " deviation=" + meanAbsDeviation
                    + " learned=" + learnedWindows);
        }
        return new Baseline(level, meanAbsDeviation, learnedWindows);
    }

    public double level() {
        return level;
    }

    public double meanAbsDeviation() {
        return meanAbsDeviation;
    }

    public long learnedWindows() {
        return learnedWindows;
    }

    void set(double newLevel, double newMeanAbsDeviation) {
        level = newLevel;
        meanAbsDeviation = newMeanAbsDeviation;
        learnedWindows++;
    }

    @Override
    public String toString() {
        return "Baseline[level=" + level + ", meanAbsDeviation=" + meanAbsDeviation + ", learned=" + learnedWindows + "]";
    }
}
