package io.spendstream.deploy.outage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.UnitCost;
import io.spendstream.deploy.TopicReads;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.example.MeteredEstate;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import io.spendstream.schemas.serde.ConfluentWireFormat;

/**
 * Issue 15, outages are waited out: the four apps (in this JVM, exactly-once) reach the schema registry through a
 * {@link RegistryProxy}. One run, three outages, rows of a {@link MeteredEstate} sent during each:
 * <ol>
 * <li>the registry <b>down</b> for {@code spendstream.it.outage} (default 6 s; {@code -Dspendstream.it.outage=30}
 * for the 30 s of the issue): every app
 * stays up and turns not-ready; a dead letter of each path (a validation reject in ingest, bytes that are not Avro
 * read by enrich) is written while the registry is down, while a cost record of a newer producer (a schema id enrich
 * has not seen) waits for the registry instead of being dead-lettered; anomaly, restarted meanwhile, waits at
 * start-up (live, not ready) and starts once the registry is back;</li>
 * <li>the registry answering <b>401</b> for half that;</li>
 * <li>the <b>broker</b> stopped and restarted on its data.</li>
 * </ol>
 * After each, every app is ready again by itself and the hourly unit cost (attribution, fed by ingest and enrich)
 * equals the estimates sent so far exactly; at the end {@code spend.cost} (read_committed) holds every metered row
 * exactly once, no app has a fatal error and each still runs its stream thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageIntegrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(OutageIntegrationTest.class);

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("spendstream.it.outage", 6));
    private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
    private static final MeteredEstate ESTATE = new MeteredEstate("i-outage-", DAY, List.of("svc-a", "svc-b"), 3,
            null);
    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    @TempDir
    static Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private int kafkaPort;
    private int controllerPort;
    private EmbeddedKafkaBroker broker;
    private LocalSchemaRegistry registry;
    private RegistryProxy proxy;
    private SpendstreamTopics topics;
    private final Map<String, String> settings = new HashMap<>();
    private final Map<String, RunningApp> apps = new LinkedHashMap<>();
    private final Map<String, UnitCost> unitCosts = new HashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private BigDecimal sent = BigDecimal.ZERO;
    private Schema newerCostSchema;
    private int rowsSent;

    @BeforeAll
    void startBrokerRegistryAndApps() throws IOException {
        kafkaPort = FreePorts.next();
        controllerPort = FreePorts.next();
        broker = startBroker();
        registry = LocalSchemaRegistry.start(broker.bootstrapServers(), 0, LocalSchemaRegistry.DEFAULT_STORAGE_TOPIC);
        proxy = new RegistryProxy(registry.url());
        // The test reads with its own client straight to the registry: what it checks must not wait for the proxy.
        topics = new SpendstreamTopics(TopicNames.defaults(), SchemaRegistryClients.forUrl(registry.url(), null));
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", proxy.url());
        settings.put("spendstream.application.id.prefix",
                "outage-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        settings.put("spendstream.state.dir", dataDir.resolve("state").toString());
        settings.put("spendstream.topics.partitions", "1");
        settings.put("spendstream.metrics.port", "0");
        // Probes every second: /ready follows an outage within two.
        settings.put("spendstream.health.probe.interval", "1s");
        settings.put("session.timeout.ms", "6000");
        settings.put("heartbeat.interval.ms", "2000");
        // Enrich first: it creates every topic, so the prices and tags are in before ingest starts.
        start("enrich");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String sku : MeteredEstate.SKUS) {
                producer.send(record(topics.prices.name(), sku, MeteredEstate.priceJson(sku)));
            }
            for (int r = 0; r < ESTATE.resources(); r++) {
                producer.send(record(topics.tags.name(), ESTATE.resource(r), ESTATE.tagJson(r)));
            }
        }
        for (String app : List.of("ingest", "attribution", "anomaly")) {
            start(app);
        }
    }

    @AfterAll
    void stopEverything() {
        apps.values().forEach(RunningApp::close);
        for (AutoCloseable closeable : new AutoCloseable[] {proxy, registry, broker}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", closeable, e.toString());
            }
        }
    }

    @Test
    void shouldWaitOutARegistryOutageA401AndABrokerRestartAndCatchUpExactly() throws Exception {
        awaitAllReady("start-up");
        int newerSchemaId = registerNewerCostSchema();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
            consumer.subscribe(List.of(topics.unitCost.name(), topics.dlq.name()));
            sendHours(0, 2);
            awaitCaughtUp(consumer, "before any outage");

            // 1. The registry is down; anomaly is restarted into the outage.
            long down = System.nanoTime();
            proxy.set(RegistryProxy.Mode.DOWN);
            LOG.info("Registry down for {} s", OUTAGE.toSeconds());
            sendHours(2, 4);
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                producer.send(new ProducerRecord<>(topics.usageRaw.name(), null, "not json".getBytes()));
                producer.send(new ProducerRecord<>(topics.cost.name(), null, "not avro".getBytes()));
            }
            awaitNoneReady("the registry is down");
            apps.remove("anomaly").close();
            int anomalyPort = FreePorts.next();
            CompletableFuture<RunningApp> anomaly = CompletableFuture.supplyAsync(() -> run("anomaly", anomalyPort));
            await("anomaly waiting at start-up: live, not ready").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(get(anomalyPort, "/health").statusCode()).isEqualTo(200);
                HttpResponse<String> ready = get(anomalyPort, "/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("\"state\":\"STARTING\"", "\"schema-registry\"");
            });
            await("both dead letters written while the registry is down").atMost(OUTAGE.multipliedBy(4))
                    .untilAsserted(() -> {
                        poll(consumer);
                        assertThat(deadLetters).extracting(DeadLetter::getStage, DeadLetter::getReason)
                                .containsExactlyInAnyOrder(tuple("ingest", "invalid-json"),
                                        tuple("enrich", "deserialization-error"));
                    });
            assertThat(anomaly).isNotDone();
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                // A cost record of a newer producer: enrich has never seen its schema id and must wait for it (after
                // the dead letters: a stream thread that waits commits nothing meanwhile).
                producer.send(new ProducerRecord<>(topics.cost.name(), null, newerWriterCost(newerSchemaId)));
            }
            sleepUntil(down, OUTAGE);
            // The outage lasts until enrich has met the newer schema id and waits for it: on a loaded machine the
            // record can reach its stream thread later than OUTAGE after the registry went down.
            await("enrich waiting in its stream thread for the newer schema").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(get(apps.get("enrich").metricsPort(), "/metrics").body())
                            .containsPattern("spendstream_schema_registry_retries_total\\{[^}]*\\} [1-9]"));
            assertNoneReady("the registry is still down after " + OUTAGE.toSeconds() + " s");
            proxy.set(RegistryProxy.Mode.FORWARD);
            LOG.info("Registry back after {} s; anomaly waited at start-up, every other app runs", seconds(down));
            long back = System.nanoTime();
            apps.put("anomaly", anomaly.get(60, java.util.concurrent.TimeUnit.SECONDS));
            awaitAllReady("the registry is back");
            LOG.info("All four apps ready {} ms after the registry came back", millis(back));
            awaitCaughtUp(consumer, "after the registry outage");

            // 2. The registry answers 401.
            long refused = System.nanoTime();
            proxy.set(RegistryProxy.Mode.UNAUTHORIZED);
            LOG.info("Registry answers 401 for {} s", OUTAGE.dividedBy(2).toSeconds());
            sendHours(4, 6);
            awaitNoneReady("the registry answers 401");
            sleepUntil(refused, OUTAGE.dividedBy(2));
            assertNoneReady("the registry still answers 401");
            proxy.set(RegistryProxy.Mode.FORWARD);
            back = System.nanoTime();
            awaitAllReady("the registry accepts again");
            LOG.info("All four apps ready {} ms after the 401s ended", millis(back));
            awaitCaughtUp(consumer, "after the 401s");

            // 3. The broker stops and comes back on its data.
            long stopped = System.nanoTime();
            broker.close();
            awaitNoneReady("the broker is down");
            LOG.info("Broker stopped; no app ready {} ms later", millis(stopped));
            broker = startBroker();
            back = System.nanoTime();
            awaitAllReady("the broker is back");
            LOG.info("All four apps ready {} ms after the broker restarted", millis(back));
            sendHours(6, 8);
            awaitCaughtUp(consumer, "after the broker restart");
        }

        List<CostRecord> costs = TopicReads.readAll(broker.bootstrapServers(), topics.cost.name(), "read_committed")
                .stream()
                .filter(r -> r.value() != null && r.value().length > 0 && r.value()[0] == 0)
                .map(topics.cost::value).toList();
        assertThat(costs).as("every metered row exactly once in spend.cost").hasSize(rowsSent)
                .extracting(c -> c.getResourceId() + "@" + c.getChargePeriodStart()).doesNotHaveDuplicates();
        assertThat(sum(costs.stream().map(CostRecord::getEffectiveCost).toList())).isEqualTo(sent);
        assertThat(deadLetters).as("only the two bad records were dead-lettered").hasSize(2);
        for (RunningApp app : apps.values()) {
            assertThat(app.fatalError()).as("%s fatal error", app.applicationId()).isEmpty();
            assertThat(app.streams().metadataForLocalThreads()).as("%s stream threads", app.applicationId())
                    .hasSize(1);
        }
    }

    /** spend.cost's value schema with one more optional field, as a newer producer would register it. */
    private int registerNewerCostSchema() {
        Schema current = CostRecord.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("exportBatch", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "added by a newer exporter", Schema.Field.NULL_DEFAULT_VALUE));
        newerCostSchema = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
                fields);
        return topics.registry().register(topics.cost.name() + "-value", newerCostSchema);
    }

    /** A metered cost of resource 0 at hour 8 (no other row has that hour), framed with the newer schema's id. */
    private byte[] newerWriterCost(int schemaId) throws IOException {
        Instant hour = DAY.plus(Duration.ofHours(8));
        BigDecimal amount = Money.of(new BigDecimal("7.25"));
        CostRecord cost = CostRecord.newBuilder().setChargeId("outage-newer-writer").setCostSource("metered")
                .setResourceId(ESTATE.resource(0)).setSkuPriceId(MeteredEstate.sku(0))
                .setChargePeriodStart(hour).setChargePeriodEnd(hour.plus(Duration.ofHours(1)))
                .setEffectiveCost(amount).setCurrency("USD").setOriginalEffectiveCost(amount).setOriginalCurrency("USD")
                .build();
        GenericRecord newer = new GenericData.Record(newerCostSchema);
        for (Schema.Field field : CostRecord.getClassSchema().getFields()) {
            newer.put(field.name(), cost.get(field.name()));
        }
        newer.put("exportBatch", "batch-42");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ConfluentWireFormat.header(schemaId, 0).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(newerCostSchema, SpecificData.getForClass(CostRecord.class))
                .write(newer, encoder);
        encoder.flush();
        sent = sent.add(amount).stripTrailingZeros();
        rowsSent++;
        return out.toByteArray();
    }

    private void start(String name) {
        apps.put(name, run(name, 0));
    }

    private RunningApp run(String name, int metricsPort) {
        StreamsApp app = Apps.create(name);
        Map<String, String> local = new HashMap<>(settings);
        local.put("spendstream.metrics.port", String.valueOf(metricsPort));
        return StreamsAppRunner.start(app, ConfigLoader.load(app.defaults(), Optional.empty(), Map.of(), local));
    }

    private EmbeddedKafkaBroker startBroker() {
        return EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort, controllerPort, Map.of());
    }

    /** The metered rows of every resource for hours [from, to), their estimates added to what is expected. */
    private void sendHours(int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int h = from; h < to; h++) {
                for (int r = 0; r < ESTATE.resources(); r++) {
                    producer.send(record(topics.usageRaw.name(), ESTATE.resource(r), ESTATE.meteredRow(r, h)));
                    sent = sent.add(ESTATE.estimate(r, h));
                    rowsSent++;
                }
            }
        }
        sent = sent.stripTrailingZeros();
    }

    private void awaitCaughtUp(KafkaConsumer<byte[], byte[]> consumer, String when) {
        await("hourly unit cost equal to the estimates sent, " + when).atMost(CATCH_UP)
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    poll(consumer);
                    assertThat(sum(unitCosts.values().stream().map(UnitCost::getCost).toList())).isEqualTo(sent);
                });
        LOG.info("Caught up {}: hourly unit cost {} = estimates sent", when, sent.toPlainString());
    }

    private void awaitAllReady(String when) {
        await("every app ready: " + when).atMost(CATCH_UP).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    for (RunningApp app : apps.values()) {
                        assertThat(get(app.metricsPort(), "/ready").statusCode()).as(app.applicationId())
                                .isEqualTo(200);
                    }
                });
    }

    private void awaitNoneReady(String when) {
        await("no app ready: " + when).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertNoneReady(when));
    }

    private void assertNoneReady(String when) throws Exception {
        for (RunningApp app : apps.values()) {
            assertThat(get(app.metricsPort(), "/ready").statusCode()).as("%s /ready: %s", app.applicationId(), when)
                    .isEqualTo(503);
            assertThat(get(app.metricsPort(), "/health").statusCode()).as("%s /health: %s", app.applicationId(), when)
                    .isEqualTo(200);
        }
    }

    private static long seconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toSeconds();
    }

    private static long millis(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }

    /** Waits out the rest of an outage that began at {@code start}: the outage's length is the scenario. */
    private static void sleepUntil(long start, Duration length) throws InterruptedException {
        long left = length.toMillis() - Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.unitCost.name())) {
                UnitCost u = topics.unitCost.value(r);
                if (u.getWindowSize().equals("PT1H")) {
                    unitCosts.put(u.getService() + "@" + u.getWindowStart(), u);
                }
            } else {
                deadLetters.add(topics.dlq.value(r));
            }
        }
    }

    private static BigDecimal sum(List<BigDecimal> amounts) {
        return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add).stripTrailingZeros();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(), value.getBytes());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        return TopicReads.consumer(broker.bootstrapServers(), isolation);
    }
}
