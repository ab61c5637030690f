package io.spendstream.deploy.alerting;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.burn.BurnRateSettings;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * The anomaly app on an in-process broker whose topics have {@value #PARTITIONS} partitions, for the alert gate's
 * tests that the TopologyTestDriver's single partition cannot show: burn-rate anomalies resolve on the first quiet
 * evaluation and the cooldown is off, so that only the behaviour under test delays an alert.
 */
final class GateOnBroker implements AutoCloseable {

    static final int PARTITIONS = 4;

    final SpendstreamTopics topics;
    final KafkaProducer<byte[], byte[]> producer;
    private final EmbeddedKafkaBroker broker;
    private final SpendstreamConfig config;
    private final Path stateDir;
    private RunningApp app;

    private GateOnBroker(SpendstreamTopics topics, EmbeddedKafkaBroker broker, SpendstreamConfig config,
            Path stateDir, RunningApp app, KafkaProducer<byte[], byte[]> producer) {
        this.topics = topics;
        this.broker = broker;
        this.config = config;
        this.stateDir = stateDir;
        this.app = app;
        this.producer = producer;
    }

    /** Starts the broker and the app (with these settings on top of the test's) and waits until the app runs. */
    static GateOnBroker start(Path dataDir, Map<String, String> settings) throws IOException, InterruptedException {
        String registry = SchemaRegistryClients.MOCK_PREFIX + "gate-it-" + UUID.randomUUID();
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(registry, null));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), FreePorts.next(),
                FreePorts.next(), Map.of());
        RunningApp app = null;
        Path stateDir = dataDir.resolve("state");
        try {
            Map<String, String> local = new HashMap<>();
            local.put("bootstrap.servers", broker.bootstrapServers());
            local.put("schema.registry.url", registry);
            local.put("spendstream.state.dir", stateDir.toString());
            local.put("spendstream.topics.partitions", Integer.toString(PARTITIONS));
            local.put("spendstream.metrics.port", "0");
            local.put("spendstream.application.id.prefix", "gate-it-" + UUID.randomUUID().toString().substring(0, 8)
                    + "-");
            local.put(BurnRateSettings.RESOLVE_AFTER, "0s");
            local.put(AlertGateSettings.COOLDOWN, "0s");
            local.putAll(settings);
            SpendstreamConfig config = ConfigLoader.load(new AnomalyApp().defaults(), Optional.empty(), Map.of(),
                    local);
            app = startApp(config);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer());
            return new GateOnBroker(topics, broker, config, stateDir, app, producer);
        } catch (RuntimeException | InterruptedException e) {
            if (app != null) {
                app.close();
            }
            broker.close();
            throw e;
        }
    }

    private static RunningApp startApp(SpendstreamConfig config) throws InterruptedException {
        RunningApp app = StreamsAppRunner.start(new AnomalyApp(), config);
        if (!app.awaitReady(Duration.ofSeconds(60))) {
            app.close();
            throw new IllegalStateException("the anomaly app did not reach RUNNING within 60 s");
        }
        return app;
    }

    /**
     * Stops the app and starts it again under the same application id, without its local state: its stores come
     * back from their changelogs, as on a new machine. Meters start again from zero.
     */
    void restartFromChangelogs() throws IOException, InterruptedException {
        app.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        app = startApp(config);
    }

    /**
     * The partition of the gate's repartition topic, so the gate task, that owns this dedup key: the producer's
     * default partitioner over the key as UTF-8 (the repartition topic's key serde is a plain String serde).
     */
    static int gatePartition(String dedupKey) {
        return Utils.toPositive(Utils.murmur2(dedupKey.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** A consumer of committed records only, in its own group, from the earliest offset. */
    KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "gate-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Sum of one of the app's counters over the tag combinations that match. */
    double counter(String name, String... tags) {
        return app.registry().find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** A 30,000 USD monthly budget burning at 15x in every window: the fast-burn rule pages. */
    static BurnRate paging(String scope, Instant now) {
        List<BurnWindow> windows = new ArrayList<>();
        for (String window : List.of("5m", "30m", "1h", "6h", "3d")) {
            windows.add(BurnWindow.newBuilder().setWindow(window).setBurnRate(15.0)
                    .setSpend(Money.of(new BigDecimal("100"))).build());
        }
        return BurnRate.newBuilder()
                .setScope(scope)
                .setCurrency("USD")
                .setBudgetAmount(Money.of("30000"))
                .setPeriod("MONTH")
                .setPeriodStart(now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(10)))
                .setPeriodEnd(now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(20)))
                .setEvaluatedAt(now)
                .setConsumed(Money.of("15600"))
                .setProjectedPeriodSpend(Money.of("61200"))
                .setWindows(windows)
                .build();
    }

    @Override
    public void close() {
        producer.close();
        app.close();
        broker.close();
    }
}
