package io.spendstream.anomaly.detector;

/**
 * Tuning of {@link CostDetector}: how fast the baseline learns, how long it warms up, how it protects itself against
 * a flat series and against incidents, how much history the rarity of a deviation is judged against, and when an
 * update is anomalous.
 *
 * @param alpha          EWMA weight of a new window for level and deviation; 0.02 is an effective memory of about
 *                       {@code 2/alpha - 1 = 99} windows
 * @param warmupWindows  settled windows learned before the detector scores anything
 * @param relativeFloor  the scale is at least this fraction of the level, so a perfectly flat series does not turn
 *                       a 1% wobble into a huge z
 * @param absoluteFloor  plus this amount (currency units per window), so a zero level still has a scale
 * @param anomalousScore score at or above which an update is anomalous (rarer than this fraction of the series' own
 *                       recent deviations); also what marks a learned window as part of an excursion
 * @param minSigmas      and the deviation must be at least this many robust sigmas (after the daily profile): a
 *                       steady series has rare windows too, a window that is rare but close to normal pages nobody
 * @param clipSigmas     once warm, a window is learned clipped to {@code level +/- clipSigmas * scale} (Huber-style),
 *                       so neither an incident nor a window learned before all its data arrived moves the level by
 *                       more than {@code alpha * clipSigmas} sigma
 * @param spreadAlpha    EWMA weight of the long-run spread, {@code |x - level|} learned unclipped; its sigma is a
 *                       floor of the scale, so a series that sits near zero between bursts keeps the scale of its
 *                       bursts instead of collapsing to the absolute floor (0.01: a memory of ~200 windows)
 * @param tailMemory     windows of history (an exponential decay of {@code 1 - 1/tailMemory} per window) the rarity
 *                       of a deviation is judged against
 * @param seasonalSlots  slots per day of the daily profile (48: half-hours); 0 turns the profile off
 * @param seasonalWeight weight of the last day in a slot's typical daily peak deviation (an EWMA across days)
 * @param onsetWindows   for this many learned windows after an onset (a window scoring {@link CostDetector#ONSET}
 *                       or more) a score not five times rarer than the onset's is damped: one excursion, one onset
 *                       (50: under an hour of one-minute windows, ~4 hours of NAB's 5-minute rows)
 * @param twoSided       whether drops score too ({@code |z|}, the default: a service whose spend stops is an
 *                       incident too, {@code COST_DROP}) or only rises ({@code max(z, 0)})
 * @param weeklyMinWeeks the {@link WeeklyProfile}'s day-of-week factors are used once every weekday was observed in
 *                       this many complete weeks (2: from about day 21 of a series on); 0 turns the profile off
 * @param weeklyWeight   weight of the last week in a weekday's factor (an EWMA across weeks)
 * @param trendAlpha     weight of a window's level change in the damped trend (Holt's beta); 0 turns the trend off
 * @param trendDamping   the trend's damping per window (Holt's phi): the forecast adds {@code phi * trend}, and the
 *                       trend decays by {@code phi} per window unless the level keeps moving
 * @param dropWeight     with {@code twoSided}, a z below the baseline counts as {@code dropWeight * |z|}: a drop must
 *                       be {@code 1 / dropWeight} times as far out as a rise to count the same (1: symmetric). A
 *                       drop is a ticket, not a page, and sagging below a baseline is what most noise does
 * @param calibrationPrior the {@link RarityCalibration}: a score is made no rarer than how often the series' own
 *                       learned windows were that rare, with this many windows of a calibrated history as the prior
 *                       (0: off, the default; see the module README for its NAB numbers)
 */
public record DetectorSettings(double alpha, int warmupWindows, double relativeFloor, double absoluteFloor,
        double anomalousScore, double minSigmas, double clipSigmas, double spreadAlpha, int tailMemory,
        int seasonalSlots, double seasonalWeight, int onsetWindows, boolean twoSided, int weeklyMinWeeks,
        double weeklyWeight, double trendAlpha, double trendDamping, double dropWeight, double calibrationPrior,
        ShapeSettings shape) {

    public DetectorSettings {
        require(alpha > 0 && alpha <= 1, "alpha must be in (0, 1]");
        require(warmupWindows >= 1, "warm-up must be at least one window");
        require(relativeFloor >= 0 && absoluteFloor > 0, "floors must be non-negative, the absolute one positive");
        require(anomalousScore > 0 && anomalousScore < 1, "anomalous score must be in (0, 1)");
        require(minSigmas >= 0, "min sigmas must not be negative");
        require(clipSigmas > 0, "clip sigmas must be positive");
        require(spreadAlpha > 0 && spreadAlpha <= 1, "spread alpha must be in (0, 1]");
        require(tailMemory >= 1, "tail memory must be at least one window");
        require(seasonalSlots >= 0 && seasonalSlots <= 1440 && (seasonalSlots == 0 || 1440 % seasonalSlots == 0),
                "seasonal slots must divide a day into whole minutes (0 = off, at most 1440)");
        require(seasonalWeight > 0 && seasonalWeight <= 1, "seasonal weight must be in (0, 1]");
        require(onsetWindows >= 0, "onset windows must not be negative");
        require(weeklyMinWeeks >= 0, "weekly min weeks must not be negative (0 = off)");
        require(weeklyWeight > 0 && weeklyWeight <= 1, "weekly weight must be in (0, 1]");
        require(trendAlpha >= 0 && trendAlpha <= 1, "trend alpha must be in [0, 1] (0 = off)");
        require(trendDamping >= 0 && trendDamping < 1, "trend damping must be in [0, 1)");
        require(dropWeight > 0 && dropWeight <= 1, "drop weight must be in (0, 1]");
        require(calibrationPrior >= 0 && Double.isFinite(calibrationPrior),
                "calibration prior must be a non-negative number of windows (0 = off)");
        require(shape != null, "shape settings must be given (ShapeSettings.off() for none)");
    }

    /**
     * Defaults: the configuration chosen on the NAB benchmark (one for every series, see the module README for how
     * and the numbers). Anomalous when rarer than 0.25% of the series' own recent deviations (score 0.9975) and at
     * least 6 robust sigmas out: over 1,000,000 windows of Gaussian noise a z of 6 is never reached, and with the
     * 5% relative floor a window must be at least 30% above its baseline to be anomalous. Weekly factors once every
     * weekday has two complete weeks behind it (from about day 21; weight 0.5). Two-sided: drops score too (the app
     * raises them as {@code COST_DROP} tickets), at drop weight 0.75: a drop must be a third further out than a rise
     * to count the same. With the tail memory of 5,000 windows (was 3,000) that is NAB standard +0.9 on
     * realAWSCloudwatch, +8.6 on realKnownCause and +1.1 on realTraffic against symmetric drops (module README). The
     * damped trend on, slow and strongly damped: beta 0.01
     * (half the level's alpha: a trend learned over ~200 windows), phi 0.98 (a slope fades over ~50 windows), so a
     * burst is not extrapolated far. Two-sided, NAB scores it within half a point of no trend at every beta
     * 0.005-0.05 and phi 0.9-0.99 tried (rises only it cost 0.8-6 AWS points): see the module README.
     */
    public static DetectorSettings defaults() {
        return new DetectorSettings(0.02, 10, 0.05, 1e-6, 0.9975, 6.0, 3.0, 0.01, 5000, 48, 0.5, 50, true,
                2, 0.5, 0.01, 0.98, 0.75, 0.0, ShapeSettings.defaults());
    }

    /** The same settings with another shape model ({@link ShapeSettings#off()}: none). */
    public DetectorSettings withShape(ShapeSettings shapeModel) {
        return new DetectorSettings(alpha, warmupWindows, relativeFloor, absoluteFloor, anomalousScore, minSigmas,
                clipSigmas, spreadAlpha, tailMemory, seasonalSlots, seasonalWeight, onsetWindows, twoSided,
                weeklyMinWeeks, weeklyWeight, trendAlpha, trendDamping, dropWeight, calibrationPrior, shapeModel);
    }

    /** The same settings, scoring drops too or not. */
    public DetectorSettings withTwoSided(boolean scoreDrops) {
        return new DetectorSettings(alpha, warmupWindows, relativeFloor, absoluteFloor, anomalousScore, minSigmas,
                clipSigmas, spreadAlpha, tailMemory, seasonalSlots, seasonalWeight, onsetWindows, scoreDrops,
                weeklyMinWeeks, weeklyWeight, trendAlpha, trendDamping, dropWeight, calibrationPrior, shape);
    }

    /** The same settings with the weekly profile used after {@code minWeeks} weeks per weekday (0: off). */
    public DetectorSettings withWeeklyMinWeeks(int minWeeks) {
        return new DetectorSettings(alpha, warmupWindows, relativeFloor, absoluteFloor, anomalousScore, minSigmas,
                clipSigmas, spreadAlpha, tailMemory, seasonalSlots, seasonalWeight, onsetWindows, twoSided,
                minWeeks, weeklyWeight, trendAlpha, trendDamping, dropWeight, calibrationPrior, shape);
    }

    /** The same settings with the damped trend learned at {@code alpha} (0: off) and damped by {@code damping}. */
    public DetectorSettings withTrend(double alpha, double damping) {
        return new DetectorSettings(this.alpha, warmupWindows, relativeFloor, absoluteFloor, anomalousScore, minSigmas,
                clipSigmas, spreadAlpha, tailMemory, seasonalSlots, seasonalWeight, onsetWindows, twoSided,
                weeklyMinWeeks, weeklyWeight, alpha, damping, dropWeight, calibrationPrior, shape);
    }

    /** Whether scores are calibrated against the series' own record of rare windows ({@link RarityCalibration}). */
    public boolean calibrated() {
        return calibrationPrior > 0;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
