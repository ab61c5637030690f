package io.spendstream.deploy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one table of a run (and the same as JSON): each figure, its unit, the repeats it is the median of, and its
 * ratio to the pass-through's figure of the same kind (throughput: app / pass-through, so 0.5x is half the ceiling;
 * latency and memory: app / pass-through, so 3x is three times the ceiling's latency or memory).
 */
public record BenchReport(Instant at, Map<String, Object> machine, Map<String, Object> workload, List<Row> rows,
        Map<String, List<CpuTime>> cpu, List<Steady> steady) {

    /** One line of the table. {@code samples} are the repeats (one value where the phase runs once). */
    public record Row(String figure, String unit, double value, Double ratio, List<Double> samples) {
    }

    /**
     * Whether a throughput phase measured the steady state (issue 18): the JIT compiler's share of its CPU while
     * measured (median over the repeats) below {@value #STEADY_JIT_PERCENT}%, and at least
     * {@value #STEADY_SECONDS} s of load measured (over its repeats).
     */
    public record Steady(String phase, double jitPercent, double measuredSeconds, int repeats) {

        public boolean compiled() {
            return jitPercent < STEADY_JIT_PERCENT;
        }

        public boolean sustained() {
            return measuredSeconds >= STEADY_SECONDS;
        }
    }

    static final double STEADY_JIT_PERCENT = 10;
    static final double STEADY_SECONDS = 60;
    private static final double MIB = 1024 * 1024;
    private static final List<String> APPS = List.of("ingest", "enrich", "attribution", "anomaly");

    public static BenchReport of(BenchResults results, BenchSettings settings) {
        List<Row> rows = new ArrayList<>();
        double ceiling = Stats.median(results.rates(Bench.Phase.PASSTHROUGH, PassThroughApp.NAME));
        rows.add(rate("pass-through (ceiling)", "records/s", results.rates(Bench.Phase.PASSTHROUGH,
                PassThroughApp.NAME), ceiling));
        for (String app : APPS) {
            rows.add(rate(app + " alone", "records/s", results.rates(Bench.Phase.ALONE, app), ceiling));
        }
        rows.add(rate("full pipeline", "input events/s", results.rates(Bench.Phase.FULL, "pipeline"), ceiling));
        rows.add(new Row("offered load for latency (half the full pipeline)", "input events/s", results.offeredLoad,
                null, List.of(results.offeredLoad)));
        LatencyRun.Result base = results.latencies.get("passthrough");
        results.latencies.values().forEach(result -> addLatency(rows, result.name().equals("passthrough")
                ? "pass-through append -> output" : "input append -> spend." + result.name(), result, base));
        // Against the pass-through's one hop: how many such hops each app's part costs.
        results.latencyHops.forEach((hop, result) -> addLatency(rows, "by app " + hop, result, base));
        List<String> memoryApps = new ArrayList<>();
        memoryApps.add(PassThroughApp.NAME);
        memoryApps.addAll(APPS);
        Map<String, List<ChildApp.Memory>> byApp = new LinkedHashMap<>();
        byApp.put(PassThroughApp.NAME, results.memory(Bench.Phase.PASSTHROUGH, PassThroughApp.NAME));
        APPS.forEach(app -> byApp.put(app, results.memory(Bench.Phase.FULL, app)));
        addMemory(rows, byApp, "heap peak (before GC)", ChildApp.Memory::heapPeakBytes);
        addMemory(rows, byApp, "heap after GC (most G1 left)", ChildApp.Memory::heapAfterGcBytes);
        addMemory(rows, byApp, "heap live (full GC at a phase's end)", ChildApp.Memory::heapLiveBytes);
        addMemory(rows, byApp, "RSS peak (VmHWM)", ChildApp.Memory::rssPeakBytes);
        List<Steady> steady = addJitShares(rows, results);
        addFullPipelineCpuPerApp(rows, results);
        return new BenchReport(Instant.now(), machine(settings), workload(results, settings), rows,
                Collections.unmodifiableMap(new LinkedHashMap<>(results.cpu)), List.copyOf(steady));
    }

    private static Row rate(String figure, String unit, List<Double> samples, double ceiling) {
        double value = Stats.median(samples);
        return new Row(figure, unit, value, value / ceiling, List.copyOf(samples));
    }

    /** Rows p50, p95 and p99 of one latency, with their ratio to the pass-through's (when it ran). */
    private static void addLatency(List<Row> rows, String what, LatencyRun.Result result, LatencyRun.Result base) {
        for (double p : new double[] {50, 95, 99}) {
            double value = result.percentile(p);
            Double ratio = base == null ? null : value / base.percentile(p);
            rows.add(new Row(String.format("latency %s p%.0f (%d/%d probes)", what, p,
                    result.latenciesMs().size(), result.sent()), "ms", value, ratio, List.of()));
        }
    }

    private static void addMemory(List<Row> rows, Map<String, List<ChildApp.Memory>> byApp, String what,
            ToLongFunction<ChildApp.Memory> figure) {
        double ceiling = medianMib(byApp.get(PassThroughApp.NAME), figure);
        byApp.forEach((app, memory) -> {
            double value = medianMib(memory, figure);
            String where = app.equals(PassThroughApp.NAME) ? "pass-through" : app + " (full pipeline)";
            rows.add(new Row(what + " " + where, "MiB", value, value / ceiling,
                    memory.stream().map(m -> figure.applyAsLong(m) / MIB).toList()));
        });
    }

    private static double medianMib(List<ChildApp.Memory> memory, ToLongFunction<ChildApp.Memory> figure) {
        return Stats.median(memory.stream().map(m -> figure.applyAsLong(m)).filter(v -> v >= 0)
                .map(v -> v / MIB).toList());
    }

    /**
     * The share of each throughput phase's CPU time (while measured) that went to compiling its code: how much of a
     * rate is the JIT's. The full pipeline's is over its four JVMs. Returns each phase's steady-state verdict.
     */
    private static List<Steady> addJitShares(List<Row> rows, BenchResults results) {
        Map<String, List<List<CpuTime>>> phases = new LinkedHashMap<>();
        Map<String, List<Double>> measured = new LinkedHashMap<>();
        Map<String, List<Double>> records = new LinkedHashMap<>();
        phases.put("pass-through", List.of(results.cpu(Bench.Phase.PASSTHROUGH, PassThroughApp.NAME)));
        measured.put("pass-through", results.measuredSeconds(Bench.Phase.PASSTHROUGH, PassThroughApp.NAME));
        records.put("pass-through", results.records(Bench.Phase.PASSTHROUGH, PassThroughApp.NAME));
        for (String app : APPS) {
            phases.put(app + " alone", List.of(results.cpu(Bench.Phase.ALONE, app)));
            measured.put(app + " alone", results.measuredSeconds(Bench.Phase.ALONE, app));
            records.put(app + " alone", results.records(Bench.Phase.ALONE, app));
        }
        phases.put("full pipeline", APPS.stream().map(app -> results.cpu(Bench.Phase.FULL, app)).toList());
        measured.put("full pipeline", results.measuredSeconds(Bench.Phase.FULL, "pipeline"));
        records.put("full pipeline", results.records(Bench.Phase.FULL, "pipeline"));
        List<Steady> steady = new ArrayList<>();
        phases.forEach((phase, perApp) -> {
            List<Double> shares = new ArrayList<>();
            for (int repeat = 0; repeat < perApp.get(0).size(); repeat++) {
                CpuTime sum = new CpuTime(0, 0, 0);
                for (List<CpuTime> app : perApp) {
                    if (repeat < app.size()) {
                        sum = sum.plus(app.get(repeat));
                    }
                }
                shares.add(sum.totalSeconds() > 0 ? 100 * sum.jitSeconds() / sum.totalSeconds() : Double.NaN);
            }
            if (!shares.isEmpty()) {
                rows.add(new Row("JIT compiler share of CPU while measured, " + phase, "%", Stats.median(shares), null,
                        shares));
            }
            List<Double> perRecord = cpuPerRecord(perApp, records.get(phase));
            if (!perRecord.isEmpty()) {
                rows.add(new Row("app+GC CPU per " + (phase.equals("full pipeline") ? "input event, " : "record, ")
                        + phase, "us", Stats.median(perRecord), null, perRecord));
            }
            List<Double> seconds = measured.get(phase);
            if (!seconds.isEmpty()) {
                double total = seconds.stream().mapToDouble(Double::doubleValue).sum();
                rows.add(new Row("measured load, " + phase + " (sum over repeats)", "s", total, null, seconds));
                steady.add(new Steady(phase, Stats.median(shares), total, seconds.size()));
            }
        });
        return steady;
    }

    /**
     * The full pipeline's CPU per input event app by app, each over the input events it processed in the window (its
     * own progress), and their sum. The figure over the last app's progress charges an app that runs ahead (ingest,
     * when it is faster than the apps after it) with events it processed that the last app has not reached: it moved
     * with how far ahead ingest ran (its runs of 2026-12-07 spread 242-567 us per input event); this one does not.
     */
    private static void addFullPipelineCpuPerApp(List<Row> rows, BenchResults results) {
        List<List<Double>> perApp = new ArrayList<>();
        for (String app : APPS) {
            List<Double> perEvent = cpuPerRecord(List.of(results.cpu(Bench.Phase.FULL, app)),
                    results.records(Bench.Phase.FULL, app));
            if (perEvent.isEmpty()) {
                return;
            }
            perApp.add(perEvent);
            rows.add(new Row("app+GC CPU per input event, " + app + " in full pipeline (own progress)", "us",
                    Stats.median(perEvent), null, perEvent));
        }
        List<Double> sum = sumPerWindow(perApp);
        rows.add(new Row("app+GC CPU per input event, full pipeline, sum over own progress", "us",
                Stats.median(sum), null, sum));
    }

    /** Window by window, the sum of the apps' figures (as many windows as the app with the fewest). */
    static List<Double> sumPerWindow(List<List<Double>> perApp) {
        int windows = perApp.stream().mapToInt(List::size).min().orElse(0);
        List<Double> sum = new ArrayList<>();
        for (int window = 0; window < windows; window++) {
            double total = 0;
            for (List<Double> app : perApp) {
                total += app.get(window);
            }
            sum.add(total);
        }
        return sum;
    }

    /**
     * Per window, the CPU time the phase's JVMs spent on the app and its garbage collection (the JIT left out: at
     * steady state it is small, and it is what a warm-up figure is inflated by), in microseconds per record (the full
     * pipeline: per input event, over its four JVMs). A figure that holds on a loaded machine better than a rate.
     */
    private static List<Double> cpuPerRecord(List<List<CpuTime>> perApp, List<Double> records) {
        List<Double> perRecord = new ArrayList<>();
        for (int window = 0; window < records.size(); window++) {
            double seconds = 0;
            for (List<CpuTime> app : perApp) {
                if (window >= app.size()) {
                    return List.of();
                }
                seconds += app.get(window).appSeconds() + app.get(window).gcSeconds();
            }
            perRecord.add(records.get(window) > 0 ? 1e6 * seconds / records.get(window) : Double.NaN);
        }
        return perRecord;
    }

    private static Map<String, Object> machine(BenchSettings settings) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            machine.put("memoryGiB", Math.round(sun.getTotalMemorySize() / (MIB * 1024) * 10) / 10.0);
        }
        machine.put("loadAverage", os.getSystemLoadAverage());
        machine.put("broker", settings.embeddedBroker() ? "embedded (in the benchmark's JVM)"
                : settings.bootstrapServers());
        machine.put("appHeap", settings.appHeap());
        machine.put("appJavaOptions", settings.appJavaOptions());
        return machine;
    }

    private static Map<String, Object> workload(BenchResults results, BenchSettings settings) {
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("inputEvents", results.inputEvents);
        workload.put("resources", settings.resources());
        workload.put("services", settings.services());
        workload.put("minutes", settings.minutes());
        workload.put("partitions", settings.partitions());
        // Kept for readers of older files: each phase now has one warm-up period (0 when --warm-up 0s).
        workload.put("warmUps", settings.warmUp().isZero() ? 0 : 1);
        workload.put("repeats", settings.repeats());
        workload.put("warmUpSeconds", settings.warmUp().toMillis() / 1000.0);
        workload.put("measureSeconds", settings.measure().toMillis() / 1000.0);
        workload.put("windowSeconds", settings.window().toMillis() / 1000.0);
        workload.put("warmUpSecondsByPhase", results.warmUpSeconds);
        workload.put("topUpRecords", results.topUps);
        // Windows left out of the medians: the input ran out in them.
        workload.put("windowsInputRanOut", results.inputRanOut);
        workload.put("latencySeconds", settings.latencyDuration().toSeconds());
        workload.put("alertServices", settings.alertServices());
        workload.put("overrides", settings.overrides());
        return workload;
    }

    /**
     * The table, one figure a line: value, unit, ratio to the pass-through, repeats and their spread ((largest -
     * smallest) / median); then each throughput phase's steady-state verdict.
     */
    public void print(PrintStream out) {
        out.printf("%-66s %14s %-15s %9s  %s%n", "figure", "value", "unit", "vs p-thru", "repeats (spread)");
        for (Row row : rows) {
            out.printf("%-66s %14s %-15s %9s  %s%n", row.figure(), format(row.value()), row.unit(),
                    row.ratio() == null || row.ratio().isNaN() ? "" : String.format("%.2fx", row.ratio()),
                    row.samples().size() > 1 ? row.samples().stream().map(BenchReport::format).toList()
                            + String.format(" (%.0f%%)", Stats.spreadPercent(row.samples())) : "");
        }
        out.printf("Steady state (JIT share < %.0f%% of the CPU while measured, >= %.0f s of load measured):%n",
                STEADY_JIT_PERCENT, STEADY_SECONDS);
        for (Steady phase : steady) {
            out.printf("  %-20s JIT %4.1f%% (%s), measured %5.1f s over %d window%s (%s)%n", phase.phase(),
                    phase.jitPercent(), phase.compiled() ? "compiled" : "still compiling", phase.measuredSeconds(),
                    phase.repeats(), phase.repeats() == 1 ? "" : "s", phase.sustained() ? "sustained" : "too short");
        }
        if (workload.get("windowsInputRanOut") instanceof Map<?, ?> ranOut && !ranOut.isEmpty()) {
            out.printf("INPUT RAN OUT (windows left out of the medians, their rate was the input's): %s%n", ranOut);
        }
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%,.0f", value);
    }

    public void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json());
    }

    /** Plain maps, so the JSON needs no Jackson modules: NaN (a figure not measured) becomes null. */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", at.toString());
        json.put("machine", machine);
        json.put("workload", workload);
        List<Map<String, Object>> figures = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("figure", row.figure());
            figure.put("unit", row.unit());
            figure.put("value", Double.isNaN(row.value()) ? null : row.value());
            figure.put("ratioToPassThrough", row.ratio() == null || row.ratio().isNaN() ? null : row.ratio());
            figure.put("samples", row.samples());
            if (row.samples().size() > 1) {
                figure.put("spreadPercent", Stats.spreadPercent(row.samples()));
            }
            figures.add(figure);
        }
        json.put("figures", figures);
        json.put("steadyState", steady.stream().map(phase -> {
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("phase", phase.phase());
            verdict.put("jitPercent", Double.isNaN(phase.jitPercent()) ? null : phase.jitPercent());
            verdict.put("measuredSeconds", phase.measuredSeconds());
            verdict.put("compiled", phase.compiled());
            verdict.put("sustained", phase.sustained());
            return verdict;
        }).toList());
        Map<String, Object> cpuWhileMeasured = new LinkedHashMap<>();
        cpu.forEach((phaseAndApp, repeats) -> cpuWhileMeasured.put(phaseAndApp, repeats.stream()
                .map(used -> Map.of("appSeconds", used.appSeconds(), "jitSeconds", used.jitSeconds(), "gcSeconds",
                        used.gcSeconds())).toList()));
        json.put("cpuWhileMeasured", cpuWhileMeasured);
        return json;
    }
}
