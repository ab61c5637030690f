package io.spendstream.anomaly.nab;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.DetectorSettings;

/**
 * The production detector as the NAB benchmark runs it: one {@link CostDetector} and a fresh {@link Baseline} per
 * series, fed the rows in file order, each row scored against what was learned from the rows before it and then
 * learned ({@link CostDetector#observe}). No look-ahead, no per-series setting. Rows of the warm-up score 0 (NAB's
 * probation covers them anyway).
 *
 * <p>Two configurations, each one for every series:
 * <ul>
 *   <li>{@link #PRODUCTION}: exactly what the stream app runs, {@link DetectorSettings#defaults()}: rises and drops
 *       score ({@code two-sided}; the app raises a drop as a {@code COST_DROP} ticket). NAB's series
 *       (temperatures, traffic speed, CPU) fail by dropping too.</li>
 *   <li>{@link #RISES_ONLY}: the same with {@code twoSided} off ({@code spendstream.anomaly.two-sided=false}), for
 *       comparison: the app's configuration before drops were raised.</li>
 * </ul>
 * Both start from the production settings, which {@code spendstream nab --set KEY=VALUE} can override with the
 * app's own setting keys (a variant of the production configuration, still one for every series).
 */
public enum NabDetector {

    PRODUCTION("spendstream", "CostDetector, the production settings (rises and drops)") {
        @Override
        public DetectorSettings settings(DetectorSettings production) {
            return production;
        }
    },
    RISES_ONLY("spendstreamRisesOnly", "CostDetector, the production settings with two-sided=false (rises only)") {
        @Override
        public DetectorSettings settings(DetectorSettings production) {
            return production.withTwoSided(false);
        }
    };

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

    /**
     * The settings this detector runs, given the production ones ({@link DetectorSettings#defaults()}, or the
     * defaults with the overrides {@code spendstream nab --set} was given).
     */
    public abstract DetectorSettings settings(DetectorSettings production);

    /**
     * Scores a series row by row in order; row i's score depends on rows 0..i only. The timestamps (NAB's are UTC
     * wall-clock times) place each row in the detector's daily profile.
     */
    public double[] score(List<LocalDateTime> timestamps, double[] values, DetectorSettings production) {
        if (timestamps.size() != values.length) {
            throw new IllegalArgumentException(timestamps.size() + " timestamps for " + values.length + " values");
        }
        CostDetector detector = new CostDetector(settings(production));
        Baseline baseline = detector.newBaseline();
        double[] scores = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            long millis = timestamps.get(i).toInstant(ZoneOffset.UTC).toEpochMilli();
            scores[i] = detector.observe(baseline, millis, values[i]).orElse(0.0);
        }
        return scores;
    }

    /** Scores a data file with the production defaults: {@link #score(List, double[], DetectorSettings)}. */
    public double[] score(NabDataFile data) {
        return score(data, DetectorSettings.defaults());
    }

    /** Scores a data file: {@link #score(List, double[], DetectorSettings)} of its rows. */
    public double[] score(NabDataFile data, DetectorSettings production) {
        return score(data.timestamps(), data.values(), production);
    }
}
