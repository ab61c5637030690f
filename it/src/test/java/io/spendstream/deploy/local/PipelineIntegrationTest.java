package io.spendstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.UnitCost;
import io.spendstream.deploy.demo.DemoIncidentFeed;
import io.spendstream.deploy.demo.DemoScenario;
import io.spendstream.runtime.RunningApp;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * The whole pipeline against a real in-process KRaft broker and the local schema registry: the four apps as
 * {@code spendstream up} runs them, fed FOCUS + APM JSON with one cost incident and one unparseable record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIntegrationTest {

    /** The team owning {@link DemoScenario#INCIDENT_SERVICE} in the demo's tags, its only service. */
    private static final String INCIDENT_TEAM = "ml-platform";

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;

    @BeforeAll
    void startPipeline() throws IOException {
        int kafkaPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, kafkaPort, controllerPort, 0, true,
                Map.of("spendstream.application.id.prefix", "it-" + UUID.randomUUID().toString().substring(0, 8)
                        + "-")));
        topics = new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(pipeline.registryUrl(), null));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldTurnUsageAndApmIntoUnitCostAnomalyAlertAndDeadLetter() throws Exception {
        DemoScenario scenario = new DemoScenario(7);
        // Three minutes of incident, then two quiet minutes so it can resolve.
        DemoIncidentFeed.send(pipeline, topics, scenario, Duration.ofMinutes(2));

        List<Anomaly> anomalies = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<UnitCost> unitCosts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topics.anomalies.name(), topics.alerts.name(), topics.dlq.name(),
                    topics.unitCost.name()));
            await("an OPEN anomaly and a FIRING alert for " + DemoScenario.INCIDENT_SERVICE + ", and a dead letter")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            collect(r, topics.anomalies, anomalies);
                            collect(r, topics.alerts, alerts);
                            collect(r, topics.dlq, deadLetters);
                            collect(r, topics.unitCost, unitCosts);
                        }
                        return anomalies.stream().anyMatch(a -> a.getState() == AnomalyState.OPEN)
                                && alerts.stream().anyMatch(a -> a.getStatus() == AlertStatus.FIRING)
                                && !deadLetters.isEmpty();
                    });
        }

        Anomaly open = anomalies.stream().filter(a -> a.getState() == AnomalyState.OPEN
                && a.getScopeType().equals("service")).findFirst().orElseThrow();
        assertThat(open.getScope()).as("first anomaly opened; all anomalies: %s; dead letters: %s", anomalies,
                deadLetters.stream().map(d -> d.getStage() + "/" + d.getReason()).toList())
                .isEqualTo(DemoScenario.INCIDENT_SERVICE);
        assertThat(open.getTopContributors()).as("contributors of %s", open).isNotEmpty();
        assertThat(open.getTopContributors().get(0).getKind()).isEqualTo("resource");
        assertThat(open.getTopContributors().get(0).getName()).isEqualTo(DemoScenario.INCIDENT_RESOURCE);
        assertThat(open.getTopContributors()).extracting(c -> c.getName()).doesNotContain("i-0recs-api01");
        assertThat(anomalies).extracting(Anomaly::getScopeType).isSubsetOf("service", "team");
        assertThat(anomalies).filteredOn(a -> a.getScopeType().equals("service"))
                .allMatch(a -> a.getScope().equals(DemoScenario.INCIDENT_SERVICE),
                        "only the incident service is anomalous");
        // Its team (it has no other service) sees the same spike: recorded, named after the service, no second page.
        assertThat(anomalies).filteredOn(a -> a.getScopeType().equals("team")).allSatisfy(a -> {
            assertThat(a.getScope()).isEqualTo(INCIDENT_TEAM);
            // A window of the incident (the demo's is tenfold) names the service; a quiet window on the way to
            // resolving has nothing that moved, and names the team itself.
            boolean incidentWindow = a.getObserved().compareTo(a.getExpected().multiply(BigDecimal.valueOf(2))) > 0;
            if (a.getState() != AnomalyState.RESOLVED && incidentWindow) {
                assertThat(a.getTopContributors().get(0).getName()).isEqualTo(DemoScenario.INCIDENT_SERVICE);
            }
        });
        // One alert: the service's (the gate may send it again with figures that rose, under the same key).
        assertThat(alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING)).isNotEmpty()
                .allSatisfy(a -> assertThat(a.getDedupKey())
                        .isEqualTo("cost-spike:service:" + DemoScenario.INCIDENT_SERVICE));
        assertThat(anomalies).allMatch(a -> a.getType() == AnomalyType.COST_SPIKE, "the incident is a spike, no drop");
        assertThat(deadLetters.get(0).getReason()).isEqualTo("invalid-json");
        assertThat(deadLetters.get(0).getSourceTopic()).isEqualTo(topics.usageRaw.name());
        assertThat(unitCosts).anyMatch(u -> u.getService().equals("checkout") && u.getRequests() > 0
                && u.getCostPerRequest() != null);
        assertMetricsServed(pipeline.apps().get(0));
    }

    @Test
    void shouldDeadLetterBytesThatAreNotAvroEvenWhenAPartitionReceivesNothingElse() {
        // Only garbage on spend.cost: the dead letter must still be committed (exactly-once writes it inside the
        // task's transaction, which commits although no record was processed successfully).
        byte[] garbage = "definitely not confluent avro".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.cost.name(), "poison".getBytes(), garbage));
            producer.flush();
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topics.dlq.name()));
            await("a committed dead letter for the garbage record on " + topics.cost.name())
                    .atMost(Duration.ofSeconds(60)).until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            DeadLetter letter = topics.dlq.value(r);
                            if (topics.cost.name().equals(letter.getSourceTopic())) {
                                deadLetters.add(letter);
                            }
                        }
                        return !deadLetters.isEmpty();
                    });
        }
        DeadLetter letter = deadLetters.get(0);
        assertThat(letter.getStage()).isEqualTo("enrich");
        assertThat(letter.getPhase()).isEqualTo(io.spendstream.avro.FailurePhase.DESERIALIZATION);
        assertThat(letter.getReason()).isEqualTo("deserialization-error");
        assertThat(letter.getMessage()).contains("magic byte");
        assertThat(AvroBytes.of(letter.getRawValue())).isEqualTo(garbage);
    }

    @Test
    void shouldBeReadableByConfluentsOwnPythonClientThroughTheRegistry() throws Exception {
        Path script = Path.of("..", "deploy", "scripts", "confluent-decode.py").toAbsolutePath().normalize();
        boolean clientInstalled = new ProcessBuilder("/usr/bin/python3", "-c", "import confluent_kafka.avro")
                .redirectErrorStream(true).start().waitFor() == 0;
        // CI installs Debian's python3-confluent-kafka (.ci/run) and must run this check; elsewhere it needs it too.
        org.junit.jupiter.api.Assumptions.assumeTrue(clientInstalled || System.getenv("CI") != null,
                "Debian's python3-confluent-kafka is not installed: apt-get install -y python3-confluent-kafka "
                        + "python3-avro python3-requests");
        assertThat(clientInstalled).as("python3-confluent-kafka must be installed in CI").isTrue();

        Instant window = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.tags.name(), "i-0python",
                    "{\"service\":\"python-check\",\"team\":\"interop\"}"));
            producer.flush();
            producer.send(new ProducerRecord<>(topics.usageRaw.name(), null, "{\"EffectiveCost\":\"0.125\","
                    + "\"BillingCurrency\":\"USD\",\"ChargePeriodStart\":\"" + window + "\","
                    + "\"ChargePeriodEnd\":\"" + window.plusSeconds(60) + "\",\"ResourceId\":\"i-0python\"}"));
            producer.flush();
        }
        Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), topics.unitCost.name(),
                "--bootstrap-servers", pipeline.bootstrapServers(), "--schema-registry-url", pipeline.registryUrl(),
                "--key", "python-check", "--max", "1", "--timeout", "60").redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as(output).isZero();
        assertThat(output).contains("key='python-check'").contains("'service': 'python-check'")
                .contains("'cost': Decimal('0.125000000000')");
    }

    private void assertMetricsServed(RunningApp ingest) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + ingest.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("kafka_stream").contains("spendstream_records_in_total");
    }

    /** Copies the bytes of an Avro bytes field. */
    private static final class AvroBytes {
        static byte[] of(java.nio.ByteBuffer buffer) {
            java.nio.ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
    }

    private static <V> void collect(ConsumerRecord<byte[], byte[]> record, Topic<?, V> topic, List<V> into) {
        TestPipelines.collect(record, topic, into);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return TestPipelines.consumer(pipeline);
    }
}
