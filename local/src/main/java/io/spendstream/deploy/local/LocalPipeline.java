package io.spendstream.deploy.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.ingest.IngestApp;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The whole pipeline in one JVM: an embedded KRaft broker, the local schema registry and the four stream apps,
 * each app with its own application.id, state directory and metrics port, exactly as they run separately in
 * production. Used by {@code spendstream up} and by the end-to-end integration test.
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);
    private static final Duration PRICE_POLL = Duration.ofMillis(50);

    /** Where and on which ports to run. Port 0 for the registry or metrics means "any free port" (tests). */
    public record Settings(Path dataDir, int kafkaPort, int controllerPort, int registryPort,
            boolean ephemeralMetricsPorts, Map<String, String> overrides) {

        public static Settings defaults(Path dataDir) {
            return new Settings(dataDir, 9092, 9093, 8081, false, Map.of());
        }
    }

    private final EmbeddedKafkaBroker broker;
    private final LocalSchemaRegistry registry;
    private final List<RunningApp> apps;

    private LocalPipeline(EmbeddedKafkaBroker broker, LocalSchemaRegistry registry, List<RunningApp> apps) {
        this.broker = broker;
        this.registry = registry;
        this.apps = apps;
    }

    public static LocalPipeline start(Settings settings) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"),
                settings.kafkaPort(), settings.controllerPort(), Map.of());
        LocalSchemaRegistry registry = null;
        List<RunningApp> apps = new ArrayList<>();
        try {
            registry = LocalSchemaRegistry.start(broker.bootstrapServers(), settings.registryPort(),
                    "_spendstream_schemas");
            for (String name : Apps.names()) {
                StreamsApp app = Apps.create(name);
                apps.add(StreamsAppRunner.start(app, config(app, settings, broker, registry)));
            }
            return new LocalPipeline(broker, registry, apps);
        } catch (RuntimeException e) {
            apps.forEach(RunningApp::close);
            if (registry != null) {
                registry.close();
            }
            broker.close();
            throw e;
        }
    }

    private static SpendstreamConfig config(StreamsApp app, Settings settings, EmbeddedKafkaBroker broker,
            LocalSchemaRegistry registry) {
        Map<String, String> local = new HashMap<>();
        // One partition per topic on the single local broker: every stage then reads its inputs in event-time
        // order (Kafka Streams merges a task's partitions by timestamp), so a backlog such as the demo's hour of
        // history is processed in order. With several partitions, catching up a backlog interleaves partitions
        // that progress at different event-time speeds (see docs/operations.md, "Catching up a backlog"): the
        // anomaly app's catch-up hold then raises the demo's anomalies right, but its incident, which begins while
        // the history is still being read, pages about a minute late instead of within seconds (measured
        // 2026-12-07, same section).
        local.put("spendstream.topics.partitions", "1");
        local.put("bootstrap.servers", broker.bootstrapServers());
        local.put("schema.registry.url", registry.url());
        local.put("spendstream.state.dir", settings.dataDir().resolve("state").toString());
        if (settings.ephemeralMetricsPorts()) {
            local.put("spendstream.metrics.port", "0");
        }
        local.putAll(settings.overrides());
        if ("1".equals(local.get("spendstream.topics.partitions"))) {
            // The anomaly app's catch-up hold is for backlogs read out of order across partitions; on one partition
            // it only delays: the demo's history (a day of one team, then an hour of every service) set it off, and
            // the incident's service, held with its history, paged a minute late instead of within seconds.
            local.putIfAbsent(AnomalySettings.CATCH_UP_QUIET, "0s");
        }
        return ConfigLoader.load(app.defaults(), Optional.empty(), Map.of(), local);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public List<RunningApp> apps() {
        return apps;
    }

    /**
     * Waits until the ingest app's global table of {@code spend.prices} holds every key of {@code keys}: a model
     * call sent after that finds its price. (The global table is read by a thread of its own, in parallel with the
     * traces, so a price sent just before a trace may otherwise be read just after it.)
     *
     * @throws IllegalStateException when they are not all there within {@code timeout}
     */
    public void awaitPrices(Collection<String> keys, Duration timeout) {
        RunningApp ingest = apps.get(Apps.names().indexOf(IngestApp.NAME));
        long deadline = System.nanoTime() + timeout.toNanos();
        Collection<String> missing = keys;
        while (true) {
            try {
                ReadOnlyKeyValueStore<String, ValueAndTimestamp<byte[]>> prices = ingest.streams().store(
                        StoreQueryParameters.fromNameAndType(IngestApp.PRICES_STORE,
                                QueryableStoreTypes.<String, byte[]>timestampedKeyValueStore()));
                missing = keys.stream().filter(key -> prices.get(key) == null).toList();
                if (missing.isEmpty()) {
                    return;
                }
            } catch (InvalidStateStoreException notQueryableYet) {
                // Still starting or rebalancing: ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ingest has not read the prices of " + missing + " from "
                        + "spend.prices within " + timeout);
            }
            try {
                Thread.sleep(PRICE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for prices", e);
            }
        }
    }

    public boolean isReady() {
        return apps.stream().allMatch(RunningApp::isReady);
    }

    /** Stops the apps first (they commit their last transaction), then the registry, then the broker. */
    @Override
    public void close() {
        for (RunningApp app : apps) {
            try {
                app.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing {} failed: {}", app.applicationId(), e.toString());
            }
        }
        registry.close();
        broker.close();
    }
}
