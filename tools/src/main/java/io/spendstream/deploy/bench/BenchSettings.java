package io.spendstream.deploy.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.spendstream.deploy.cli.Apps;

/**
 * What one benchmark run does: where (an embedded broker in {@code dataDir}, or {@code bootstrapServers} /
 * {@code registryUrl} when given), how big the workload is, how often each throughput phase repeats, how long the
 * latency phase offers load, and how the app JVMs run.
 *
 * @param minutes          one-minute intervals of regular traffic in the pre-load (each: one row per resource and
 *                         one APM summary per service); a phase's input is topped up during its warm-up as its rate
 *                         needs
 * @param warmUp           how long each throughput phase runs under load before it is measured (the JIT compiles
 *                         meanwhile), longer when its input has to be topped up
 * @param measure          how long each throughput phase is measured, under load all along: {@code repeats}
 *                         consecutive windows of {@code measure / repeats}
 * @param repeats          measurement windows of each throughput phase (the table shows their median)
 * @param alertServices    warmed-up services that spike once each during the latency phase
 * @param probeEvery       how often a unit-cost probe is sent during the latency phase
 * @param appHeap          -Xmx of each app JVM
 * @param appJavaOptions   more options for each app JVM (e.g. a JIT experiment: -XX:TieredStopAtLevel=1)
 * @param overrides        settings for every app (e.g. a tuning experiment: commit.interval.ms=200)
 * @param stopAfter        the last phase to run ({@link #PHASES}: a throughput phase, or "full" for the full
 *                         pipeline), or null for every phase and the latency phase after them
 */
public record BenchSettings(String bootstrapServers, String registryUrl, Path dataDir, int resources, int services,
        int minutes, int partitions, Duration warmUp, Duration measure, int repeats, Duration latencyDuration,
        int alertServices,
        Duration probeEvery, String appHeap, List<String> appJavaOptions, boolean flightRecorder,
        Map<String, String> overrides, String stopAfter) {

    /** The pass-through phase, first of {@link #PHASES}. */
    public static final String PASS_THROUGH = "passthrough";
    /** The full pipeline's phase, last of {@link #PHASES}. */
    public static final String FULL = "full";
    /** The phases a run may stop after, in the order it runs them: each app alone runs in {@link Apps}' order. */
    public static final List<String> PHASES = phases();

    public BenchSettings {
        if (stopAfter != null && !PHASES.contains(stopAfter)) {
            throw new IllegalArgumentException("A run stops after one of " + PHASES + ", not '" + stopAfter + "'");
        }
        if (resources < 10 || services < 1 || minutes < 1 || partitions < 1 || repeats < 1 || alertServices < 1) {
            throw new IllegalArgumentException("resources >= 10, services, minutes, partitions, repeats and "
                    + "alert services >= 1");
        }
        if (warmUp.isNegative() || measure.toMillis() < repeats * 100L) {
            throw new IllegalArgumentException("warm-up >= 0 and measure >= 100 ms per window, got " + warmUp
                    + " and " + measure + " over " + repeats + " windows");
        }
        if (resources < services) {
            throw new IllegalArgumentException("Every service needs a resource: resources >= services");
        }
        appJavaOptions = List.copyOf(appJavaOptions);
        overrides = Map.copyOf(overrides);
    }

    /** One measurement window: {@code measure / repeats}. */
    public Duration window() {
        return measure.dividedBy(repeats);
    }

    /** True when the run ends with {@code phase} (one of {@link #PHASES}). */
    public boolean stopsAfter(String phase) {
        return phase.equals(stopAfter);
    }

    private static List<String> phases() {
        List<String> phases = new ArrayList<>();
        phases.add(PASS_THROUGH);
        phases.addAll(Apps.names());
        phases.add(FULL);
        return List.copyOf(phases);
    }

    public boolean embeddedBroker() {
        return bootstrapServers == null;
    }
}
