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
 *   <li><b>Scale</b>: {@code sqrt(pi/2) * max(meanAbsDeviation, spread)}, at least
 *       {@code relativeFloor * |level| + absoluteFloor}. {@code sqrt(pi/2) = 1.2533} turns a mean absolute deviation
 *       into a normal sigma. {@code spread} is the same deviation learned slowly ({@code spreadAlpha}) and unclipped:
 *       the long-run spread of the series, bursts included. Without it a series that sits at zero between bursts
 *       (disk writes, batch jobs) collapses its scale to the absolute floor and scores the next burst z = 10^14.</li>
 *   <li><b>Peak calibration</b>: z is scored relative to how far the series' own learned windows usually stray:
 *       {@code surprise = z * peakFloor / max(peakFloor, peakMargin * peakZ)}, where {@code peakZ} is the decaying
 *       peak of the z-scores learned ({@code peakZ = max(peakDecay * peakZ, min(z, peakCap))}). A steady series
 *       never gets near {@code peakFloor} (the anomalous z) and scores plain z; a series whose windows regularly
 *       reach z 20 needs more than z 25 to be anomalous: bursty series stop paging on every burst, and scores of
 *       different series become comparable, which a single global threshold (NAB's, and the app's) needs. The
 *       windows of an excursion (anomalous windows in a row) join the peak only when it ends, so an incident does
 *       not calibrate itself away while it lasts.</li>
 *   <li><b>Score</b>: {@code score = 1 - exp(-surprise / k)} with only rises counted ({@code max(z, 0)}), or drops
 *       too ({@code |z|}) when {@code twoSided}. Score 0.99 is a surprise of 4.6 k, 0.9 is 2.3 k, 0.9975 is 6 k.</li>
 *   <li><b>Warm-up</b>: no score until {@code warmupWindows} windows were learned.</li>
 *   <li><b>Robustness</b>: once warm, every window is learned clipped to {@code level +/- clipSigmas * scale}
 *       (Huber-style, both ways): an incident learned high, or a window learned low because part of its data had not
 *       arrived yet, moves the level by at most {@code alpha * clipSigmas} sigma. A lasting level shift is still
 *       adopted, after some tens of windows, because each clipped window also widens the scale. Warm-up windows are
 *       learned raw: there is no scale worth clipping to yet. Only the slow spread and the peak see the unclipped
 *       value: they exist to remember that the series has bursts.</li>
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

    /** Robust sigma of one window's cost: the larger of the recent and the long-run one, never below the floor. */
    public double scale(Baseline baseline) {
        double robust = MEAN_ABS_DEVIATION_TO_SIGMA * Math.max(baseline.meanAbsDeviation(), baseline.spread());
        double floor = settings.relativeFloor() * Math.abs(baseline.level()) + settings.absoluteFloor();
        return Math.max(robust, floor);
    }

    /** Signed z of a value against the baseline. */
    public double zScore(Baseline baseline, double value) {
        return (value - baseline.level()) / scale(baseline);
    }

    /** The z that counts: {@code max(z, 0)}, or {@code |z|} when drops score too. Never negative. */
    public double deviationZ(Baseline baseline, double value) {
        double z = zScore(baseline, value);
        return settings.twoSided() ? Math.abs(z) : Math.max(z, 0.0);
    }

    /** The counted z relative to the series' own peak: the plain z while the peak (with margin) is below the floor. */
    public double surprise(Baseline baseline, double value) {
        double reference = Math.max(settings.peakFloor(), settings.peakMargin() * baseline.peakZ());
        return deviationZ(baseline, value) * settings.peakFloor() / reference;
    }

    /** Score of a value in [0,1], or empty while the baseline is warming up. Does not learn. */
    public OptionalDouble score(Baseline baseline, double value) {
        if (!isWarm(baseline)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(scoreOf(surprise(baseline, value)));
    }

    /** The surprise to score mapping: monotone, 0 for values <= 0, approaching 1. */
    public double scoreOf(double z) {
        return 1.0 - Math.exp(-Math.max(z, 0.0) / settings.scoreScale());
    }

    public boolean isAnomalous(double score) {
        return score >= settings.anomalousScore();
    }

    /**
     * Learns one settled window, clipped to {@code level +/- clipSigmas * scale} once the baseline is warm so that
     * a single window, too high or too low, cannot drag the baseline far. The slow spread learns the unclipped
     * deviation and, once warm, the peak the window's z (capped), both measured before the update.
     */
    public void learn(Baseline baseline, double value) {
        double x = value;
        boolean warm = isWarm(baseline);
        double peakZ = baseline.peakZ();
        double excursionPeakZ = baseline.excursionPeakZ();
        if (warm) {
            double reach = settings.clipSigmas() * scale(baseline);
            x = Math.max(baseline.level() - reach, Math.min(x, baseline.level() + reach));
            double z = Math.min(deviationZ(baseline, value), settings.peakCap());
            peakZ *= settings.peakDecay();
            if (surprise(baseline, value) >= anomalousSurprise()) {
                // Part of an excursion: remembered, but calibrates the score only once the excursion is over.
                excursionPeakZ = Math.max(excursionPeakZ, z);
            } else {
                peakZ = Math.max(peakZ, Math.max(excursionPeakZ, z));
                excursionPeakZ = 0.0;
            }
        }
        long n = baseline.learnedWindows() + 1;
        if (n == 1) {
            baseline.set(x, 0.0, 0.0, 0.0, 0.0);
            return;
        }
        double levelWeight = Math.max(settings.alpha(), 1.0 / n);
        // The first deviation is observed at n = 2: weight it fully so the deviation is a plain mean in warm-up too.
        double deviationWeight = Math.max(settings.alpha(), 1.0 / (n - 1));
        // The spread starts as the warm-up's mean deviation and then only moves slowly: a running mean over the
        // first few hundred windows would let the first incident widen the scale by a large fraction of its size.
        double spreadWeight = warm ? settings.spreadAlpha() : 1.0 / (n - 1);
        double deviation = Math.abs(x - baseline.level());
        double rawDeviation = Math.abs(value - baseline.level());
        double level = baseline.level() + levelWeight * (x - baseline.level());
        double meanAbsDeviation = baseline.meanAbsDeviation()
                + deviationWeight * (deviation - baseline.meanAbsDeviation());
        double spread = baseline.spread() + spreadWeight * (rawDeviation - baseline.spread());
        baseline.set(level, meanAbsDeviation, spread, peakZ, excursionPeakZ);
    }

    /** The surprise at which the score reaches the anomalous score: 6 with the defaults. */
    public double anomalousSurprise() {
        return -settings.scoreScale() * Math.log(1.0 - settings.anomalousScore());
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
