package io.spendstream.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

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
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.Reconciliation;
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

/**
 * Issue 13, chaos safety of the reconciliation path: estimate supersession (ingest, store {@code estimate-days},
 * repartition {@code estimate-match}) and reconciliation (attribution, store {@code attribution-reconciliation-hours})
 * keep exactly-once when their processes die. Ingest and attribution run as separate JVMs ({@link AppProcess},
 * {@code spendstream run}, exactly_once_v2) against a broker in this JVM; enrich runs in this JVM and is never
 * killed. While the metered rows of 20 resources x 12 hours, and then their bill rows (each 5% under to 5% over its
 * estimate), trickle in, ingest and attribution are SIGKILLed several times each, alone and together, and restarted
 * on the same state directories.
 *
 * <p>At the end, read_committed: {@code spend.cost} holds every estimate, every bill row and exactly one
 * {@code estimate-reversal} per resource, SKU and hour (minus that hour's estimate), and sums to the bill exactly;
 * hourly unit cost per service and hourly showback per team equal the bill; {@code spend.reconciliation}'s latest
 * record per service, SKU and hour has the superseded estimates and the bill.
 */
@Isolated("kills app processes: its restart timing must not compete with another test's broker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupersessionCrashTest {

    private static final Logger LOG = LoggerFactory.getLogger(SupersessionCrashTest.class);

    private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
    private static final int HOURS = 12;
    private static final List<String> SERVICES = List.of("svc-a", "svc-b", "svc-c", "svc-d");
    /** Five resources per service, both SKUs in each; every bill 5% under to 5% over its estimate. */
    private static final MeteredEstate ESTATE = new MeteredEstate("i-crash-", DAY, SERVICES, 5, null);
    private static final int RESOURCES = ESTATE.resources();
    /** Pace of the rows: a phase's 240 rows take about 42 s, as long as its four rounds of kills and restarts. */
    private static final Duration ROW_PACE = Duration.ofMillis(175);
    /** Started, killed, started: a restart must be RUNNING again within this (rejoin + state restore). */
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDir;

    private final Random random = new Random(13);
    private EmbeddedKafkaBroker broker;
    private LocalSchemaRegistry registry;
    private RunningApp enrich;
    private AppProcess ingest;
    private AppProcess attribution;
    private SpendstreamTopics topics;
    private int kills;

    private final Map<String, UnitCost> unitCosts = new HashMap<>();
    private final Map<String, Allocation> allocations = new HashMap<>();
    private final Map<String, Reconciliation> reconciliations = new HashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    @BeforeAll
    void startBrokerEnrichAndAppProcesses() throws IOException {
        broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), FreePorts.next(), FreePorts.next(), Map.of());
        registry = LocalSchemaRegistry.start(broker.bootstrapServers(), 0, LocalSchemaRegistry.DEFAULT_STORAGE_TOPIC);
        topics = new SpendstreamTopics(TopicNames.defaults(), SchemaRegistryClients.forUrl(registry.url(), null));
        String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Map<String, String> settings = Map.of(
                "spendstream.application.id.prefix", prefix,
                "spendstream.state.dir", dataDir.resolve("state").toString(),
                // One partition per topic, as the local pipeline runs: every stage reads in event-time order.
                "spendstream.topics.partitions", "1",
                // A killed member leaves the group after 6 s (the broker's minimum) instead of 45 s, so that its
                // restart is RUNNING within seconds; heartbeats a third of that.
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "2000",
                // Transactions open for a second instead of 100 ms: a kill while rows flow then nearly always lands in
                // a transaction that has records on the broker already (counted as aborted records at the end).
                // Exactly-once does not depend on the interval; this only makes the crashes bite.
                "commit.interval.ms", "1000");

        StreamsApp enrichApp = Apps.create("enrich");
        Map<String, String> local = new HashMap<>(settings);
        local.put("bootstrap.servers", broker.bootstrapServers());
        local.put("schema.registry.url", registry.url());
        local.put("spendstream.metrics.port", "0");
        // Creates every topic of the pipeline before anything is produced.
        enrich = StreamsAppRunner.start(enrichApp, ConfigLoader.load(enrichApp.defaults(), Optional.empty(), Map.of(),
                local));
        // Metrics on any free port at each start (AppProcess reads it from the log): a port picked free beforehand
        // can be taken by a client connection by the time of a restart.
        ingest = new AppProcess("ingest", broker.bootstrapServers(), registry.url(), 0, settings,
                dataDir.resolve("ingest.log"));
        attribution = new AppProcess("attribution", broker.bootstrapServers(), registry.url(), 0,
                settings, dataDir.resolve("attribution.log"));
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        for (AppProcess child : new AppProcess[] {ingest, attribution}) {
            if (child != null) {
                child.close();
            }
        }
        if (enrich != null) {
            enrich.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldNeitherLoseNorDoubleASupersessionWhenIngestAndAttributionAreKilledMidFlow() throws Exception {
        long started = System.nanoTime();
        try (KafkaProducer<String, String> producer = producer()) {
            for (String sku : MeteredEstate.SKUS) {
                producer.send(new ProducerRecord<>(topics.prices.name(), sku, MeteredEstate.priceJson(sku)));
            }
            for (int r = 0; r < RESOURCES; r++) {
                producer.send(new ProducerRecord<>(topics.tags.name(), ESTATE.resource(r), ESTATE.tagJson(r)));
            }
            producer.flush();
        }
        // Ingest's global price table is complete before its stream threads start: no estimate finds no price.
        ingest.start();
        attribution.start();
        ingest.awaitReady(RESTART_TIMEOUT);
        attribution.awaitReady(RESTART_TIMEOUT);

        Map<String, BigDecimal> estimate = new TreeMap<>();
        Map<String, BigDecimal> bill = new TreeMap<>();
        List<ProducerRecord<String, String>> metered = new ArrayList<>();
        List<ProducerRecord<String, String>> billed = new ArrayList<>();
        for (int h = 0; h < HOURS; h++) {
            for (int r = 0; r < RESOURCES; r++) {
                BigDecimal est = ESTATE.estimate(r, h);
                BigDecimal act = ESTATE.bill(r, h);
                estimate.put(r + "@" + h, est);
                bill.put(r + "@" + h, act);
                metered.add(new ProducerRecord<>(topics.usageRaw.name(), ESTATE.resource(r), ESTATE.meteredRow(r, h)));
                billed.add(new ProducerRecord<>(topics.usageRaw.name(), ESTATE.resource(r), ESTATE.billedRow(r, h)));
            }
        }
        BigDecimal estimatedTotal = sum(estimate.values());
        BigDecimal billedTotal = sum(bill.values());

        try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
            consumer.subscribe(List.of(topics.unitCost.name(), topics.allocation.name(),
                    topics.reconciliation.name(), topics.dlq.name()));

            sendWhileKilling(metered);
            await("the day's estimates in the hourly unit cost after " + kills + " kills").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        poll(consumer);
                        assertThat(hourlyUnitCostTotal()).isEqualTo(estimatedTotal);
                    });

            sendWhileKilling(billed);
            await("every money output at the bill and every hour reconciled after " + kills + " kills")
                    .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        poll(consumer);
                        assertThat(hourlyUnitCostTotal()).isEqualTo(billedTotal);
                        assertThat(sumOfTeams()).isEqualTo(billedTotal);
                        assertThat(reconciliations).hasSize(SERVICES.size() * 2 * HOURS);
                        assertThat(reconciliations.values()).allSatisfy(rec ->
                                assertThat(rec.getBilled()).isEqualByComparingTo(billed(bill, rec)));
                    });
        }
        assertThat(billedTotal).isNotEqualTo(estimatedTotal);

        // spend.cost, committed: each estimate, bill row and reversal exactly once, and the whole equal to the bill.
        List<CostRecord> costs = readAll(topics.cost.name(), "read_committed").stream()
                .map(topics.cost::value).toList();
        Map<String, List<CostRecord>> bySourceResourceHour = new HashMap<>();
        for (CostRecord cost : costs) {
            bySourceResourceHour.computeIfAbsent(cost.getCostSource() + "|" + cost.getResourceId() + "|"
                    + cost.getChargePeriodStart(), k -> new ArrayList<>()).add(cost);
        }
        for (int r = 0; r < RESOURCES; r++) {
            for (int h = 0; h < HOURS; h++) {
                Instant hour = DAY.plus(Duration.ofHours(h));
                String at = ESTATE.resource(r) + "|" + hour;
                BigDecimal est = estimate.get(r + "@" + h);
                assertThat(only(bySourceResourceHour, "metered|" + at).getEffectiveCost()).as("estimate of %s", at)
                        .isEqualByComparingTo(est);
                assertThat(only(bySourceResourceHour, "billing|" + at).getEffectiveCost()).as("bill of %s", at)
                        .isEqualByComparingTo(bill.get(r + "@" + h));
                CostRecord reversal = only(bySourceResourceHour, "estimate-reversal|" + at);
                assertThat(reversal.getEffectiveCost()).as("reversal of %s", at).isEqualByComparingTo(est.negate());
                assertThat(reversal.getSkuPriceId()).isEqualTo(MeteredEstate.sku(r));
            }
        }
        assertThat(costs).as("nothing but estimates, bill rows and their reversals").hasSize(3 * RESOURCES * HOURS);
        assertThat(sum(costs.stream().map(CostRecord::getEffectiveCost).toList())).isEqualTo(billedTotal);

        // Every hour of every service at the bill in unit cost and showback; reconciliation per service, SKU, hour.
        for (int h = 0; h < HOURS; h++) {
            Instant hour = DAY.plus(Duration.ofHours(h));
            for (String service : SERVICES) {
                BigDecimal expected = Money.ZERO;
                for (int r = 0; r < RESOURCES; r++) {
                    if (ESTATE.service(r).equals(service)) {
                        expected = expected.add(bill.get(r + "@" + h));
                    }
                }
                assertThat(unitCosts.get(service + "@" + hour).getCost()).as("unit cost of %s at %s", service, hour)
                        .isEqualByComparingTo(expected);
                assertThat(allocations.get(MeteredEstate.team(service) + "@" + hour).getTotal()).as("showback of %s at %s",
                        MeteredEstate.team(service), hour).isEqualByComparingTo(expected);
                for (String sku : MeteredEstate.SKUS) {
                    BigDecimal est = Money.ZERO;
                    BigDecimal act = Money.ZERO;
                    for (int r = 0; r < RESOURCES; r++) {
                        if (ESTATE.service(r).equals(service) && MeteredEstate.sku(r).equals(sku)) {
                            est = est.add(estimate.get(r + "@" + h));
                            act = act.add(bill.get(r + "@" + h));
                        }
                    }
                    Reconciliation rec = reconciliations.get(service + "@" + sku + "@" + hour);
                    assertThat(rec.getStatus()).isEqualTo("BILLED");
                    assertThat(rec.getEstimated()).as("estimate of %s %s at %s", service, sku, hour)
                            .isEqualByComparingTo(est);
                    assertThat(rec.getBilled()).as("bill of %s %s at %s", service, sku, hour)
                            .isEqualByComparingTo(act);
                }
            }
        }
        assertThat(deadLetters).as("nothing dead-lettered").isEmpty();

        // The kills bit: each app died at least once inside a transaction whose records were on the broker already
        // (read_uncommitted sees them, read_committed does not). Else this test would only show clean restarts.
        Map<String, Integer> aborted = new TreeMap<>();
        for (String topic : List.of(topics.cost.name(), ingest.applicationId() + "-estimate-match-repartition",
                ingest.applicationId() + "-estimate-days-changelog", topics.unitCost.name(), topics.allocation.name(),
                topics.reconciliation.name(), attribution.applicationId() + "-attribution-reconciliation-hours-changelog")) {
            aborted.put(topic, readAll(topic, "read_uncommitted").size() - readAll(topic, "read_committed").size());
        }
        LOG.info("{} kills, {} s in all; records of aborted transactions: {}", kills,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), aborted);
        assertThat(aborted.get(topics.cost.name()) + aborted.get(ingest.applicationId() + "-estimate-days-changelog"))
                .as("records of ingest's aborted transactions").isPositive();
        assertThat(aborted.get(topics.unitCost.name()) + aborted.get(topics.allocation.name())
                + aborted.get(topics.reconciliation.name()))
                .as("records of attribution's aborted transactions").isPositive();
    }

    /**
     * Sends {@code rows} at {@link #ROW_PACE} from another thread while this one kills and restarts: ingest, then
     * attribution, then both at once, twice, each a short random while after it became RUNNING (so: while it
     * processes rows or catches up the ones sent while it was down).
     */
    private void sendWhileKilling(List<ProducerRecord<String, String>> rows) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                for (ProducerRecord<String, String> row : rows) {
                    producer.send(row);
                    producer.flush();
                    Thread.sleep(ROW_PACE.toMillis());
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }, "crash-test-sender");
        sender.start();
        List<List<AppProcess>> victims = List.of(List.of(ingest), List.of(attribution), List.of(ingest, attribution),
                List.of(attribution, ingest));
        for (List<AppProcess> victim : victims) {
            // A kill while the app runs: after its restart, 0.3 to 1.5 s into its processing.
            Thread.sleep(300 + random.nextInt(1200));
            for (AppProcess app : victim) {
                app.kill();
                kills++;
                LOG.info("SIGKILLed {} (kill {})", app.app(), kills);
            }
            for (AppProcess app : victim) {
                app.start();
            }
            long killedAt = System.nanoTime();
            for (AppProcess app : victim) {
                app.awaitReady(RESTART_TIMEOUT);
            }
            LOG.info("{} RUNNING again {} ms after the kill", victim.stream().map(AppProcess::app).toList(),
                    Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
        }
        sender.join(Duration.ofMinutes(2).toMillis());
        assertThat(sender.isAlive()).as("sender done").isFalse();
        assertThat(failure.get()).as("sending rows").isNull();
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.unitCost.name())) {
                UnitCost u = topics.unitCost.value(r);
                if (u.getWindowSize().equals("PT1H")) {
                    unitCosts.put(u.getService() + "@" + u.getWindowStart(), u);
                }
            } else if (r.topic().equals(topics.allocation.name())) {
                Allocation a = topics.allocation.value(r);
                if (a.getDimension().equals("team") && a.getWindowSize().equals("PT1H")) {
                    allocations.put(a.getTeam() + "@" + a.getWindowStart(), a);
                }
            } else if (r.topic().equals(topics.reconciliation.name())) {
                Reconciliation rec = topics.reconciliation.value(r);
                reconciliations.put(rec.getService() + "@" + rec.getSku() + "@" + rec.getWindowStart(), rec);
            } else {
                deadLetters.add(topics.dlq.value(r));
            }
        }
    }

    private BigDecimal hourlyUnitCostTotal() {
        return sum(unitCosts.values().stream().map(UnitCost::getCost).toList());
    }

    private BigDecimal sumOfTeams() {
        return sum(allocations.values().stream().map(Allocation::getTotal).toList());
    }

    /** The bill of a reconciliation's service, SKU and hour. */
    private static BigDecimal billed(Map<String, BigDecimal> bill, Reconciliation rec) {
        int h = (int) Duration.between(DAY, rec.getWindowStart()).toHours();
        BigDecimal total = Money.ZERO;
        for (int r = 0; r < RESOURCES; r++) {
            if (ESTATE.service(r).equals(rec.getService()) && MeteredEstate.sku(r).equals(rec.getSku())) {
                total = total.add(bill.get(r + "@" + h));
            }
        }
        return total;
    }

    /** The one row of {@code key} (source, resource and hour): a crash may neither lose nor repeat it. */
    private static CostRecord only(Map<String, List<CostRecord>> rows, String key) {
        assertThat(rows.get(key)).as("rows of %s in spend.cost", key).isNotNull().hasSize(1);
        return rows.get(key).get(0);
    }

    private static BigDecimal sum(java.util.Collection<BigDecimal> amounts) {
        return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add).stripTrailingZeros();
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
        return TopicReads.readAll(broker.bootstrapServers(), topic, isolation);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        return TopicReads.consumer(broker.bootstrapServers(), isolation);
    }
}
