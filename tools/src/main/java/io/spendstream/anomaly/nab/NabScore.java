package io.spendstream.anomaly.nab;

/**
 * A detector's NAB score on a set of series for one profile, at the one threshold chosen for the whole set.
 *
 * @param threshold a row is a detection when its anomaly score is at least this; 1.1 (NAB's start value) when the
 *                  best is to detect nothing
 * @param raw       the summed weighted score: detected windows (earliest detection), missed windows, false positives
 * @param nullScore the raw score of NAB's null detector (every row 0.5) on the same set, at its own best threshold
 * @param perfect   TP weight times the number of labelled windows of the set
 * @param windows   labelled windows of the set
 */
public record NabScore(String profile, double threshold, double raw, double nullScore, double perfect, int windows) {

    /** {@code 100 * (raw - null) / (perfect - null)}: 0 is the null detector, 100 is perfect. */
    public double normalised() {
        return 100.0 * (raw - nullScore) / (perfect - nullScore);
    }
}
