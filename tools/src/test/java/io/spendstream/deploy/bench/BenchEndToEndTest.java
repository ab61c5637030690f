package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.anomaly.gate.AlertGateSettings;

/**
 * The benchmark at a tiny size, end to end: embedded broker, every app as its own JVM, every phase. Checks that the
 * table and the JSON hold every figure with sane values, not the values themselves (they depend on the machine).
 */
class BenchEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void shouldProduceEveryFigureOfATinyRunInTheTableAndTheJson() throws Exception {
        // CI's quick mode: every phase 2 s under load before it is measured, then two windows of 2 s; the alert
        // gate's group wait 1 s instead of 15 (the latency phase waits for the alert).
        // 2,040 input events a minute: the phases' top-ups stay within the hours before the clock (ingest
        // dead-letters rows from the future).
        BenchSettings settings = new BenchSettings(null, null, dir.resolve("bench"), 2000, 40, 1, 2,
                Duration.ofSeconds(2), Duration.ofSeconds(4), 2, Duration.ofSeconds(4), 1, Duration.ofMillis(500),
                "256m", List.of("-XX:TieredStopAtLevel=1", "-XX:+PrintCommandLineFlags"), false,
                Map.of(AlertGateSettings.GROUP_WAIT, "1s"), null);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchResults results;
        try {
            results = new Bench(settings, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
        } finally {
            // In the test's report: where a slow or failed run spent its time.
            System.out.print(progress.toString(StandardCharsets.UTF_8));
        }
        BenchReport report = BenchReport.of(results, settings);

        assertEquals(2000 * 1 + 40 * 1 + 40, results.inputEvents, "one row per resource and one APM summary per service "
                + "per minute, plus the alert service's 40 minutes of history");
        Map<String, String> keys = Map.of("pass-through (ceiling)", "passthrough/passthrough", "ingest alone",
                "alone/ingest", "enrich alone", "alone/enrich", "attribution alone", "alone/attribution",
                "anomaly alone", "alone/anomaly", "full pipeline", "full/pipeline");
        for (String figure : List.of("pass-through (ceiling)", "ingest alone", "enrich alone", "attribution alone",
                "anomaly alone", "full pipeline")) {
            BenchReport.Row row = row(report, figure);
            assertTrue(row.value() > 0 && Double.isFinite(row.value()), figure + " has a rate: " + row);
            assertTrue(row.ratio() > 0, figure + " has a ratio to the pass-through: " + row);
            // On a busy machine a tiny run's generator can fall behind its app: such a window is said and left out.
            int ranOut = results.inputRanOut.getOrDefault(keys.get(figure), 0);
            assertEquals(2 - ranOut, row.samples().size(), figure + ": one sample per window whose input lasted, "
                    + "none of the warm-up: " + row);
            assertEquals(Stats.median(row.samples()), row.value(), figure + ": the median of its windows: " + row);
        }
        assertEquals(0, results.inputRanOut.getOrDefault("passthrough/passthrough", 0),
                "the pass-through's loop never runs out");
        for (String latency : List.of("pass-through append -> output", "input append -> spend.cost",
                "input append -> spend.cost.attributed", "input append -> spend.unit-cost",
                "input append -> spend.anomalies", "input append -> spend.alerts",
                "by app ingest: input append -> spend.cost", "by app enrich: spend.cost -> spend.cost.attributed",
                "by app attribution: spend.cost.attributed -> spend.unit-cost")) {
            double p50 = row(report, "latency " + latency + " p50").value();
            double p95 = row(report, "latency " + latency + " p95").value();
            double p99 = row(report, "latency " + latency + " p99").value();
            assertTrue(p50 >= 0 && p50 <= p95 && p95 <= p99, latency + ": p50 <= p95 <= p99, got " + p50 + ", "
                    + p95 + ", " + p99);
        }
        for (String app : List.of("pass-through", "ingest (full pipeline)", "anomaly (full pipeline)")) {
            assertTrue(row(report, "heap peak (before GC) " + app).value() > 0, "heap of " + app);
            assertTrue(row(report, "heap live (full GC at a phase's end) " + app).value() > 0,
                    "live heap of " + app);
            assertTrue(row(report, "RSS peak (VmHWM) " + app).value() > 0, "RSS of " + app);
        }

        // A probe reaches each app's output in pipeline order.
        assertTrue(row(report, "latency input append -> spend.cost p50").value()
                <= row(report, "latency input append -> spend.cost.attributed p50").value()
                && row(report, "latency input append -> spend.cost.attributed p50").value()
                <= row(report, "latency input append -> spend.unit-cost p50").value(), "ingest, enrich, attribution");
        // A spike opens its anomaly first; its alert follows (after the alert gate's group wait).
        assertTrue(row(report, "latency input append -> spend.anomalies p50").value()
                <= row(report, "latency input append -> spend.alerts p50").value(), "anomaly before alert");

        String log = progress.toString(StandardCharsets.UTF_8);
        // Shifted copies lie hours ahead of the clock: an app that refused them dead-lettered each with an ERROR line.
        assertFalse(log.contains(Bench.APP_ERRORS_WARNING), "no app logged an ERROR while benchmarked: " + log);
        assertTrue(log.contains("Pass-through input: ") && log.contains(" a loop "), "the pass-through's loop: " + log);
        assertTrue(log.matches("(?s).*  full pipeline +window 1 .*; offsets committed: ingest [0-9,]+ enrich [0-9,]+ "
                + "attribution [0-9,]+ anomaly [0-9,]+\\).*"), "each app's progress in a pipeline window: " + log);
        results.inputRanOut.forEach((phase, windows) -> assertTrue(log.contains("INPUT RAN OUT in this window"),
                phase + " ran out and says so: " + log));
        for (String phase : List.of("pass-through", "ingest alone", "anomaly alone", "full pipeline")) {
            for (String run : List.of("warm-up", "window 1", "window 2")) {
                assertTrue(log.matches("(?s).*  " + phase + " +" + run + " .*"), phase + " " + run + ": " + log);
            }
        }
        for (String app : List.of("ingest", "enrich", "attribution", "anomaly")) {
            assertTrue(log.matches("(?s).*each app while loaded.*\n    " + app + " +[0-9,]+ commits \\(.*"),
                    "the latency phase says how long each app's commits waited on Kafka: " + log);
        }
        assertTrue(log.contains("behind (offsets not yet committed as processed): ingest "),
                "the latency phase says how far behind each app is: " + log);
        assertTrue(log.matches("(?s).*Wall time \\d+ s: set-up and pre-load \\d+ s, .*app start-up \\d+ s, warm-up "
                + "\\d+ s, .*measured \\d+ s.*latency \\d+ s.*"), "the run says where its time went: " + log);

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
        String printed = table.toString(StandardCharsets.UTF_8);
        report.rows().forEach(row -> assertTrue(printed.contains(row.figure()), "table shows " + row.figure()));
        // A tiny run is neither compiled nor sustained: every phase gets its verdict, and says so.
        assertEquals(6, report.steady().size(), report.steady().toString());
        assertTrue(printed.matches("(?s).*Steady state .*  full pipeline +JIT .*measured .* \\(too short\\).*"),
                printed);

        Path json = dir.resolve("bench.json");
        report.writeJson(json);
        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertEquals(report.rows().size(), written.get("figures").size());
        assertEquals(6, written.get("steadyState").size());
        assertFalse(written.get("steadyState").get(0).get("sustained").asBoolean(), "a tiny run is not sustained");
        assertEquals(results.inputEvents, written.get("workload").get("inputEvents").asLong());
        assertTrue(written.get("figures").get(0).get("value").asDouble() > 0, "JSON carries the values");
        assertEquals("-XX:TieredStopAtLevel=1", written.get("machine").get("appJavaOptions").get(0).asText());
        String childLog = Files.readString(dir.resolve("bench/logs/anomaly.log"));
        assertTrue(childLog.contains("-XX:TieredStopAtLevel=1"), "the app JVMs get --app-java-option: " + childLog);
        assertTrue(log.matches("(?s).*attribution alone .*; CPU [0-9.]+ s: app [0-9.]+, JIT [0-9.]+, GC [0-9.]+; "
                + "broker and bench [0-9.]+ s\\).*"), "each throughput line says where the CPU went while measured: "
                + log);
        assertTrue(written.get("cpuWhileMeasured").has("full/" + Bench.BENCH_CPU), "the broker's CPU is booked too");
        assertEquals(3, written.get("cpuWhileMeasured").get("alone/attribution").get(0).size());
        assertEquals(2, written.get("cpuWhileMeasured").get("alone/attribution").size(), "one per window");
        assertTrue(row(report, "app+GC CPU per record, enrich alone").samples().size() == 2, "CPU per record");
        assertTrue(written.get("figures").get(0).has("spreadPercent"), "the spread of the windows");
        assertEquals(4.0, written.get("workload").get("measureSeconds").asDouble());
        // Every phase outruns a tiny pre-load: some top up their input in their warm-up (generated rows for the raw
        // topics, shifted copies of the app before's output for the others), in time or not.
        JsonNode topUps = written.get("workload").get("topUpRecords");
        assertEquals(6, topUps.size(), topUps.toString());
        long added = 0;
        for (JsonNode phase : topUps) {
            added += phase.asLong();
        }
        assertTrue(added > 0, "inputs were topped up: " + written.get("workload"));
        assertTrue(written.get("cpuWhileMeasured").has("full/anomaly"), written.get("cpuWhileMeasured").toString());
        // NaN when the JVMs used no measurable CPU (10 ms ticks) in a run this small.
        assertFalse(row(report, "JIT compiler share of CPU while measured, full pipeline").value() < 0);
        // The full pipeline's CPU per input event app by app, each over its own progress, and their sum.
        List<Double> sum = row(report, "app+GC CPU per input event, full pipeline, sum over own progress")
                .samples();
        assertEquals(row(report, "full pipeline").samples().size(), sum.size(), "one per counted window");
        for (int window = 0; window < sum.size(); window++) {
            double apps = 0;
            for (String app : List.of("ingest", "enrich", "attribution", "anomaly")) {
                apps += row(report, "app+GC CPU per input event, " + app + " in full pipeline (own progress)")
                        .samples().get(window);
            }
            assertEquals(apps, sum.get(window), 1e-9, "window " + window + ": the sum of the apps' figures");
        }
    }

    private static BenchReport.Row row(BenchReport report, String prefix) {
        return report.rows().stream().filter(r -> r.figure().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no figure " + prefix + " in " + report.rows()));
    }
}
