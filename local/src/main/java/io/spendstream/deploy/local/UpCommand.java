package io.spendstream.deploy.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.spendstream.deploy.cli.LogOptions;
import io.spendstream.deploy.cli.Logging;
import io.spendstream.deploy.cli.StopOnShutdown;
import io.spendstream.deploy.demo.DemoScenario;
import io.spendstream.deploy.demo.DemoTraffic;
import io.spendstream.deploy.tail.TopicTailer;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spendstream up}: broker, registry, the four apps and (unless {@code --no-demo}) demo traffic with one
 * incident, all in this process; anomalies and alerts are printed as they happen. Ctrl-C stops everything cleanly.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline locally on an embedded Kafka broker, with demo traffic "
        + "and one injected cost incident; print anomalies and alerts live.")
public final class UpCommand implements Callable<Integer> {

    /** Under --data-dir: the broker's and Kafka clients' logs, which the console does not show. */
    static final String KAFKA_LOG = "kafka.log";

    /**
     * The console prints state changes (OPEN, escalation, RESOLVED, alerts) and at most one UPDATE of an anomaly per
     * this much wall-clock time: its figures, without a line a minute per open anomaly.
     */
    static final Duration UPDATES_EVERY = Duration.ofMinutes(5);

    /** The printer's broker is this process's, already up: a generous bound, never reached in practice. */
    private static final Duration PRINTER_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Four apps closing one after the other (each within its own shutdown timeout), then the broker. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(120);

    @Option(names = "--no-demo", description = "Start without demo traffic, to feed your own (e.g. with kcat).")
    boolean noDemo;

    @Option(names = "--incident", paramLabel = "KIND", defaultValue = "gpu-pool", converter = IncidentConverter.class,
            description = "The demo's incident: gpu-pool (a GPU pool scales out to ten times its cost) or agent-loop "
            + "(the assistant service's agent calls its model twenty times a request) (default: ${DEFAULT-VALUE}).")
    DemoScenario.Incident incident;

    /** Waits for ingest to have read the demo's model prices before any model call is sent. */
    private static final Duration PRICES_READ_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker data and app state (default: "
            + "${DEFAULT-VALUE}).", defaultValue = ".spendstream/local")
    Path dataDir;

    @Option(names = "--keep-data", description = "Keep what the last run left in --data-dir instead of starting "
            + "from an empty cluster.")
    boolean keepData;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: "
            + "${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (default: "
            + "${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--exit-after", paramLabel = "DURATION", description = "Stop by itself after this long, e.g. "
            + "90s (for scripts); default: run until Ctrl-C.")
    String exitAfter;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting for all four apps.")
    Map<String, String> settings = Map.of();

    @Mixin
    LogOptions logging;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        logging.apply();
        if (!keepData) {
            deleteRecursively(dataDir);
        }
        Files.createDirectories(dataDir);
        // The embedded broker's retriable errors (e.g. OutOfOrderSequenceException, KAFKA-18202) and its clients'
        // retries are for a file, not for the person at the console; closed last, after the broker has stopped.
        try (Logging.KafkaLogFile kafkaLog = Logging.sendKafkaLogsTo(dataDir.resolve(KAFKA_LOG))) {
            return runPipeline(out);
        }
    }

    private int runPipeline(PrintStream out) throws Exception {
        out.println("Starting Spendstream: Kafka broker, schema registry, ingest, enrich, attribution, anomaly...");
        // The demo's own settings (checkout's SLO, the estate warm-up) first, so that --set overrides them.
        Map<String, String> appSettings = new HashMap<>(noDemo ? Map.of()
                : DemoScenario.settings(DemoTraffic.Plan.standard()));
        appSettings.putAll(settings);
        LocalPipeline.Settings pipelineSettings = new LocalPipeline.Settings(dataDir, kafkaPort, controllerPort,
                registryPort, false, appSettings);
        CountDownLatch stop = new CountDownLatch(1);
        // Closed last: a Ctrl-C lets the JVM exit only once the apps, the registry and the broker have closed.
        try (StopOnShutdown shutdown = StopOnShutdown.register(SHUTDOWN_WAIT);
                LocalPipeline pipeline = LocalPipeline.start(pipelineSettings)) {
            shutdown.onStop(stop::countDown);
            SpendstreamConfig config = new SpendstreamConfig(Map.of(
                    "bootstrap.servers", pipeline.bootstrapServers(),
                    SchemaRegistryClients.URL, pipeline.registryUrl())).with(settings);
            SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()),
                    SchemaRegistryClients.fromConfig(config.asMap()));
            printBanner(out, pipeline, topics);
            TopicTailer printer = new TopicTailer(Map.of("bootstrap.servers", pipeline.bootstrapServers()), topics,
                    List.of(topics.anomalies.name(), topics.alerts.name()),
                    new TopicTailer.Options(true, true, false, 0, null), new PrintWriter(out, true))
                    .asConsole(UPDATES_EVERY);
            Thread printerThread = new Thread(() -> {
                try (printer) {
                    printer.run(PRINTER_CONNECT_TIMEOUT);
                }
            }, "spendstream-printer");
            printerThread.start();
            DemoScenario scenario = new DemoScenario(42, incident);
            try (DemoTraffic demo = noDemo ? null
                    : new DemoTraffic(pipeline.bootstrapServers(), topics, scenario, Clock.systemUTC())) {
                if (demo != null) {
                    DemoTraffic.Plan plan = DemoTraffic.Plan.standard();
                    demo.start(plan, () -> pipeline.awaitPrices(DemoScenario.priceKeys(), PRICES_READ_TIMEOUT));
                    out.printf("Demo traffic: 7 services (one calls a model), 16 resources, 1 hour of history sent "
                            + "(and a day of minute history of checkout and payments-api, with conversions that "
                            + "fall as latency rises and a 200 ms regression two hours ago: ./spendstream tail "
                            + "spend.value shows what it cost); "
                            + "a cost incident (%s) on "
                            + "'%s' starts in %ds and lasts %d minutes (its anomaly resolves when it ends, its "
                            + "alert after the alert gate's cooldown, spendstream.anomaly.alerts.cooldown). One "
                            + "malformed row is sent on purpose: its WARN line shows a dead letter, "
                            + "./spendstream tail spend.dlq shows the record.%n",
                            incident.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                            scenario.incidentService(), plan.incidentDelay().toSeconds(),
                            plan.incidentLength().toMinutes());
                } else {
                    out.println("No demo traffic: produce JSON to " + topics.usageRaw.name() + ", "
                            + topics.apmRaw.name() + " and " + topics.tags.name() + " (see README).");
                }
                out.println("Anomalies and alerts as they happen: state changes, an anomaly's figures at most every "
                        + UPDATES_EVERY.toMinutes() + " minutes; lines led by the time they were printed (Ctrl-C to "
                        + "stop):");
                if (exitAfter == null) {
                    stop.await();
                } else {
                    stop.await(Durations.parse(exitAfter).toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            printer.stop();
            printerThread.join(5_000);
            out.println("Stopping...");
        }
        out.println("Stopped.");
        return 0;
    }

    private void printBanner(PrintStream out, LocalPipeline pipeline, SpendstreamTopics topics) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Kafka broker", pipeline.bootstrapServers());
        rows.put("Schema registry", pipeline.registryUrl());
        for (RunningApp app : pipeline.apps()) {
            rows.put(app.applicationId(), "http://localhost:" + app.metricsPort() + "/metrics  /health  /ready");
        }
        rows.put("Data directory", dataDir.toAbsolutePath().toString());
        rows.put("Kafka logs", dataDir.resolve(KAFKA_LOG).toAbsolutePath().toString());
        rows.put("Tail any topic:", "./spendstream tail " + topics.unitCost.name() + " -f --from-beginning");
        // One column for the values, however long the application ids are (their prefix is a setting).
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        out.println();
        out.println("Spendstream is up.");
        rows.forEach((label, value) -> out.printf("  %-" + width + "s  %s%n", label, value));
        out.println();
    }

    /** {@code gpu-pool}, {@code agent-loop} (any case) to the demo's incident. */
    static final class IncidentConverter implements picocli.CommandLine.ITypeConverter<DemoScenario.Incident> {
        @Override
        public DemoScenario.Incident convert(String value) {
            return DemoScenario.Incident.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
