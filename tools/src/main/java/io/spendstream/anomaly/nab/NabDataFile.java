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
 * One NAB data series ({@code data/<category>/<file>.csv}, {@code timestamp,value}) in file order, which is the order
 * NAB feeds detectors and scores rows in (a few files repeat a timestamp around a DST change; NAB keeps them as
 * they are, so do we). The texts are kept so the per-row output repeats the input exactly.
 *
 * @param key NAB's key of the series, {@code <category>/<file>.csv}
 */
public record NabDataFile(String key, List<String> timestampTexts, List<LocalDateTime> timestamps,
        List<String> valueTexts, double[] values) {

    public static NabDataFile read(Path file, String key) throws IOException {
        List<String> timestampTexts = new ArrayList<>();
        List<LocalDateTime> timestamps = new ArrayList<>();
        List<String> valueTexts = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvHeader header = CsvHeader.of(reader.readLine(), file);
            int timestampColumn = header.column("timestamp");
            int valueColumn = header.column("value");
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                timestampTexts.add(cells[timestampColumn].trim());
                timestamps.add(NabTime.parse(cells[timestampColumn]));
                valueTexts.add(cells[valueColumn].trim());
                values.add(Double.parseDouble(cells[valueColumn]));
            }
        }
        return new NabDataFile(key, List.copyOf(timestampTexts), List.copyOf(timestamps), List.copyOf(valueTexts),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public int size() {
        return values.length;
    }

    /** The first {@code rows} rows: what a detector had seen by then. */
    public NabDataFile head(int rows) {
        double[] headValues = new double[rows];
        System.arraycopy(values, 0, headValues, 0, rows);
        return new NabDataFile(key, timestampTexts.subList(0, rows), timestamps.subList(0, rows),
                valueTexts.subList(0, rows), headValues);
    }

    /** File name of the series, e.g. {@code nyc_taxi.csv}. */
    public String fileName() {
        return key.substring(key.indexOf('/') + 1);
    }

    public String category() {
        return key.substring(0, key.indexOf('/'));
    }
}
