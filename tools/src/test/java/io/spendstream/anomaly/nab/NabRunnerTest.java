package io.spendstream.anomaly.nab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.anomaly.detector.DetectorSettings;

class NabRunnerTest {

    /** The shortest NAB series (1,127 rows, 4 windows). */
    private static final String SHORT_SERIES = "realTraffic/speed_7578.csv";

    private static Path nab;
    private static NabLabels labels;

    @TempDir
    Path out;

    @BeforeAll
    static void loadNab() throws IOException {
        nab = NabDataDirectory.find();
        labels = NabLabels.load(nab.resolve("labels/combined_windows.json"));
    }

    @Test
    void shouldWriteOneResultRowPerDataRowInNabsFormat() throws IOException {
        Path dataFile = nab.resolve("data").resolve(SHORT_SERIES);
        NabDataFile data = NabDataFile.read(dataFile, SHORT_SERIES);

        NabSweep sweep = NabRunner.runOne(dataFile, NabDetector.PRODUCTION, DetectorSettings.defaults(), labels,
                out);

        Path written = out.resolve("realTraffic").resolve("spendstream_speed_7578.csv");
        List<String> lines = Files.readAllLines(written);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
        assertThat(lines).hasSize(data.size() + 1);
        List<String> input = Files.readAllLines(dataFile);
        int labelled = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            assertThat(cells).hasSize(4);
            // timestamp and value exactly as the input row has them
            assertThat(cells[0] + "," + cells[1]).isEqualTo(input.get(i));
            assertThat(Double.parseDouble(cells[2])).isBetween(0.0, 1.0);
            assertThat(cells[3]).isIn("0", "1");
            labelled += cells[3].equals("1") ? 1 : 0;
        }
        assertThat(labelled).isEqualTo(rowsInWindows(data));
        assertThat(sweep.windowCount()).isEqualTo(4);
        assertThat(sweep.series().scores()).containsExactly(NabDetector.PRODUCTION.score(data));
    }

    @Test
    void shouldNotLookAheadScoresOfEarlierRowsDoNotChangeWhenLaterRowsAreRemoved() throws IOException {
        NabDataFile data = NabDataFile.read(nab.resolve("data").resolve(SHORT_SERIES), SHORT_SERIES);
        int k = 600;

        for (NabDetector detector : NabDetector.values()) {
            double[] full = detector.score(data);
            double[] truncated = detector.score(data.head(k));

            assertThat(truncated).containsExactly(Arrays.copyOf(full, k));
            // and the detector does score the rows in question (not all zeros of the warm-up). Most ordinary rows
            // score 0 (no deviation beyond the daily profile), and since the shape model an ordinary row of a
            // familiar context does too: 149 of these 600 rows score above 0 with it (more than 150 without).
            assertThat(Arrays.stream(truncated).filter(s -> s > 0).count()).isGreaterThan(k / 5);
        }
    }

    @Test
    void shouldRunTheWholeBenchmarkAndPrintTheScorerCheckAndEveryCategory() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int exit = NabRunner.run(nab, out, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String report = buffer.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(report).contains("scorer check: numenta realAWSCloudwatch 73.4 (published 73.4), "
                + "windowedGaussian 31.2 (published 31.2)\n");
        for (NabDetector detector : NabDetector.values()) {
            assertThat(report).contains("detector " + detector.detectorName() + ": ");
        }
        assertThat(report.lines().filter(l -> l.trim().startsWith("realAWSCloudwatch")).count()).isEqualTo(2);
        assertThat(report.lines().filter(l -> l.trim().startsWith("overall")).count()).isEqualTo(2);
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(p -> p.toString().endsWith(".csv")).count())
                    .isEqualTo(2L * NabResultFiles.dataFiles(nab).size());
        }
    }

    private static int rowsInWindows(NabDataFile data) {
        int rows = 0;
        for (var t : data.timestamps()) {
            for (NabWindow window : labels.windowsOf(data.key())) {
                if (!t.isBefore(window.start()) && !t.isAfter(window.end())) {
                    rows++;
                    break;
                }
            }
        }
        return rows;
    }
}
