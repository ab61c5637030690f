package io.spendstream.deploy.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.avro.Allocation;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.avro.UnitCost;
import io.spendstream.deploy.load.LoadCommand;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.runtime.RunningApp;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import picocli.CommandLine;

/**
 * Replays the worked example of {@code docs/worked-example.md} exactly as a reader does: the files of
 * {@code docs/worked-example/} through the real {@code spendstream load} command (budgets, tags, usage) and the APM
 * lines as {@code kcat} would send them, into the whole local pipeline on an in-process broker; then reads
 * {@code spend.unit-cost}, {@code spend.allocation} and {@code spend.burn-rate} and checks that the final record of
 * every window and scope carries the numbers the doc prints (money compared exactly as {@code BigDecimal}).
 *
 * <p>The files keep their fixed day, 2026-11-18, so that the burn-rate numbers (which depend on the month's length
 * and on the time left in it) are the doc's forever. Two things of a fixed past day depend on the wall clock, not on
 * the data, and are lifted here: the tag store's history (30 days by default: tags loaded "now" would not reach back
 * to a day older than that) and the broker's 7-day retention (records stamped with an event time older than that
 * are deleted by the broker's next retention check). A reader avoids both by shifting the files to yesterday, as
 * the doc explains.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkedExampleTest {

    private static final Path EXAMPLE = Path.of("..", "docs", "worked-example").toAbsolutePath().normalize();
    private static final Path DOC = Path.of("..", "docs", "worked-example.md").toAbsolutePath().normalize();

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;

    @BeforeAll
    void startPipeline() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0,
                true, Map.of(
                "spendstream.application.id.prefix", "we-" + UUID.randomUUID().toString().substring(0, 8) + "-",
                // As the doc's `up --set`: one BurnRate per cost row, so the last record of a scope is its final
                // state (with the default 10 s, rows sharing a minute are rate-limited).
                "spendstream.burn-rate.emit-interval", "0s",
                // The fixed day may lie more than the default 30 days before the day this test runs.
                "spendstream.enrich.tags.history", "3650d")));
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
    void shouldProduceTheUnitCostAllocationAndBurnRateNumbersOfTheDoc() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()))) {
            keepRecordsOfAnyAge(admin);
            // The doc's order: budgets and tags first, and processed, before the usage. Their records are stamped
            // "now" while the costs are stamped 2026-11-18, and a Kafka Streams task reading both picks the older
            // record first: usage sent together with the tags could be joined before the tags are in the table.
            assertLoaded(load("budgets", "budgets.csv"), 2);
            assertLoaded(load("tags", "tags.csv"), 3);
            awaitConsumed(admin, "attribution", topics.budgets.name());
            awaitConsumed(admin, "enrich", topics.tags.name());
            assertLoaded(load("usage", "usage.csv"), 12);
            sendApmLikeKcat();
        }

        Map<String, UnitCost> unitCosts = new HashMap<>();
        Map<String, Allocation> allocations = new HashMap<>();
        Map<String, BurnRate> burnRates = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topics.unitCost.name(), topics.allocation.name(), topics.burnRate.name()));
            // Every amount in the example is positive, so a window or scope reaches the doc's numbers only once all
            // of its input has been counted: matching them is reaching the final state.
            await("the doc's unit costs, allocations and burn rates").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            keepLatest(r, unitCosts, allocations, burnRates);
                        }
                        assertUnitCosts(unitCosts);
                        assertAllocations(allocations);
                        assertBurnRates(burnRates);
                    });
        }
    }

    @Test
    void shouldPrintInTheDocTheNumbersThisTestChecks() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (String number : List.of("0.013888900000", "0.000005555560", "0.000005566693", "0.021198900000",
                "0.000008832875", "0.000005341885", "0.000005352177", "0.020576116667", "0.000029394452",
                "0.000027434822", "0.000028577940", "0.020576116647", "0.041666700000", "0.000013888900",
                "0.000013440871", "0.166666700000", "0.000057471276", "0.000057491100", "0.002100000000",
                "1.283543700000", "0.250000100000", "0.006300000000", "1.539843800000", "0.110705050001",
                "6.854775341300", "0.367005150001", "20.009377973800", "0.031883054400288", "0.005313842400048",
                "0.002656921200024", "0.000442820200004", "0.00003690168333366667", "0.0317092449600864",
                "0.0052848741600144", "0.0026424370800072", "0.0004404061800012", "0.0000367005150001")) {
            assertThat(doc).as("docs/worked-example.md prints %s", number).contains(number);
        }
    }

    private static void assertUnitCosts(Map<String, UnitCost> unitCosts) {
        // service, minute, cost, requests, errors, cost per request, cost per successful request, p95
        assertUnitCost(unitCosts, "checkout", "10:00", "0.013888900000", 2500, 5, "0.000005555560", "0.000005566693",
                125.2);
        assertUnitCost(unitCosts, "checkout", "10:01", "0.021198900000", 2400, 0, "0.000008832875", "0.000008832875",
                118.0);
        assertUnitCost(unitCosts, "checkout", "10:02", "0.013888900000", 2600, 5, "0.000005341885", "0.000005352177",
                140.0);
        assertUnitCost(unitCosts, "ledger", "10:00", "0.020576116667", 700, 0, "0.000029394452", "0.000029394452",
                9.0);
        assertUnitCost(unitCosts, "ledger", "10:01", "0.020576116667", 750, 0, "0.000027434822", "0.000027434822",
                9.0);
        assertUnitCost(unitCosts, "ledger", "10:02", "0.020576116667", 720, 0, "0.000028577940", "0.000028577940",
                10.0);
        assertUnitCost(unitCosts, "search", "10:00", "0.041666700000", 3000, 0, "0.000013888900", "0.000013888900",
                35.0);
        assertUnitCost(unitCosts, "search", "10:01", "0.041666700000", 3100, 0, "0.000013440871", "0.000013440871",
                36.0);
        assertUnitCost(unitCosts, "search", "10:02", "0.166666700000", 2900, 1, "0.000057471276", "0.000057491100",
                38.0);
        for (String minute : List.of("10:00", "10:01", "10:02")) {
            assertUnitCost(unitCosts, "unallocated", minute, "0.002100000000", 0, 0, null, null, null);
        }
        // The window's children: one resource with two SKUs; each kind sums to the window's cost.
        assertThat(unitCosts.get(unitCostKey("search", "10:02")).getChildren())
                .extracting(c -> c.getKind() + " " + c.getName() + " " + c.getCost().toPlainString())
                .containsExactly("resource i-0c3search 0.166666700000", "sku egress-internet 0.125000000000",
                        "sku vm-c7.xlarge 0.041666700000");
        // The hourly database row: 1/60 in each minute 10:00..10:58, the remainder in 10:59; the parts sum back.
        for (int minute = 3; minute < 59; minute++) {
            assertThat(unitCosts.get(unitCostKey("ledger", String.format("10:%02d", minute))).getCost())
                    .isEqualByComparingTo("0.020576116667");
        }
        assertThat(unitCosts.get(unitCostKey("ledger", "10:59")).getCost()).isEqualByComparingTo("0.020576116647");
        BigDecimal ledgerHour = unitCosts.values().stream().filter(u -> u.getService().equals("ledger"))
                .map(UnitCost::getCost).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(ledgerHour).isEqualByComparingTo("1.234567");
        assertThat(unitCosts.keySet().stream().filter(k -> !k.startsWith("ledger@")).count())
                .as("checkout, search and unallocated have unit costs in 10:00-10:02 only: %s", unitCosts.keySet())
                .isEqualTo(9);
    }

    private static void assertUnitCost(Map<String, UnitCost> unitCosts, String service, String minute, String cost,
            long requests, long errors, String perRequest, String perSuccess, Double p95) {
        UnitCost u = unitCosts.get(unitCostKey(service, minute));
        assertThat(u).as("unit cost of %s at %s", service, minute).isNotNull();
        assertThat(u.getWindowSize()).isEqualTo("PT1M");
        assertThat(u.getCurrency()).isEqualTo("USD");
        assertThat(u.getCost()).as("cost of %s at %s", service, minute).isEqualByComparingTo(cost);
        assertThat(u.getRequests()).as("requests of %s at %s", service, minute).isEqualTo(requests);
        assertThat(u.getErrors()).as("errors of %s at %s", service, minute).isEqualTo(errors);
        assertDecimal(u.getCostPerRequest(), perRequest, "cost per request of " + service + " at " + minute);
        assertDecimal(u.getCostPerSuccessfulRequest(), perSuccess, "cost per success of " + service + " at " + minute);
        if (p95 == null) {
            assertThat(u.getLatencyP95Ms()).isNull();
        } else {
            assertThat(u.getLatencyP95Ms()).as("p95 of %s at %s", service, minute).isCloseTo(p95, within(1e-9));
        }
    }

    private static void assertAllocations(Map<String, Allocation> allocations) {
        Map<String, String> expected = Map.of("payments", "1.283543700000", "discovery", "0.250000100000",
                "unallocated", "0.006300000000");
        // The hour, its day and its calendar month hold the same money: the example has one hour.
        Map<String, String> windowStarts = Map.of("PT1H", "2026-11-18T10:00:00Z", "PT24H", "2026-11-18T00:00:00Z",
                "P1M", "2026-11-01T00:00:00Z");
        for (String size : List.of("PT1H", "PT24H", "P1M")) {
            String windowStart = windowStarts.get(size);
            BigDecimal sum = BigDecimal.ZERO;
            for (Map.Entry<String, String> team : expected.entrySet()) {
                Allocation a = allocations.get(team.getKey() + "@" + size + "@" + windowStart);
                assertThat(a).as("%s allocation of %s from %s", size, team.getKey(), windowStart).isNotNull();
                assertThat(a.getDirect()).as("direct of %s (%s)", team.getKey(), size)
                        .isEqualByComparingTo(team.getValue());
                assertThat(a.getShared()).isEqualByComparingTo("0");
                assertThat(a.getTotal()).as("total of %s (%s)", team.getKey(), size)
                        .isEqualByComparingTo(team.getValue());
                sum = sum.add(a.getTotal());
            }
            assertThat(sum).as("teams + unallocated = the file's EffectiveCost total").isEqualByComparingTo(
                    "1.539843800000");
            // Per product: the three tagged resources are all the product store, the orphan volume unallocated.
            Map<String, String> products = Map.of("product:store", "1.533543800000", "product:unallocated",
                    "0.006300000000");
            BigDecimal productSum = BigDecimal.ZERO;
            for (Map.Entry<String, String> product : products.entrySet()) {
                Allocation a = allocations.get(product.getKey() + "@" + size + "@" + windowStart);
                assertThat(a).as("%s allocation of %s", size, product.getKey()).isNotNull();
                assertThat(a.getDirect()).as("direct of %s (%s)", product.getKey(), size)
                        .isEqualByComparingTo(product.getValue());
                assertThat(a.getTotal()).isEqualByComparingTo(product.getValue());
                productSum = productSum.add(a.getTotal());
            }
            assertThat(productSum).as("products + unallocated = the file's EffectiveCost total")
                    .isEqualByComparingTo("1.539843800000");
        }
        assertThat(allocations).hasSize(15);
    }

    private static void assertBurnRates(Map<String, BurnRate> burnRates) {
        assertBurnRate(burnRates.get("team:payments"), "30000", "1.283543700000", "6.854775341300", "0.110705050001",
                List.of(0.031883054400288, 0.005313842400048, 0.002656921200024, 0.000442820200004,
                        0.00003690168333366667));
        assertBurnRate(burnRates.get("all"), "100000", "1.539843800000", "20.009377973800", "0.367005150001",
                List.of(0.0317092449600864, 0.0052848741600144, 0.0026424370800072, 0.0004404061800012,
                        0.0000367005150001));
        assertThat(burnRates.keySet()).as("only scopes with a budget").containsExactlyInAnyOrder("team:payments",
                "all");
    }

    private static void assertBurnRate(BurnRate b, String budget, String consumed, String projected,
            String windowSpend, List<Double> rates) {
        assertThat(b).isNotNull();
        assertThat(b.getBudgetAmount()).isEqualByComparingTo(budget);
        assertThat(b.getPeriod()).isEqualTo("MONTH");
        assertThat(b.getPeriodStart()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(b.getPeriodEnd()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(b.getEvaluatedAt()).as("%s evaluated at", b.getScope())
                .isEqualTo(Instant.parse("2026-11-18T10:03:00Z"));
        assertThat(b.getConsumed()).as("%s consumed", b.getScope()).isEqualByComparingTo(consumed);
        assertThat(b.getProjectedPeriodSpend()).as("%s projected", b.getScope()).isEqualByComparingTo(projected);
        assertThat(b.getWindows().stream().map(BurnWindow::getWindow).toList())
                .containsExactly("5m", "30m", "1h", "6h", "3d");
        for (int i = 0; i < rates.size(); i++) {
            BurnWindow w = b.getWindows().get(i);
            assertThat(w.getSpend()).as("%s spend in %s", b.getScope(), w.getWindow())
                    .isEqualByComparingTo(windowSpend);
            // A ratio, rounded once to a double: the doc prints it to its 16 significant digits.
            assertThat(w.getBurnRate()).as("%s burn rate in %s", b.getScope(), w.getWindow())
                    .isCloseTo(rates.get(i), within(Math.ulp(rates.get(i)) * 2));
        }
        assertThat(b.getStagesCrossed()).isEmpty();
    }

    private static void assertDecimal(BigDecimal actual, String expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else {
            assertThat(actual).as(what).isEqualByComparingTo(expected);
        }
    }

    private void keepLatest(ConsumerRecord<byte[], byte[]> r, Map<String, UnitCost> unitCosts,
            Map<String, Allocation> allocations, Map<String, BurnRate> burnRates) {
        if (r.topic().equals(topics.unitCost.name())) {
            UnitCost u = topics.unitCost.value(r);
            if (!"PT1M".equals(u.getWindowSize())) {
                // The doc's unit-cost table is per minute; attribution also writes hourly windows (PT1H).
                return;
            }
            unitCosts.put(unitCostKey(u.getService(), u.getWindowStart().toString().substring(11, 16)), u);
        } else if (r.topic().equals(topics.allocation.name())) {
            Allocation a = topics.allocation.value(r);
            // Keyed like the topic: a team, or product:<product> for the showback per product.
            String owner = a.getDimension().equals("product") ? "product:" + a.getProduct() : a.getTeam();
            allocations.put(owner + "@" + a.getWindowSize() + "@" + a.getWindowStart(), a);
        } else if (r.topic().equals(topics.burnRate.name())) {
            BurnRate b = topics.burnRate.value(r);
            if (b != null) {
                burnRates.put(b.getScope(), b);
            }
        }
    }

    /** The example lies within one hour of one day, so service and minute identify a window. */
    private static String unitCostKey(String service, String minute) {
        return service + "@" + minute;
    }

    /** Runs {@code spendstream load KIND docs/worked-example/FILE -b ... -r ...} in process. */
    private String load(String kind, String file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new LoadCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(kind, EXAMPLE.resolve(file).toString(), "-b", pipeline.bootstrapServers(),
                "-r", pipeline.registryUrl(), "--timeout", "20s");
        assertThat(exit).as("load %s %s: %s%s", kind, file, out, err).isZero();
        return out.toString();
    }

    private static void assertLoaded(String summary, int rows) {
        assertThat(summary).containsPattern("sent\\s+" + rows + "\\b");
    }

    /** {@code kcat -P -t spend.apm.raw < apm.jsonl}: one unkeyed record per line. */
    private void sendApmLikeKcat() throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE.resolve("apm.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(10);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(topics.apmRaw.name(), null, line));
            }
            producer.flush();
        }
    }

    /**
     * Waits until the app whose application.id ends with {@code app} has committed its position at the end of
     * {@code topic}, i.e. has processed everything loaded into it.
     */
    private void awaitConsumed(Admin admin, String app, String topic) {
        String group = pipeline.apps().stream().map(RunningApp::applicationId).filter(id -> id.endsWith(app))
                .findFirst().orElseThrow();
        await(app + " has processed " + topic).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<TopicPartition, Long> ends = endOffsets(admin, topic);
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get();
                    return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                            || (committed.get(e.getKey()) != null
                                    && committed.get(e.getKey()).offset() >= e.getValue()));
                });
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
            throws InterruptedException, ExecutionException {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /**
     * Sets {@code retention.ms=-1} on every time-retained topic the pipeline created: the example's records carry
     * event times of 2026-11-18, which the broker's 7-day retention would delete at its next check once that day is
     * more than a week old.
     */
    private static void keepRecordsOfAnyAge(Admin admin) throws InterruptedException, ExecutionException {
        List<ConfigResource> resources = admin.listTopics().names().get().stream().filter(t -> t.startsWith("spend."))
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            ConfigEntry policy = e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || policy.value().contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                changes.put(e.getKey(), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "-1"), AlterConfigOp.OpType.SET)));
            }
        }
        assertThat(changes).as("time-retained spend.* topics").isNotEmpty();
        admin.incrementalAlterConfigs(changes).all().get();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "we-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
