package io.spendstream.deploy.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.spendstream.deploy.cli.Logging;
import io.spendstream.runtime.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream bench}: throughput, latency and memory of the pipeline side by side with a pass-through Kafka
 * Streams app, in one run on one broker ({@link Bench}); prints one table and optionally writes it as JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the pipeline against a "
        + "pass-through Kafka Streams app on the same broker: throughput of each app and of the whole pipeline, "
        + "end-to-end latency, memory per app.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this Kafka cluster instead of an "
            + "embedded broker (topics are created with a bench-<id> prefix).")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Use this schema registry instead of the "
            + "built-in one.")
    String registry;

    @Option(names = "--resources", defaultValue = "10000", description = "Resources in the workload "
            + "(default: ${DEFAULT-VALUE}).")
    int resources;

    @Option(names = "--services", defaultValue = "500", description = "Services (default: ${DEFAULT-VALUE}).")
    int services;

    @Option(names = "--minutes", defaultValue = "2", description = "One-minute intervals pre-loaded, each one row "
            + "per resource and one APM summary per service; each phase tops its input up during its warm-up as "
            + "its rate needs (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic "
            + "(default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--warm-up", defaultValue = "20s", description = "How long each throughput phase runs under "
            + "load before it is measured, so that the JIT has compiled the app's hot code (default: "
            + "${DEFAULT-VALUE}; longer when the phase's input must be topped up meanwhile).")
    String warmUp;

    @Option(names = "--measure", defaultValue = "60s", description = "How long each throughput phase is measured, "
            + "under load all along, in --repeats consecutive windows (default: ${DEFAULT-VALUE}).")
    String measure;

    @Option(names = "--repeats", defaultValue = "3", description = "Measurement windows of each throughput phase "
            + "(consecutive, each --measure / --repeats long); the table shows their medians (default: "
            + "${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--latency-duration", defaultValue = "15s", description = "How long load is offered in the "
            + "latency phase (default: ${DEFAULT-VALUE}).")
    String latencyDuration;

    @Option(names = "--probe-every", defaultValue = "125ms", description = "Interval between unit-cost probes "
            + "(default: ${DEFAULT-VALUE}).")
    String probeEvery;

    @Option(names = "--alert-services", defaultValue = "10", description = "Warmed-up services that spike once "
            + "each in the latency phase (default: ${DEFAULT-VALUE}).")
    int alertServices;

    @Option(names = "--app-heap", defaultValue = "1g", description = "-Xmx of each app JVM (default: "
            + "${DEFAULT-VALUE}).")
    String appHeap;

    @Option(names = "--app-java-option", paramLabel = "OPTION", description = "An option for every app JVM, "
            + "after the bench's own (repeatable; e.g. a JIT experiment: --app-java-option=-XX:TieredStopAtLevel=1).")
    List<String> appJavaOptions = List.of();

    @Option(names = "--jfr", description = "Record each app JVM with Java Flight Recorder (profile settings) into "
            + "the data directory's logs/.")
    boolean flightRecorder;

    @Option(names = "--data-dir", defaultValue = ".spendstream/bench", description = "Broker data, app state, "
            + "logs (emptied at start; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the table as JSON.")
    Path json;

    @Option(names = "--stop-after", paramLabel = "PHASE", description = "End the run after this phase: "
            + "passthrough, ingest, enrich, attribution, anomaly (each app alone) or full (the full pipeline); no "
            + "latency phase then, and the table says n/a for what did not run (e.g. --stop-after ingest: the "
            + "pass-through and ingest alone, a few minutes). Default: every phase.")
    String stopAfter;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A setting for every app (e.g. a "
            + "tuning experiment: --set commit.interval.ms=200).")
    Map<String, String> overrides = Map.of();

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = new BenchSettings(bootstrap, registry, dataDir, resources, services, minutes,
                partitions, Durations.parse(warmUp), Durations.parse(measure), repeats,
                Durations.parse(latencyDuration), alertServices,
                Durations.parse(probeEvery), appHeap, appJavaOptions, flightRecorder, overrides, stopAfter);
        // The embedded broker's retriable errors (transactions v2 sequence resets, KAFKA-18202) and the clients'
        // chatter go to a file beside the data directory (which the bench empties at start), not between the figures.
        Path kafkaLog = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + "-kafka.log");
        BenchResults results;
        try (Logging.KafkaLogFile ignored = Logging.sendKafkaLogsTo(kafkaLog)) {
            System.out.println("Kafka logs: " + kafkaLog);
            results = new Bench(settings, System.out).run();
        }
        BenchReport report = BenchReport.of(results, settings);
        System.out.println();
        report.print(System.out);
        if (json != null) {
            report.writeJson(json);
            System.out.println("Written to " + json);
        }
        return 0;
    }
}
