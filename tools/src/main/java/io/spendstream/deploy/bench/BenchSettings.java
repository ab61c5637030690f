package io.spendstream.deploy.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one benchmark run does: where (an embedded broker in {@code dataDir}, or {@code bootstrapServers} /
 * {@code registryUrl} when given), how big the workload is, how often each throughput phase repeats, how long the
 * latency phase offers load, and how the app JVMs run.
 *
 * @param minutes          one-minute intervals of regular traffic in the pre-load (each: one row per resource and
 *                         one APM summary per service)
 * @param warmUps          runs of each throughput phase before the measured ones, in the same JVMs, not counted
 * @param alertServices    warmed-up services that spike once each during the latency phase
 * @param probeEvery       how often a unit-cost probe is sent during the latency phase
 * @param appHeap          -Xmx of each app JVM
 * @param appJavaOptions   more options for each app JVM (e.g. a JIT experiment: -XX:TieredStopAtLevel=1)
 * @param overrides        settings for every app (e.g. a tuning experiment: commit.interval.ms=200)
 */
public record BenchSettings(String bootstrapServers, String registryUrl, Path dataDir, int resources, int services,
        int minutes, int partitions, int warmUps, int repeats, Duration latencyDuration, int alertServices,
        Duration probeEvery, String appHeap, List<String> appJavaOptions, boolean flightRecorder,
        Map<String, String> overrides) {

    public BenchSettings {
        if (resources < 10 || services < 1 || minutes < 1 || partitions < 1 || warmUps < 0 || repeats < 1
                || alertServices < 1) {
            throw new IllegalArgumentException("resources >= 10, services, minutes, partitions, repeats and "
                    + "alert services >= 1, warm-ups >= 0");
        }
        if (resources < services) {
            throw new IllegalArgumentException("Every service needs a resource: resources >= services");
        }
        appJavaOptions = List.copyOf(appJavaOptions);
        overrides = Map.copyOf(overrides);
    }

    public boolean embeddedBroker() {
        return bootstrapServers == null;
    }
}
