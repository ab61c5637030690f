package io.spendstream.anomaly.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector's output for one NAB series: the row timestamps in file order and the anomaly score of each row, as a
 * per-row result file ({@code timestamp,value,anomaly_score,label}) holds them. This is all the scorer needs; the
 * value and label columns are for people and plots (labels come from {@link NabLabels}).
 *
 * @param key NAB's key of the series, {@code <category>/<file>.csv}
 */
public record NabSeries(String key, List<LocalDateTime> timestamps, double[] scores) {

    public NabSeries {
        if (timestamps.size() != scores.length) {
            throw new IllegalArgumentException(key + ": " + timestamps.size() + " timestamps but " + scores.length
                    + " scores");
        }
    }

    public static NabSeries readResultFile(Path file, String key) throws IOException {
        List<LocalDateTime> timestamps = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvHeader header = CsvHeader.of(reader.readLine(), file);
            int timestampColumn = header.column("timestamp");
            int scoreColumn = header.column("anomaly_score");
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                timestamps.add(NabTime.parse(cells[timestampColumn]));
                scores.add(Double.parseDouble(cells[scoreColumn]));
            }
        }
        return new NabSeries(key, List.copyOf(timestamps), scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public int size() {
        return scores.length;
    }

    public String category() {
        return key.substring(0, key.indexOf('/'));
    }

    /** The same rows with other scores: the null detector is every row at 0.5. */
    public NabSeries withScores(double[] otherScores) {
        return new NabSeries(key, timestamps, otherScores);
    }
}
