package io.spendstream.anomaly.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** Synthetic NAB series for the scorer tests: rows every 5 minutes, windows given by row index. */
final class SyntheticSeries {

    static final LocalDateTime START = LocalDateTime.of(2020, 1, 1, 0, 0);

    private SyntheticSeries() {
    }

    static LocalDateTime at(int row) {
        return START.plusMinutes(5L * row);
    }

    static List<LocalDateTime> timestamps(int rows) {
        List<LocalDateTime> timestamps = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            timestamps.add(at(i));
        }
        return timestamps;
    }

    /** A window from row {@code first} to row {@code last}, both included. */
    static NabWindow window(int first, int last) {
        return new NabWindow(at(first), at(last));
    }

    /** A swept series of {@code rows} rows, all scoring 0 except the given rows, which score {@code score}. */
    static NabSweep sweep(String key, int rows, List<NabWindow> windows, double score, int... detectedRows) {
        double[] scores = new double[rows];
        for (int row : detectedRows) {
            scores[row] = score;
        }
        return NabSweep.of(new NabSeries(key, timestamps(rows), scores), windows);
    }
}
