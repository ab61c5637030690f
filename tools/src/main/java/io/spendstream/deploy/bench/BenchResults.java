package io.spendstream.deploy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The raw figures of one run, per phase and app, every repeat kept (the report takes medians). */
public final class BenchResults {

    long inputEvents;
    double offeredLoad;
    final Map<String, List<Double>> rates = new LinkedHashMap<>();
    final Map<String, List<ChildApp.Memory>> memory = new LinkedHashMap<>();
    final Map<String, LatencyRun.Result> latencies = new LinkedHashMap<>();
    /** A unit-cost probe's latency split by the app it was spent in (named "app: from -> to"). */
    final Map<String, LatencyRun.Result> latencyHops = new LinkedHashMap<>();
    final Map<String, List<CpuTime>> cpu = new LinkedHashMap<>();
    /** Seconds each measurement window of a phase lasted, one per window (repeat). */
    final Map<String, List<Double>> measuredSeconds = new LinkedHashMap<>();
    /**
     * What each window of a phase processed: records of its input (the full pipeline's: input events), one per
     * window; with the CPU time of the window, CPU per record.
     */
    final Map<String, List<Double>> records = new LinkedHashMap<>();
    /** Records each phase's input was topped up by during its warm-up. */
    final Map<String, Long> topUps = new LinkedHashMap<>();
    /** Windows of each phase in which the input ran out: left out of every other figure (their rate is the input's). */
    final Map<String, Integer> inputRanOut = new LinkedHashMap<>();
    /** Seconds each phase ran under load before it was measured (top-ups included). */
    final Map<String, Double> warmUpSeconds = new LinkedHashMap<>();

    private static String key(Bench.Phase phase, String app) {
        return phase.name().toLowerCase() + "/" + app;
    }

    void addRate(Bench.Phase phase, String app, double recordsPerSecond) {
        rates.computeIfAbsent(key(phase, app), k -> new ArrayList<>()).add(recordsPerSecond);
    }

    List<Double> rates(Bench.Phase phase, String app) {
        return rates.getOrDefault(key(phase, app), List.of());
    }

    void addMeasuredSeconds(Bench.Phase phase, String app, double seconds) {
        measuredSeconds.computeIfAbsent(key(phase, app), k -> new ArrayList<>()).add(seconds);
    }

    List<Double> measuredSeconds(Bench.Phase phase, String app) {
        return measuredSeconds.getOrDefault(key(phase, app), List.of());
    }

    void addRecords(Bench.Phase phase, String app, double processed) {
        records.computeIfAbsent(key(phase, app), k -> new ArrayList<>()).add(processed);
    }

    List<Double> records(Bench.Phase phase, String app) {
        return records.getOrDefault(key(phase, app), List.of());
    }

    void addTopUp(Bench.Phase phase, String app, long added) {
        topUps.merge(key(phase, app), added, Long::sum);
    }

    void addInputRanOut(Bench.Phase phase, String app) {
        inputRanOut.merge(key(phase, app), 1, Integer::sum);
    }

    void setWarmUpSeconds(Bench.Phase phase, String app, double seconds) {
        warmUpSeconds.put(key(phase, app), seconds);
    }

    void addMemory(Bench.Phase phase, String app, ChildApp.Memory used) {
        memory.computeIfAbsent(key(phase, app), k -> new ArrayList<>()).add(used);
    }

    void addCpu(Bench.Phase phase, String app, CpuTime used) {
        cpu.computeIfAbsent(key(phase, app), k -> new ArrayList<>()).add(used);
    }

    /** The CPU time {@code app} used while measured, one per repeat; for the full pipeline, per app. */
    List<CpuTime> cpu(Bench.Phase phase, String app) {
        return cpu.getOrDefault(key(phase, app), List.of());
    }

    List<ChildApp.Memory> memory(Bench.Phase phase, String app) {
        return memory.getOrDefault(key(phase, app), List.of());
    }
}
