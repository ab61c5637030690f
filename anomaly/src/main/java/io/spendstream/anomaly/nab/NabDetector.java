package io.spendstream.anomaly.nab;

import java.util.OptionalDouble;

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.DetectorSettings;

/**
 * The production detector as the NAB benchmark runs it: one {@link CostDetector} with
 * {@link DetectorSettings#defaults()} and a fresh {@link Baseline} per series, fed the rows in file order, each row
 * scored against what was learned from the rows before it and then learned ({@link CostDetector#observe}). No
 * look-ahead, no per-series setting. Rows of the warm-up score 0 (NAB's probation covers them anyway).
 *
 * <p>Two ways to turn the detector's z into a score, one configuration each for every series:
 * <ul>
 *   <li>{@link #PRODUCTION}: the production score, {@code 1 - exp(-max(z, 0))}: only rises count, because a cost
 *       detector pages on spend going up.</li>
 *   <li>{@link #TWO_SIDED}: {@code 1 - exp(-|z|)} on the same baseline. NAB's series (temperatures, traffic speed,
 *       CPU) also fail by dropping; the baseline and its clipping are symmetric already, so the two-sided z is the
 *       one principled change that lets the same detector see drops. It is an experiment for the benchmark, not
 *       what the stream app runs.</li>
 * </ul>
 */
public enum NabDetector {

    PRODUCTION("spendstream", "CostDetector, DetectorSettings.defaults(), score 1 - exp(-max(z, 0)) (production: rises only)"),
    TWO_SIDED("spendstreamTwoSided", "CostDetector, DetectorSettings.defaults(), score 1 - exp(-|z|) (rises and drops)");

    private final String detectorName;
    private final String description;

    NabDetector(String detectorName, String description) {
        this.detectorName = detectorName;
        this.description = description;
    }

    /** The name in result file names: {@code <detectorName>_<file>.csv}, as NAB names them. */
    public String detectorName() {
        return detectorName;
    }

    public String description() {
        return description;
    }

    /** Scores a series row by row in order; row i's score depends on rows 0..i only. */
    public double[] score(double[] values) {
        CostDetector detector = new CostDetector(DetectorSettings.defaults());
        Baseline baseline = Baseline.empty();
        double[] scores = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            scores[i] = scoreAndLearn(detector, baseline, values[i]);
        }
        return scores;
    }

    private double scoreAndLearn(CostDetector detector, Baseline baseline, double value) {
        if (this == PRODUCTION) {
            OptionalDouble score = detector.observe(baseline, value);
            return score.orElse(0.0);
        }
        double score = detector.isWarm(baseline) ? detector.scoreOf(Math.abs(detector.zScore(baseline, value))) : 0.0;
        detector.learn(baseline, value);
        return score;
    }
}
