package io.spendstream.deploy.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.alerting.AlertGateSettings;
import io.spendstream.anomaly.alerting.AlertGateTopology;
import io.spendstream.anomaly.burn.BurnRateSettings;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * The anomaly app's alert gate on a real broker with four partitions, where the TopologyTestDriver's single
 * partition cannot show it: a silence read from one partition of {@code spend.silences} must reach the gate task of
 * every partition (the gate's repartition topic copies it to all), and its deletion must release the alerts held on
 * each of them.
 */
class AlertGateIntegrationTest {

    private static final int PARTITIONS = 4;
    private static final int SCOPES = 12;

    @TempDir
    Path dataDir;

    @Test
    void shouldSilenceAlertsOnEveryPartitionAndReleaseThemAllWhenTheSilenceIsDeleted() throws Exception {
        String registry = SchemaRegistryClients.MOCK_PREFIX + "gate-it-" + UUID.randomUUID();
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(registry, null));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), FreePorts.next(),
                FreePorts.next(), Map.of());
                RunningApp app = StreamsAppRunner.start(new AnomalyApp(), config(broker, registry));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("anomaly app running").isTrue();
            consumer.subscribe(List.of(topics.alerts.name()));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

            String silence = "{\"scopeType\":\"all\",\"startsAt\":\"" + now.minusSeconds(60) + "\",\"endsAt\":\""
                    + now.plusSeconds(3600) + "\",\"reason\":\"failover drill\",\"createdBy\":\"it\"}";
            producer.send(topics.silences.serialize("drill", silence.getBytes(StandardCharsets.UTF_8))).get();
            // Once the silence has been read, its copies are in every gate partition ahead of any later alert.
            await("the silence read by the anomaly app").atMost(Duration.ofSeconds(60))
                    .until(() -> counter(app, "spendstream.records.in") >= 1);

            for (int i = 0; i < SCOPES; i++) {
                producer.send(topics.burnRate.serialize("service:svc-" + i, paging("service:svc-" + i, now)));
            }
            producer.flush();
            await("every page held by the silence").atMost(Duration.ofSeconds(60))
                    .until(() -> counter(app, AlertGateTopology.SUPPRESSED, "reason", "silenced") >= SCOPES);
            assertThat(counter(app, AlertGateTopology.EMITTED)).isZero();

            producer.send(topics.silences.serialize("drill", null)).get();

            List<ConsumerRecord<byte[], byte[]>> fired = new ArrayList<>();
            await("a FIRING for each of the " + SCOPES + " scopes after the silence was deleted")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(fired::add);
                        return fired.size() >= SCOPES;
                    });
            List<Alert> alerts = fired.stream().map(topics.alerts::value).toList();
            assertThat(alerts).extracting(Alert::getStatus).containsOnly(AlertStatus.FIRING);
            assertThat(alerts).extracting(Alert::getDedupKey).doesNotHaveDuplicates().hasSize(SCOPES);
            Set<Integer> partitions = new HashSet<>();
            fired.forEach(r -> partitions.add(r.partition()));
            // The alerts topic is keyed like the gate's repartition topic: several gate tasks released them.
            assertThat(partitions).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    private Map<String, String> localSettings(EmbeddedKafkaBroker broker, String registry) {
        Map<String, String> local = new HashMap<>();
        local.put("bootstrap.servers", broker.bootstrapServers());
        local.put("schema.registry.url", registry);
        local.put("spendstream.state.dir", dataDir.resolve("state").toString());
        local.put("spendstream.topics.partitions", Integer.toString(PARTITIONS));
        local.put("spendstream.metrics.port", "0");
        local.put("spendstream.application.id.prefix", "gate-it-" + UUID.randomUUID().toString().substring(0, 8)
                + "-");
        local.put(BurnRateSettings.RESOLVE_AFTER, "0s");
        local.put(AlertGateSettings.COOLDOWN, "0s");
        return local;
    }

    private io.spendstream.runtime.config.SpendstreamConfig config(EmbeddedKafkaBroker broker, String registry) {
        AnomalyApp app = new AnomalyApp();
        return ConfigLoader.load(app.defaults(), Optional.empty(), Map.of(), localSettings(broker, registry));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafkaBroker broker) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "gate-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static double counter(RunningApp app, String name, String... tags) {
        return app.registry().find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** A 30,000 USD monthly budget burning at 15x in every window: the fast-burn rule pages. */
    private static BurnRate paging(String scope, Instant now) {
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
}
