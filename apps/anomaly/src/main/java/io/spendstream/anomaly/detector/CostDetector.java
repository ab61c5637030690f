package io.spendstream.anomaly.detector;

import java.util.OptionalDouble;

/**
 * The streaming cost-spike detector: a robust baseline per series and a score in [0,1] for a value at a time against
 * it. Plain Java with no Kafka dependency, so the stream app, the NAB benchmark and the tests run the very same math.
 *
 * <ul>
 *   <li><b>Weekly seasonality</b>: every value is first divided by its weekday's factor ({@link WeeklyProfile}; 1
 *       until every weekday has {@code weeklyMinWeeks} complete weeks and the pattern is strong), so everything below
 *       sees a week-neutral cost; the expected cost is the forecast times the factor.</li>
 *   <li><b>Trend</b> (off unless {@code trendAlpha > 0}): Holt's damped trend, the forecast is
 *       {@code level + phi * trend}; level, deviation and clipping are measured against the forecast.</li>
 *   <li><b>Level and scale</b>: EWMA of the level, {@code level += a (x - level)}, and EWMA of the absolute deviation
 *       {@code |x - level|} against the level before the update (a one-step-ahead error, so the lag of the level
 *       behind a daily swing is part of the scale). During warm-up {@code a = max(alpha, 1/n)}: a plain running mean.
 *       Scale = {@code sqrt(pi/2) * max(meanAbsDeviation, spread)}, at least {@code relativeFloor * |level| +
 *       absoluteFloor}; {@code spread} is the deviation learned unclipped: a series that sits at zero between bursts
 *       keeps the scale of its bursts.</li>
 *   <li><b>Deviation</b>: the counted z ({@code max(z, 0)}, or when {@code twoSided} {@code z} above the baseline and
 *       {@code dropWeight * |z|} below it) minus the
 *       {@link DailyProfile}'s typical daily peak for the time of day, at least 0: a burst that comes every day at
 *       the same time is expected up to its usual height.</li>
 *   <li><b>Rarity</b> ({@link #rarity}): {@code 1 - P(deviation >= d)} under the series' own recent deviations
 *       ({@link DeviationHistogram}, ~{@code tailMemory} windows). This makes scores of different series comparable
 *       (a bursty series is not surprised by a burst like its last ten), which one global threshold needs.</li>
 *   <li><b>Score</b> ({@link #score}): the rarity, damped by half for {@code onsetWindows} after an onset (a rarity of
 *       {@link #ONSET} or more) unless it is at least five times rarer than the onset: an excursion is announced
 *       once, at its start, and a new, much larger one is announced again. The lifecycle opens on the score and judges whether an incident
 *       goes on by the rarity.</li>
 *   <li><b>Anomalous</b> ({@link #isAnomalous}): score at least {@code anomalousScore} and deviation at least
 *       {@code minSigmas}: rare for the series and far out in absolute terms.</li>
 *   <li><b>Robustness</b>: once warm, every window is learned into level and deviation clipped to
 *       {@code level +/- clipSigmas * scale} (Huber-style, both ways); only the first window of an excursion is added
 *       to the histogram, so an incident cannot teach the series that incidents are normal. Warm-up windows are
 *       learned raw, and the histogram and profile start learning once warm.</li>
 * </ul>
 * Timestamps are the start of the window (or the row's time in NAB); they only place a value in the daily and weekly
 * profiles.
 */
public final class CostDetector {

    /** Mean absolute deviation of a normal distribution is sigma * sqrt(2/pi). */
    static final double MEAN_ABS_DEVIATION_TO_SIGMA = Math.sqrt(Math.PI / 2);
    /** Rarity from which a learned window is an onset (its excursion's first announcement): 1 in 100. */
    public static final double ONSET = 0.99;
    /** A new onset within {@code onsetWindows} of the last must be at least five times rarer than it. */
    static final double NEW_ONSET_TAIL_FRACTION = 0.2;
    /** Factor on a repeated announcement within {@code onsetWindows} of an onset. */
    static final double REPEAT_DAMPING = 0.5;

    private final DetectorSettings settings;

    public CostDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    public DetectorSettings settings() {
        return settings;
    }

    /** A new series' baseline, with the daily profile these settings use. */
    public Baseline newBaseline() {
        return Baseline.empty(settings.seasonalSlots(), settings.shape().capacity());
    }

    public boolean isWarm(Baseline baseline) {
        return baseline.learnedWindows() >= settings.warmupWindows();
    }

    /**
     * The weekday factor of {@code timestamp} ({@link WeeklyProfile}): costs are divided by it before the baseline
     * sees them. 1 while the weekly profile is off or has not seen {@code weeklyMinWeeks} weeks of every weekday.
     */
    public double weeklyFactor(Baseline baseline, long timestamp) {
        return baseline.weekly().factor(timestamp, settings.weeklyMinWeeks());
    }

    /** The week-neutral cost the baseline forecasts for the next window: the level plus the damped trend. */
    public double forecast(Baseline baseline) {
        return baseline.level() + settings.trendDamping() * baseline.trend();
    }

    /** The cost the baseline expects for the window at {@code timestamp}: the forecast times its weekday factor. */
    public double expected(Baseline baseline, long timestamp) {
        return forecast(baseline) * weeklyFactor(baseline, timestamp);
    }

    /**
     * Robust sigma of one (week-neutral) window's cost: the larger of the recent and the long-run one, never below
     * the floor.
     */
    public double scale(Baseline baseline) {
        double robust = MEAN_ABS_DEVIATION_TO_SIGMA * Math.max(baseline.meanAbsDeviation(), baseline.spread());
        double floor = settings.relativeFloor() * Math.abs(forecast(baseline)) + settings.absoluteFloor();
        return Math.max(robust, floor);
    }

    /** Signed z of a value at a time against the baseline, after dividing it by its weekday factor. */
    public double zScore(Baseline baseline, long timestamp, double value) {
        return (value / weeklyFactor(baseline, timestamp) - forecast(baseline)) / scale(baseline);
    }

    /**
     * Whether a value is below the baseline's expectation (a negative z): with {@code twoSided} a rare one is a drop,
     * not a spike.
     */
    public boolean isBelow(Baseline baseline, long timestamp, double value) {
        return zScore(baseline, timestamp, value) < 0;
    }

    /**
     * The z that counts: {@code max(z, 0)}, or when drops score too {@code z} above the baseline and
     * {@code dropWeight * |z|} below it. Never negative.
     */
    public double countedZ(Baseline baseline, long timestamp, double value) {
        double z = zScore(baseline, timestamp, value);
        if (z >= 0) {
            return z;
        }
        return settings.twoSided() ? -z * settings.dropWeight() : 0.0;
    }

    /** The counted z beyond the typical daily peak of its time of day: the deviation that is scored. */
    public double deviation(Baseline baseline, long timestamp, double value) {
        double expectedPeak = baseline.daily().expectedPeak(timestamp, settings.seasonalWeight());
        return Math.max(0.0, countedZ(baseline, timestamp, value) - expectedPeak);
    }

    /** {@code 1 - P(deviation >= d)} under the series' recent deviations, or empty while warming up. */
    public OptionalDouble rarity(Baseline baseline, long timestamp, double value) {
        if (!isWarm(baseline)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(rarityOf(baseline, deviation(baseline, timestamp, value)));
    }

    /** The rarity, damped when it repeats a recent onset: see the class comment. Empty while warming up. */
    public OptionalDouble score(Baseline baseline, long timestamp, double value) {
        OptionalDouble rarity = rarity(baseline, timestamp, value);
        if (rarity.isEmpty()) {
            return rarity;
        }
        double r = rarity.getAsDouble();
        boolean repeat = baseline.windowsSinceOnset() < settings.onsetWindows() && r >= ONSET
                && !rarerThanOnset(baseline, r);
        double calibrated = calibrated(baseline, r);
        double score = repeat ? calibrated * REPEAT_DAMPING : calibrated;
        return OptionalDouble.of(shaped(baseline, timestamp, value, score));
    }

    /**
     * The rarity made no rarer than the series' own record of windows that rare ({@link RarityCalibration}): its
     * tail probability at least {@code (prior * tail + windows at most that rare) / (prior + windows)}. Unchanged
     * while the calibration is off or has not started (a baseline stored before it was switched on).
     */
    private double calibrated(Baseline baseline, double rarity) {
        if (!settings.calibrated() || baseline.calibration().isEmpty()) {
            return rarity;
        }
        return 1.0 - baseline.calibration().calibrated(1.0 - rarity, settings.calibrationPrior());
    }

    /**
     * The score with the shape model: its tail probability {@code 1 - score} multiplied by {@code novel} for a
     * context of values never seen, growing to {@code 1 + familiar * count} for one seen {@code count} times lately.
     * The score unchanged while the shape model is off.
     */
    private double shaped(Baseline baseline, long timestamp, double value, double score) {
        ShapeSettings shape = settings.shape();
        if (!shape.enabled()) {
            return score;
        }
        double count = baseline.shape().familiarity(value / weeklyFactor(baseline, timestamp), shape, shape.keep());
        double multiplier = shape.novel() + (1.0 - shape.novel()) * Math.min(count, 1.0) + shape.familiar() * count;
        double share = count / Math.max(1.0, baseline.shape().total());
        return Math.max(0.0, Math.min(1.0, 1.0 - (1.0 - score) * multiplier - shape.share() * share));
    }

    /** Whether a score and the deviation it came from are anomalous: rare for the series and far out. */
    public boolean isAnomalous(double score, double deviation) {
        return score >= settings.anomalousScore() && deviation >= settings.minSigmas();
    }

    /** Scores a value and says whether it is anomalous, without learning it. Empty while warming up. */
    public boolean isAnomalous(Baseline baseline, long timestamp, double value) {
        OptionalDouble score = score(baseline, timestamp, value);
        return score.isPresent() && isAnomalous(score.getAsDouble(), deviation(baseline, timestamp, value));
    }

    /**
     * Learns one settled window. Once warm: the histogram gets the window's deviation (the first of an excursion
     * only), the daily profile its counted z, the onset memory its rarity, all measured before the update; the level
     * and deviation learn the value clipped to {@code level +/- clipSigmas * scale}, the spread the raw value.
     */
    public void learn(Baseline baseline, long timestamp, double value) {
        double factor = weeklyFactor(baseline, timestamp);
        double x = value / factor;
        double forecast = forecast(baseline);
        boolean warm = isWarm(baseline);
        double rarity = 0.0;
        boolean continuing = false;
        if (warm) {
            double deviation = deviation(baseline, timestamp, value);
            rarity = rarityOf(baseline, deviation);
            // Unusual: rare for the series, or far out while the series is too young for rarity to say much.
            boolean unusual = rarity >= ONSET || deviation >= settings.minSigmas();
            continuing = unusual && baseline.inExcursion();
            baseline.deviations().add(deviation, continuing ? 0.0 : 1.0, 1.0 - 1.0 / settings.tailMemory());
            calibrate(baseline, rarity, continuing);
            baseline.excursion(unusual);
            baseline.daily().learn(timestamp, countedZ(baseline, timestamp, value), settings.seasonalWeight());
            double reach = settings.clipSigmas() * scale(baseline);
            x = Math.max(forecast - reach, Math.min(x, forecast + reach));
        }
        if (baseline.shape().capacity() != settings.shape().capacity()) {
            // The shape model was switched on, off or resized since this baseline was stored: it starts afresh.
            baseline.withShape(ShapeMemory.empty(settings.shape().capacity()));
        }
        if (settings.shape().enabled()) {
            baseline.shape().learn(value / factor, settings.shape(), settings.shape().keep());
        }
        // The weekly profile learns the cost as the level does (clipped once warm), back in this weekday's terms.
        baseline.weekly().learn(timestamp, x * factor, settings.weeklyWeight());
        long n = baseline.learnedWindows() + 1;
        // The windows of an excursion after its first teach the spread only what the level learns: one incident is
        // one burst to remember, however long it lasts.
        double rawDeviation = Math.abs((continuing ? x : value / factor) - forecast);
        if (n == 1) {
            baseline.set(x, 0.0, 0.0, 0.0);
        } else {
            double levelWeight = Math.max(settings.alpha(), 1.0 / n);
            // The first deviation is observed at n = 2: weight it fully so the deviation is a plain mean in warm-up.
            double deviationWeight = Math.max(settings.alpha(), 1.0 / (n - 1));
            // The spread starts as the warm-up's mean deviation, then learns at its own (slower) pace.
            double spreadWeight = warm ? settings.spreadAlpha() : 1.0 / (n - 1);
            double deviation = Math.abs(x - forecast);
            double level = forecast + levelWeight * (x - forecast);
            // Holt's damped trend, learned once warm (a warm-up's running mean has no meaningful slope).
            double dampedTrend = settings.trendDamping() * baseline.trend();
            double trend = warm ? dampedTrend + settings.trendAlpha() * (level - baseline.level() - dampedTrend)
                    : 0.0;
            baseline.set(level, trend,
                    baseline.meanAbsDeviation() + deviationWeight * (deviation - baseline.meanAbsDeviation()),
                    baseline.spread() + spreadWeight * (rawDeviation - baseline.spread()));
        }
        if (warm && rarity >= ONSET && (baseline.windowsSinceOnset() > settings.onsetWindows()
                || rarerThanOnset(baseline, rarity))) {
            baseline.onset(rarity);
        }
    }

    /**
     * Adds a learned window's rarity to the calibration, counted like the histogram (an excursion's first window
     * only), with the same memory. Switching the calibration on starts it empty, switching it off drops it.
     */
    private void calibrate(Baseline baseline, double rarity, boolean continuing) {
        if (settings.calibrated() == baseline.calibration().isEmpty()) {
            baseline.withCalibration(settings.calibrated() ? RarityCalibration.empty() : RarityCalibration.NONE);
        }
        if (settings.calibrated()) {
            baseline.calibration().add(1.0 - rarity, continuing ? 0.0 : 1.0, 1.0 - 1.0 / settings.tailMemory());
        }
    }

    /**
     * Scores one final window and learns it: the whole detector for a series of final values in order, as the NAB
     * benchmark feeds it. Empty during warm-up.
     */
    public OptionalDouble observe(Baseline baseline, long timestamp, double value) {
        OptionalDouble score = score(baseline, timestamp, value);
        learn(baseline, timestamp, value);
        return score;
    }

    /**
     * Whether a rarity announces a new, larger excursion within the onset windows: its tail probability is less than
     * {@link #NEW_ONSET_TAIL_FRACTION} of the last onset's. Merely "rarer" is not enough: a ramp is rarer at every
     * step and would be announced at every step.
     */
    private static boolean rarerThanOnset(Baseline baseline, double rarity) {
        return 1.0 - rarity < NEW_ONSET_TAIL_FRACTION * (1.0 - baseline.onsetScore());
    }

    private static double rarityOf(Baseline baseline, double deviation) {
        return Math.max(0.0, Math.min(1.0, 1.0 - baseline.deviations().tail(deviation)));
    }
}
