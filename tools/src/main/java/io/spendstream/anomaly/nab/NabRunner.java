package io.spendstream.anomaly.nab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.spendstream.anomaly.detector.DetectorSettings;

/**
 * The NAB quality benchmark of the production detector, what {@code spendstream nab} runs:
 * <ol>
 *   <li>checks the scorer: scores the published per-row results of numenta and windowedGaussian on
 *       realAWSCloudwatch and prints them next to the published 73.4 and 31.2;</li>
 *   <li>runs each {@link NabDetector} over every series of {@code data/} (rows in file order, no look-ahead, one
 *       configuration for all series) and writes {@code <outDir>/<category>/<detector>_<file>.csv};</li>
 *   <li>reads those files back, scores them with {@link NabScorer} and prints standard / low-FP / low-FN per
 *       category (threshold chosen for that category, as the published per-category numbers are) and overall
 *       (one threshold for all the series).</li>
 * </ol>
 * Reads only files under the NAB directory; writes only under {@code outDir}.
 */
public final class NabRunner {

    /** The published realAWSCloudwatch standard scores the scorer must reproduce (data/nab/README.md). */
    static final Map<String, Double> PUBLISHED_AWS_STANDARD = Map.of("numenta", 73.4, "windowedGaussian", 31.2);
    static final String CHECK_CATEGORY = "realAWSCloudwatch";
    /** Published scores are given to one decimal. */
    static final double CHECK_TOLERANCE = 0.1;

    private static final List<String> PROFILE_ORDER = List.of(NabProfile.STANDARD, NabProfile.LOW_FP, NabProfile.LOW_FN);

    private NabRunner() {
    }

    /**
     * Runs the benchmark and prints the report to {@code out}.
     *
     * @param nabDir the NAB directory ({@code data/}, {@code labels/}, {@code config/}, {@code results/})
     * @param outDir where the per-row result files go (created if missing)
     * @return 0, or 1 when the scorer check does not reproduce the published numbers (then no number it prints can
     *         be trusted)
     */
    public static int run(Path nabDir, Path outDir, PrintStream out) throws IOException {
        return run(nabDir, outDir, DetectorSettings.defaults(), out);
    }

    /**
     * {@link #run(Path, Path, PrintStream)} with other production settings (the defaults with overrides): a
     * variant, still one configuration for every series, printed with the report.
     */
    public static int run(Path nabDir, Path outDir, DetectorSettings production, PrintStream out)
            throws IOException {
        NabLabels labels = NabLabels.load(nabDir.resolve("labels").resolve("combined_windows.json"));
        List<NabProfile> profiles = NabProfile.load(nabDir.resolve("config").resolve("profiles.json"));
        NabProfile standard = NabProfile.named(profiles, NabProfile.STANDARD);

        double numenta = scorePublished(nabDir, "numenta", labels, standard);
        double gaussian = scorePublished(nabDir, "windowedGaussian", labels, standard);
        boolean reproduced = Math.abs(numenta - PUBLISHED_AWS_STANDARD.get("numenta")) <= CHECK_TOLERANCE
                && Math.abs(gaussian - PUBLISHED_AWS_STANDARD.get("windowedGaussian")) <= CHECK_TOLERANCE;
        out.println("NAB benchmark: " + nabDir.toAbsolutePath().normalize());
        out.printf(Locale.ROOT, "scorer check: numenta %s %.1f (published %.1f), windowedGaussian %.1f (published %.1f)%s%n",
                CHECK_CATEGORY, numenta, PUBLISHED_AWS_STANDARD.get("numenta"), gaussian,
                PUBLISHED_AWS_STANDARD.get("windowedGaussian"), reproduced ? "" : "  MISMATCH");

        if (!production.equals(DetectorSettings.defaults())) {
            out.println("production settings overridden: " + production);
        }
        List<Path> dataFiles = NabResultFiles.dataFiles(nabDir);
        for (NabDetector detector : NabDetector.values()) {
            List<NabSweep> sweeps = new ArrayList<>();
            for (Path dataFile : dataFiles) {
                sweeps.add(runOne(dataFile, detector, production, labels, outDir));
            }
            out.println();
            out.println("detector " + detector.detectorName() + ": " + detector.description());
            out.println("  per-row files: " + outDir.toAbsolutePath().normalize() + "/<category>/"
                    + detector.detectorName() + "_<file>.csv");
            printTable(sweeps, profiles, out);
        }
        return reproduced ? 0 : 1;
    }

    /** The normalised score, under one profile, of the published results of one detector on the check category. */
    static double scorePublished(Path nabDir, String detectorName, NabLabels labels, NabProfile profile)
            throws IOException {
        List<NabSweep> sweeps = new ArrayList<>();
        for (NabSeries series : NabResultFiles.readPublished(nabDir, detectorName)) {
            if (series.category().equals(CHECK_CATEGORY)) {
                sweeps.add(NabSweep.of(series, labels.windowsOf(series.key())));
            }
        }
        return NabScorer.score(sweeps, profile).normalised();
    }

    /**
     * Scores one data file with a detector, writes its per-row file, and returns the sweep of the file as written
     * (read back, so what is scored is exactly what a reader of the output would score).
     */
    static NabSweep runOne(Path dataFile, NabDetector detector, DetectorSettings production, NabLabels labels,
            Path outDir) throws IOException {
        String key = NabResultFiles.keyOf(dataFile);
        NabDataFile data = NabDataFile.read(dataFile, key);
        double[] scores = detector.score(data, production);
        List<NabWindow> windows = labels.windowsOf(key);
        NabSweep labelled = NabSweep.of(new NabSeries(key, data.timestamps(), scores), windows);
        Path written = NabResultFiles.write(outDir, detector.detectorName(), data, scores, labelled);
        return NabSweep.of(NabSeries.readResultFile(written, key), windows);
    }

    private static void printTable(List<NabSweep> sweeps, List<NabProfile> profiles, PrintStream out) {
        Map<String, List<NabSweep>> byCategory = new TreeMap<>();
        for (NabSweep sweep : sweeps) {
            byCategory.computeIfAbsent(sweep.series().category(), c -> new ArrayList<>()).add(sweep);
        }
        out.printf(Locale.ROOT, "  %-20s %5s %7s  %-20s  %-20s  %-20s%n", "set", "files", "windows",
                "standard (threshold)", "low-FP (threshold)", "low-FN (threshold)");
        for (Map.Entry<String, List<NabSweep>> category : byCategory.entrySet()) {
            printRow(category.getKey(), category.getValue(), profiles, out);
        }
        printRow("overall", sweeps, profiles, out);
    }

    private static void printRow(String name, List<NabSweep> set, List<NabProfile> profiles, PrintStream out) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-20s %5d %7d", name, set.size(),
                set.stream().mapToInt(NabSweep::windowCount).sum()));
        for (String profileName : PROFILE_ORDER) {
            NabScore score = NabScorer.score(set, NabProfile.named(profiles, profileName));
            row.append(String.format(Locale.ROOT, "  %6.1f (%-11s)", score.normalised(), threshold(score)));
        }
        out.println(row);
    }

    private static String threshold(NabScore score) {
        return score.threshold() == NabScorer.NOTHING_DETECTED ? "none" : String.format(Locale.ROOT, "%.6f",
                score.threshold());
    }
}
