package io.spendstream.anomaly.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Per-row result files in NAB's layout and format ({@code timestamp,value,anomaly_score,label}, label 1 inside a
 * window): writes a detector's output as {@code <dir>/<category>/<detector>_<file>.csv}, and reads the published
 * ones, which NAB ships flat as {@code results/<detector>/<detector>_<file>.csv}.
 */
public final class NabResultFiles {

    static final String HEADER = "timestamp,value,anomaly_score,label";

    private NabResultFiles() {
    }

    /** Where a detector's output for a series goes under {@code outDir}. */
    public static Path pathOf(Path outDir, String detectorName, NabDataFile data) {
        return outDir.resolve(data.category()).resolve(detectorName + "_" + data.fileName());
    }

    /** Writes one series' scores; timestamps and values are repeated exactly as the data file has them. */
    public static Path write(Path outDir, String detectorName, NabDataFile data, double[] scores, NabSweep labels)
            throws IOException {
        Path file = pathOf(outDir, detectorName, data);
        Files.createDirectories(file.getParent());
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write(HEADER);
            writer.newLine();
            for (int i = 0; i < data.size(); i++) {
                // Double.toString round-trips exactly, so the scorer sees the very scores the detector produced.
                writer.write(data.timestampTexts().get(i) + "," + data.valueTexts().get(i) + ","
                        + Double.toString(scores[i]) + "," + (labels.inWindow(i) ? 1 : 0));
                writer.newLine();
            }
        }
        return file;
    }

    /**
     * The published per-row results of one detector, {@code results/<detector>/<detector>_<file>.csv}, each keyed
     * by the data category that holds a file of that name.
     */
    public static List<NabSeries> readPublished(Path nabDir, String detectorName) throws IOException {
        Path dir = nabDir.resolve("results").resolve(detectorName);
        String prefix = detectorName + "_";
        List<NabSeries> series = new ArrayList<>();
        for (Path file : sortedCsvFiles(dir)) {
            String fileName = file.getFileName().toString().substring(prefix.length());
            series.add(NabSeries.readResultFile(file, categoryOf(nabDir, fileName) + "/" + fileName));
        }
        return series;
    }

    /** The data files of every category, {@code data/<category>/*.csv}, in name order. */
    public static List<Path> dataFiles(Path nabDir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path category : sortedDirectories(nabDir.resolve("data"))) {
            files.addAll(sortedCsvFiles(category));
        }
        return files;
    }

    static String keyOf(Path dataFile) {
        return dataFile.getParent().getFileName() + "/" + dataFile.getFileName();
    }

    private static String categoryOf(Path nabDir, String fileName) throws IOException {
        for (Path category : sortedDirectories(nabDir.resolve("data"))) {
            if (Files.exists(category.resolve(fileName))) {
                return category.getFileName().toString();
            }
        }
        throw new IllegalArgumentException("No NAB data file " + fileName + " under " + nabDir.resolve("data"));
    }

    private static List<Path> sortedDirectories(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<Path> sortedCsvFiles(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
    }
}
