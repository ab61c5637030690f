package io.spendstream.anomaly.nab;

import java.util.Arrays;
import java.util.List;

/**
 * NAB's scoring of per-row anomaly scores, reproduced exactly from NAB v1.1 ({@code nab/sweeper.py},
 * {@code nab/optimizer.py}, {@code nab/runner.py#normalize}):
 * <ol>
 *   <li>each series is swept once ({@link NabSweep}: probation, windows, sigmoid worth of every row);</li>
 *   <li>one threshold per profile for the whole set of series: every distinct anomaly score is tried as the
 *       threshold, highest first, and the best total wins (the highest threshold on a tie, as NAB's stable sort
 *       gives); a row detects when its score is at least the threshold;</li>
 *   <li>the total of a threshold: per window the TP weight times the worth of its earliest scored detection, or
 *       minus the FN weight if none (windows with no scored row, i.e. all in probation, count neither way), plus
 *       the FP weight times the worth of every scored detection outside windows;</li>
 *   <li>normalised against the null detector (every row 0.5, scored the same way, at its own best threshold) and
 *       the perfect one (TP weight times all labelled windows).</li>
 * </ol>
 * Stateless; the scores of a set depend on which series are in it, since the threshold is chosen for the set.
 */
public final class NabScorer {

    /** NAB's first threshold, above any score: nothing detected. */
    public static final double NOTHING_DETECTED = 1.1;
    /** What NAB's null detector scores every row. */
    static final double NULL_DETECTOR_SCORE = 0.5;

    private NabScorer() {
    }

    /** The set's score at the threshold that maximises it, normalised against the null and perfect detectors. */
    public static NabScore score(List<NabSweep> sweeps, NabProfile profile) {
        double[] best = optimise(sweeps, profile);
        double nullScore = optimise(sweeps.stream().map(NabScorer::asNullDetector).toList(), profile)[1];
        int windows = sweeps.stream().mapToInt(NabSweep::windowCount).sum();
        return new NabScore(profile.name(), best[0], best[1], nullScore, profile.tpWeight() * windows, windows);
    }

    /** The raw (not normalised) score of the set at a given threshold. */
    public static double rawScoreAt(List<NabSweep> sweeps, NabProfile profile, double threshold) {
        Tally tally = new Tally(sweeps, profile);
        for (int s = 0; s < sweeps.size(); s++) {
            NabSweep sweep = sweeps.get(s);
            double[] scores = sweep.series().scores();
            for (int row = sweep.probationRows(); row < sweep.size(); row++) {
                if (scores[row] >= threshold) {
                    tally.detect(s, row);
                }
            }
        }
        return tally.total;
    }

    /** {@code {threshold, raw}} of the best threshold. */
    private static double[] optimise(List<NabSweep> sweeps, NabProfile profile) {
        long[] rows = scoredRows(sweeps);
        double[] rowScores = new double[rows.length];
        Integer[] order = new Integer[rows.length];
        for (int k = 0; k < rows.length; k++) {
            rowScores[k] = scoreOf(sweeps, rows[k]);
            order[k] = k;
        }
        // Highest score first; rows of one score are applied together, as one threshold.
        Arrays.sort(order, (a, b) -> Double.compare(rowScores[b], rowScores[a]));
        Tally tally = new Tally(sweeps, profile);
        double bestThreshold = NOTHING_DETECTED;
        double bestTotal = tally.total;
        int k = 0;
        while (k < order.length) {
            double threshold = rowScores[order[k]];
            while (k < order.length && rowScores[order[k]] == threshold) {
                long row = rows[order[k]];
                tally.detect(seriesOf(row), rowOf(row));
                k++;
            }
            if (tally.total > bestTotal) {
                bestTotal = tally.total;
                bestThreshold = threshold;
            }
        }
        return new double[] {bestThreshold, bestTotal};
    }

    /** Scored (post-probation) rows of all series, each packed as series index and row index. */
    private static long[] scoredRows(List<NabSweep> sweeps) {
        int count = 0;
        for (NabSweep sweep : sweeps) {
            count += sweep.size() - sweep.probationRows();
        }
        long[] rows = new long[count];
        int k = 0;
        for (int s = 0; s < sweeps.size(); s++) {
            NabSweep sweep = sweeps.get(s);
            for (int row = sweep.probationRows(); row < sweep.size(); row++) {
                rows[k++] = ((long) s << 32) | row;
            }
        }
        return rows;
    }

    private static int seriesOf(long packed) {
        return (int) (packed >>> 32);
    }

    private static int rowOf(long packed) {
        return (int) packed;
    }

    private static double scoreOf(List<NabSweep> sweeps, long packed) {
        return sweeps.get(seriesOf(packed)).series().scores()[rowOf(packed)];
    }

    private static NabSweep asNullDetector(NabSweep sweep) {
        double[] half = new double[sweep.size()];
        Arrays.fill(half, NULL_DETECTOR_SCORE);
        return sweep.withScores(half);
    }

    /**
     * The running total while detections are added: starts with every window that has a scored row missed, then
     * each detection adds its false-positive worth or raises its window to its worth if that is better (earlier).
     */
    private static final class Tally {

        private final List<NabSweep> sweeps;
        private final NabProfile profile;
        private final double[][] windowWorth;
        private double total;

        Tally(List<NabSweep> sweeps, NabProfile profile) {
            this.sweeps = sweeps;
            this.profile = profile;
            this.windowWorth = new double[sweeps.size()][];
            for (int s = 0; s < sweeps.size(); s++) {
                NabSweep sweep = sweeps.get(s);
                windowWorth[s] = new double[sweep.windowCount()];
                Arrays.fill(windowWorth[s], Double.NaN);
                for (int row = sweep.probationRows(); row < sweep.size(); row++) {
                    int window = sweep.windowOf(row);
                    if (window != NabSweep.OUTSIDE && Double.isNaN(windowWorth[s][window])) {
                        windowWorth[s][window] = -profile.fnWeight();
                        total -= profile.fnWeight();
                    }
                }
            }
        }

        void detect(int s, int row) {
            NabSweep sweep = sweeps.get(s);
            int window = sweep.windowOf(row);
            if (window == NabSweep.OUTSIDE) {
                total += profile.fpWeight() * sweep.worth(row);
                return;
            }
            double worth = profile.tpWeight() * sweep.worth(row);
            if (worth > windowWorth[s][window]) {
                total += worth - windowWorth[s][window];
                windowWorth[s][window] = worth;
            }
        }
    }
}
