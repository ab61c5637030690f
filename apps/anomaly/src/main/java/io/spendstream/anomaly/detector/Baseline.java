package io.spendstream.anomaly.detector;

/**
 * What {@link CostDetector} has learned about one series: the EWMA level (expected cost of a window), the EWMA of
 * the absolute deviation from it (robust scale), the unclipped EWMA of that deviation (long-run spread, a floor of
 * the scale), the {@link DeviationHistogram} of recent deviations (what a new one's rarity is judged against), the
 * {@link DailyProfile} (typical peak deviation per time of day), the {@link WeeklyProfile} (cost factor per day of
 * the week), the damped trend (level change per window; 0 while the trend is off), the last onset (so one excursion
 * is one onset), and how many settled windows it has learned. Mutable; only {@link CostDetector#learn} changes it.
 */
public final class Baseline {

    /** {@link #windowsSinceOnset()} before any onset. */
    public static final long NO_ONSET = Long.MAX_VALUE;

    private double level;
    private double trend;
    private double meanAbsDeviation;
    private double spread;
    private long learnedWindows;
    private final DeviationHistogram deviations;
    private final DailyProfile daily;
    private final WeeklyProfile weekly;
    private boolean inExcursion;
    private long windowsSinceOnset;
    private double onsetScore;
    private ShapeMemory shape;
    private RarityCalibration calibration;

    private Baseline(double level, double trend, double meanAbsDeviation, double spread, long learnedWindows,
            DeviationHistogram deviations, DailyProfile daily, WeeklyProfile weekly, boolean inExcursion,
            long windowsSinceOnset, double onsetScore) {
        this.level = level;
        this.trend = trend;
        this.meanAbsDeviation = meanAbsDeviation;
        this.spread = spread;
        this.learnedWindows = learnedWindows;
        this.deviations = deviations;
        this.daily = daily;
        this.weekly = weekly;
        this.inExcursion = inExcursion;
        this.windowsSinceOnset = windowsSinceOnset;
        this.onsetScore = onsetScore;
        this.shape = ShapeMemory.empty(0);
        this.calibration = RarityCalibration.NONE;
    }

    /** A new series, with a daily profile of {@code dailySlots} slots (0: none) and no shape memory. */
    public static Baseline empty(int dailySlots) {
        return empty(dailySlots, 0);
    }

    /**
     * A new series, with a daily profile of {@code dailySlots} slots (0: none) and a {@link ShapeMemory} of
     * {@code shapeCapacity} contexts (0: none).
     */
    public static Baseline empty(int dailySlots, int shapeCapacity) {
        Baseline baseline = new Baseline(0.0, 0.0, 0.0, 0.0, 0, DeviationHistogram.empty(),
                DailyProfile.empty(dailySlots), WeeklyProfile.empty(), false, NO_ONSET, 0.0);
        baseline.shape = ShapeMemory.empty(shapeCapacity);
        return baseline;
    }

    /** A baseline as persisted earlier. */
    public static Baseline of(double level, double trend, double meanAbsDeviation, double spread,
            long learnedWindows, DeviationHistogram deviations, DailyProfile daily, WeeklyProfile weekly,
            boolean inExcursion, long windowsSinceOnset, double onsetScore) {
        if (learnedWindows < 0 || meanAbsDeviation < 0 || spread < 0 || windowsSinceOnset < 0 || onsetScore < 0
                || onsetScore > 1 || !Double.isFinite(level) || !Double.isFinite(trend)
                || !Double.isFinite(meanAbsDeviation) || !Double.isFinite(spread)) {
            throw new IllegalArgumentException("Invalid baseline: level=" + level + " trend=" + trend + " deviation="
                    + meanAbsDeviation + " spread=" + spread + " learned=" + learnedWindows + " sinceOnset="
                    + windowsSinceOnset + " onsetScore=" + onsetScore);
        }
        return new Baseline(level, trend, meanAbsDeviation, spread, learnedWindows, deviations, daily, weekly,
                inExcursion, windowsSinceOnset, onsetScore);
    }

    public double level() {
        return level;
    }

    /** Damped trend: the change of the (week-neutral) level per window, 0 while the trend is off. */
    public double trend() {
        return trend;
    }

    public double meanAbsDeviation() {
        return meanAbsDeviation;
    }

    /** EWMA of {@code |x - level|}, learned unclipped: the long-run spread, bursts included. */
    public double spread() {
        return spread;
    }

    public long learnedWindows() {
        return learnedWindows;
    }

    public DeviationHistogram deviations() {
        return deviations;
    }

    public DailyProfile daily() {
        return daily;
    }

    public WeeklyProfile weekly() {
        return weekly;
    }

    /** The contexts of recent values the shape model remembers (capacity 0 while it is off). */
    public ShapeMemory shape() {
        return shape;
    }

    /** Restores the shape memory persisted with this baseline. */
    public Baseline withShape(ShapeMemory memory) {
        shape = memory;
        return this;
    }

    /**
     * How often this series' windows were as rare as their rarity said ({@link RarityCalibration#NONE} while the
     * calibration is off).
     */
    public RarityCalibration calibration() {
        return calibration;
    }

    /** Restores (or starts) the rarity calibration persisted with this baseline. */
    public Baseline withCalibration(RarityCalibration record) {
        calibration = record;
        return this;
    }

    /**
     * Whether the last window learned was anomalous: the windows of an excursion after its first are not added to
     * the histogram, so the histogram counts excursions, not their length (a long incident does not teach the
     * series that incidents are normal).
     */
    public boolean inExcursion() {
        return inExcursion;
    }

    /** Windows learned since the last onset ({@link #NO_ONSET} if none yet). */
    public long windowsSinceOnset() {
        return windowsSinceOnset;
    }

    /** Rarity score of the last onset. */
    public double onsetScore() {
        return onsetScore;
    }

    void set(double newLevel, double newTrend, double newMeanAbsDeviation, double newSpread) {
        level = newLevel;
        trend = newTrend;
        meanAbsDeviation = newMeanAbsDeviation;
        spread = newSpread;
        learnedWindows++;
        if (windowsSinceOnset != NO_ONSET) {
            windowsSinceOnset++;
        }
    }

    void excursion(boolean anomalous) {
        inExcursion = anomalous;
    }

    void onset(double score) {
        windowsSinceOnset = 0;
        onsetScore = score;
    }

    @Override
    public String toString() {
        return "Baseline[level=" + level + ", trend=" + trend + ", meanAbsDeviation=" + meanAbsDeviation
                + ", spread=" + spread
                + ", learned=" + learnedWindows + ", histogram total=" + deviations.total() + ", inExcursion="
                + inExcursion + ", sinceOnset=" + windowsSinceOnset + "]";
    }
}
