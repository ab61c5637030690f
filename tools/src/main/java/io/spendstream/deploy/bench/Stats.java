package io.spendstream.deploy.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians over repeats and nearest-rank percentiles of latencies. */
final class Stats {

    private Stats() {
    }

    /** The median (mean of the middle two for an even count); NaN when empty. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * How far the repeats lie apart: (largest - smallest) / median, in percent; 0 for one value, NaN when empty. The
     * table prints it beside every median of repeats, so a difference smaller than the spread reads as noise.
     */
    static double spreadPercent(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double median = median(values);
        return 100 * (Collections.max(values) - Collections.min(values)) / median;
    }

    /** Nearest-rank percentile ({@code p} in (0, 100]): the smallest value with at least p% of values at or below. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
