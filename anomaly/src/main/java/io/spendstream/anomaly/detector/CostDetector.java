package io.spendstream.anomaly.detector;

import java.util.OptionalDouble;

/**
 * The streaming cost-spike detector: a robust baseline per series and a score in [0,1] for a value against it.
 * Plain Java with no Kafka dependency, so the stream app, the NAB benchmark and the tests run the very same math.
 *
 * <ul>
 *   <li><b>Baseline</b>: EWMA of the level, {@code level += a (x - level)}, and EWMA of the absolute deviation
 *       {@code |x - level|} measured against the level before the update (a one-step-ahead error, so it also
 *       carries the level's own uncertainty). During warm-up {@code a = max(alpha, 1/n)}, which makes the first
 *       windows a plain running mean instead of an estimate biased towards the first value.</li>
 *   <li><b>Scale</b>: {@code max(sqrt(pi/2) * meanAbsDeviation, relativeFloor * |level| + absoluteFloor)}.
 *       {@code sqrt(pi/2) = 1.2533} turns a mean absolute deviation into a normal sigma (the 1.4826 of the median
 *       absolute deviation is for the median, which a streaming EWMA does not have); the floor keeps a flat series
 *       from making tiny wobbles look huge.</li>
 *   <li><b>Score</b>: {@code z = (x - level) / scale}; {@code score = 1 - exp(-max(z, 0) / k)}. Only rises count
 *       (this is a cost-spike detector); score 0.99 is z = 4.6 k, 0.9 is z = 2.3 k, 0.999 is z = 6.9 k.</li>
 *   <li><b>Warm-up</b>: no score until {@code warmupWindows} windows were learned.</li>
 *   <li><b>Robustness</b>: once warm, every window is learned clipped to {@code level +/- clipSigmas * scale}
 *       (Huber-style, both ways): an incident learned high, or a window learned low because part of its data had not
 *       arrived yet, moves the level by at most {@code alpha * clipSigmas} sigma. A lasting level shift is still
 *       adopted, after some tens of windows, because each clipped window also widens the scale. Warm-up windows are
 *       learned raw: there is no scale worth clipping to yet.</li>
 * </ul>
 */
public final class CostDetector {

    /** Mean absolute deviation of a normal distribution is sigma * sqrt(2/pi). */
    static final double MEAN_ABS_DEVIATION_TO_SIGMA = Math.sqrt(Math.PI / 2);

    private final DetectorSettings settings;

    public CostDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    public DetectorSettings settings() {
        return settings;
    }

    public boolean isWarm(Baseline baseline) {
        return baseline.learnedWindows() >= settings.warmupWindows();
    }

    /** The cost the baseline expects for one window. */
    public double expected(Baseline baseline) {
        return baseline.level();
    }

    /** Robust sigma of one window's cost, never below the floor. */
    public double scale(Baseline baseline) {
        double robust = MEAN_ABS_DEVIATION_TO_SIGMA * baseline.meanAbsDeviation();
        double floor = settings.relativeFloor() * Math.abs(baseline.level()) + settings.absoluteFloor();
        return Math.max(robust, floor);
    }

    public double zScore(Baseline baseline, double value) {
        return (value - baseline.level()) / scale(baseline);
    }

    /** Score of a value in [0,1], or empty while the baseline is warming up. Does not learn. */
    public OptionalDouble score(Baseline baseline, double value) {
        if (!isWarm(baseline)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(scoreOf(zScore(baseline, value)));
    }

    /** The z to score mapping: monotone, 0 for z <= 0, approaching 1. */
    public double scoreOf(double z) {
        return 1.0 - Math.exp(-Math.max(z, 0.0) / settings.scoreScale());
    }

    public boolean isAnomalous(double score) {
        return score >= settings.anomalousScore();
    }

    /**
     * Learns one settled window, clipped to {@code level +/- clipSigmas * scale} once the baseline is warm so that
     * a single window, too high or too low, cannot drag the baseline far.
     */
    public void learn(Baseline baseline, double value) {
        double x = value;
        if (isWarm(baseline)) {
            double reach = settings.clipSigmas() * scale(baseline);
            x = Math.max(baseline.level() - reach, Math.min(x, baseline.level() + reach));
        }
        long n = baseline.learnedWindows() + 1;
        if (n == 1) {
            baseline.set(x, 0.0);
            return;
        }
        double levelWeight = Math.max(settings.alpha(), 1.0 / n);
        // The first deviation is observed at n = 2: weight it fully so the deviation is a plain mean in warm-up too.
        double deviationWeight = Math.max(settings.alpha(), 1.0 / (n - 1));
        double deviation = Math.abs(x - baseline.level());
        double level = baseline.level() + levelWeight * (x - baseline.level());
        double meanAbsDeviation = baseline.meanAbsDeviation()
                + deviationWeight * (deviation - baseline.meanAbsDeviation());
        baseline.set(level, meanAbsDeviation);
    }

    /**
     * Scores one final window and learns it: the whole detector for a series of final values in order, as the NAB
     * benchmark feeds it. Empty during warm-up.
     */
    public OptionalDouble observe(Baseline baseline, double value) {
        OptionalDouble score = score(baseline, value);
        learn(baseline, value);
        return score;
    }
}
