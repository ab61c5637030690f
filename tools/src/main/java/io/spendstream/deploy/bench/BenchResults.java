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
    final Map<String, List<CpuTime>> cpu = new LinkedHashMap<>();
    /** Seconds each measured run of a phase ran under load (its clock), one per repeat. */
    final Map<String, List<Double>> measuredSeconds = new LinkedHashMap<>();

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
