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
import java.util.ArrayList;
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
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.avro.Allocation;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.UnitCost;
import io.spendstream.deploy.load.LoadCommand;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.deploy.tail.TopicTailer;
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
 * every window and scope carries the numbers the doc prints (money compared exactly as {@code BigDecimal}). Then the
 * doc's estimate -> bill step the same way: a price ({@code load prices}), metered rows of another day of the month
 * ({@code load usage}), checked at the estimate in {@code spend.cost}, the hourly unit cost, showback and burn rate;
 * then their bill, checked in the same outputs and in {@code spend.reconciliation}, whose lines as
 * {@code spendstream tail} prints them (the same {@code TopicTailer}) the doc must show.
 *
 * <p>The files keep their fixed days, 2026-11-18 (and 2026-11-12 for the estimate -> bill step), so that the
 * burn-rate numbers (which depend on the month's length and on the time left in it) are the doc's forever. Two things
 * of a fixed past day depend on the wall clock, not on the data, and are lifted here: the tag store's history (the
 * billing horizon, 65 days, by default: tags loaded "now" would not reach back to a day older than that) and the
 * broker's 7-day retention (records stamped with an event time older than that are deleted by the broker's next
 * retention check). A reader avoids both by shifting the files to yesterday (and 7 days ago), as the doc explains.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkedExampleTest {

    private static final Path EXAMPLE = Path.of("..", "docs", "worked-example").toAbsolutePath().normalize();
    private static final Path DOC = Path.of("..", "docs", "worked-example.md").toAbsolutePath().normalize();

    @TempDir
    static Path dataDir;

    /** The metered SKU of the doc's estimate -> bill step (prices.csv, metered.csv, bill.csv). */
    private static final String SKU_PRICE_ID = "egress-internet-gb";
    private static final String METERED_DAY = "2026-11-12";

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;

    /** The last record of each window or scope read so far (one-minute unit costs: of 2026-11-18, by minute). */
    private final Map<String, UnitCost> unitCosts = new HashMap<>();
    private final Map<String, UnitCost> hourlyUnitCosts = new HashMap<>();
    private final List<String> minuteWindowsOfOtherDays = new ArrayList<>();
    private final Map<String, Allocation> allocations = new HashMap<>();
    private final Map<String, BurnRate> burnRates = new HashMap<>();
    /** spend.cost records of the metered day, in the order read; spend.reconciliation, the last per hour. */
    private final List<CostRecord> costsOfTheMeteredDay = new ArrayList<>();
    private final Map<String, Reconciliation> reconciliations = new HashMap<>();

    @BeforeAll
    void startPipeline() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0,
                true, Map.of(
                "spendstream.application.id.prefix", "we-" + UUID.randomUUID().toString().substring(0, 8) + "-",
                // As the doc's `up --set`: one BurnRate per cost row, so the last record of a scope is its final
                // state (with the default 10 s, rows sharing a minute are rate-limited).
                "spendstream.burn-rate.emit-interval", "0s",
                // The fixed days may lie more than the default 65 days before the day this test runs.
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
    void shouldProduceTheNumbersOfTheDocAndLetTheBillSupersedeTheEstimates() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            keepRecordsOfAnyAge(admin);
            // The doc's order: budgets and tags first, and processed, before the usage. Their records are stamped
            // "now" while the costs are stamped 2026-11-18, and a Kafka Streams task reading both picks the older
            // record first: usage sent together with the tags could be joined before the tags are in the table.
            assertLoaded(load("budgets", "budgets.csv"), 2);
            assertLoaded(load("tags", "tags.csv"), 3);
            awaitConsumed(admin, "attribution", topics.budgets.name());
            awaitConsumed(admin, "enrich", topics.tags.name());
            String usage = load("usage", "usage.csv");
            assertLoaded(usage, 12);
            assertThat(usage).contains("EffectiveCost 1.5398438 USD");
            sendApmLikeKcat();

            consumer.subscribe(List.of(topics.unitCost.name(), topics.allocation.name(), topics.burnRate.name(),
                    topics.cost.name(), topics.reconciliation.name()));
            // Every amount of the first part is positive, so a window or scope reaches the doc's numbers only once
            // all of its input has been counted: matching them is reaching the final state.
            await("the doc's unit costs, allocations and burn rates").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        poll(consumer);
                        assertUnitCosts(unitCosts);
                        assertAllocations(allocations);
                        assertBurnRates(burnRates);
                    });

            // "Estimates give way to the bill": the price, the metered rows, and (later) their bill, for another day
            // of the same month, six days before the first part.
            assertLoaded(load("prices", "prices.csv"), 1);
            awaitPriceInIngest(SKU_PRICE_ID);
            String metered = load("usage", "metered.csv");
            assertLoaded(metered, 3);
            assertThat(metered).contains("EffectiveCost: none")
                    .contains("(3 rows sent without a numeric EffectiveCost)");
            // Each stage's numbers are reached only once every row of it is counted (checked in the doc: no partial
            // sum of the stage's amounts equals its final one).
            await("the estimates in spend.cost, the hourly unit cost, showback and burn rate")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        poll(consumer);
                        assertCostsOfTheMeteredDay(false);
                        assertMeteredDay(false);
                    });
            assertThat(reconciliations).as("no bill yet, so nothing reconciled (and nothing reported UNBILLED)")
                    .isEmpty();

            String bill = load("usage", "bill.csv");
            assertLoaded(bill, 2);
            assertThat(bill).contains("EffectiveCost 11.43 USD");
            await("the bill in spend.cost, the hourly unit cost, showback, burn rate and spend.reconciliation")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        poll(consumer);
                        assertCostsOfTheMeteredDay(true);
                        assertMeteredDay(true);
                        assertReconciliations();
                    });
            // Six days behind stream time is past the minute windows' grace (2 days): the estimate and the bill
            // are in the ledger outputs only.
            assertThat(minuteWindowsOfOtherDays).as("one-minute unit costs outside 2026-11-18").isEmpty();

            // What `spendstream tail spend.reconciliation --from-beginning --idle 3s` prints, as the doc shows it.
            StringWriter printed = new StringWriter();
            try (PrintWriter out = new PrintWriter(printed, true);
                    TopicTailer tail = new TopicTailer(Map.of("bootstrap.servers", pipeline.bootstrapServers()),
                            topics, List.of(topics.reconciliation.name()),
                            new TopicTailer.Options(true, false, false, 0, Duration.ofSeconds(3)), out)) {
                assertThat(tail.run(Duration.ofSeconds(10))).isEqualTo(2);
            }
            assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                    .as("docs/worked-example.md shows exactly what the tail printed")
                    .contains("```\n" + printed + "```\n");

            // Both hours are within the bill-mismatch threshold (10% and 1.00): the anomaly app, having read every
            // reconciliation, opened no BILL_MISMATCH ticket.
            awaitConsumed(admin, "anomaly", topics.reconciliation.name());
            List<Anomaly> anomalies = readToEnd(admin, topics.anomalies.name()).stream()
                    .map(topics.anomalies::value).toList();
            assertThat(anomalies).noneMatch(a -> a.getType() == AnomalyType.BILL_MISMATCH);
            assertThat(readToEnd(admin, topics.dlq.name())).as("nothing dead-lettered").isEmpty();
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
                "0.0052848741600144", "0.0026424370800072", "0.0004404061800012", "0.0000367005150001",
                // The estimate -> bill step.
                "3.465000000000", "3.285000000000", "4.500000000000", "-6.750000000000", "7.020000000000",
                "-4.500000000000", "4.410000000000", "6.750000000000", "11.250000000000", "11.430000000000",
                "12.533543700000", "12.713543700000", "12.783543800000", "12.963543800000", "12.789843800000",
                "12.969843800000", "18.104775341300", "18.284775341300", "31.259377973800", "31.439377973800",
                "-0.270000000000", "0.090000000000", "-3.846154", "2.040816", "EffectiveCost 11.43 USD",
                "(3 rows sent without a numeric EffectiveCost)", "EffectiveCost 1.5398438 USD")) {
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

    /** 2026-11-18's hour and day, and November (which the first part alone fills, the same numbers as its day). */
    private static void assertAllocations(Map<String, Allocation> allocations) {
        Map<String, String> expected = Map.of("payments", "1.283543700000", "discovery", "0.250000100000",
                "unallocated", "0.006300000000");
        Map<String, String> products = Map.of("product:store", "1.533543800000", "product:unallocated",
                "0.006300000000");
        for (String size : List.of("PT1H", "PT24H", "P1M")) {
            String windowStart = switch (size) {
                case "PT1H" -> "2026-11-18T10:00:00Z";
                case "PT24H" -> "2026-11-18T00:00:00Z";
                default -> "2026-11-01T00:00:00Z";
            };
            // Teams + unallocated = the file's EffectiveCost total; so do products + unallocated (the three tagged
            // resources are all the product store, the orphan volume unallocated).
            assertShowback(allocations, size, windowStart, expected, "1.539843800000");
            assertShowback(allocations, size, windowStart, products, "1.539843800000");
        }
        assertThat(allocations).hasSize(15);
    }

    private static void assertShowback(Map<String, Allocation> allocations, String size, String windowStart,
            Map<String, String> owners, String sumOfOwners) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Map.Entry<String, String> owner : owners.entrySet()) {
            Allocation a = allocations.get(owner.getKey() + "@" + size + "@" + windowStart);
            assertThat(a).as("%s allocation of %s from %s", size, owner.getKey(), windowStart).isNotNull();
            assertThat(a.getDirect()).as("direct of %s (%s from %s)", owner.getKey(), size, windowStart)
                    .isEqualByComparingTo(owner.getValue());
            assertThat(a.getShared()).isEqualByComparingTo("0");
            assertThat(a.getTotal()).as("total of %s (%s from %s)", owner.getKey(), size, windowStart)
                    .isEqualByComparingTo(owner.getValue());
            sum = sum.add(a.getTotal());
        }
        assertThat(sum).as("sum of %s over %s from %s", owners.keySet(), size, windowStart)
                .isEqualByComparingTo(sumOfOwners);
    }

    private static void assertBurnRates(Map<String, BurnRate> burnRates) {
        assertBurnRates(burnRates, "1.283543700000", "6.854775341300", "1.539843800000", "20.009377973800");
    }

    /**
     * The trailing windows are those of the first part whatever is added after it: the estimate -> bill step lies
     * six days before the cursor (10:03 on 2026-11-18), outside even the 3d window. Only consumed and projected move.
     */
    private static void assertBurnRates(Map<String, BurnRate> burnRates, String paymentsConsumed,
            String paymentsProjected, String allConsumed, String allProjected) {
        assertBurnRate(burnRates.get("team:payments"), "30000", paymentsConsumed, paymentsProjected, "0.110705050001",
                List.of(0.031883054400288, 0.005313842400048, 0.002656921200024, 0.000442820200004,
                        0.00003690168333366667));
        assertBurnRate(burnRates.get("all"), "100000", allConsumed, allProjected, "0.367005150001",
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

    /**
     * spend.cost for the metered day: the three estimates (PricingQuantity x 0.09), then, once the bill is in, for
     * each hour the reversal of its estimate and its bill row (compared as a set: the order across partitions of a
     * consumer is not the order ingest wrote them in).
     */
    private void assertCostsOfTheMeteredDay(boolean billed) {
        List<String> expected = new ArrayList<>(List.of(
                "metered 14:00-14:30 3.465000000000", "metered 14:30-15:00 3.285000000000",
                "metered 15:00-16:00 4.500000000000"));
        if (billed) {
            expected.addAll(List.of(
                    "estimate-reversal 14:00-15:00 -6.750000000000", "billing 14:00-15:00 7.020000000000",
                    "estimate-reversal 15:00-16:00 -4.500000000000", "billing 15:00-16:00 4.410000000000"));
        }
        assertThat(costsOfTheMeteredDay).as("spend.cost on %s", METERED_DAY)
                .extracting(c -> c.getCostSource() + " " + c.getChargePeriodStart().toString().substring(11, 16) + "-"
                        + c.getChargePeriodEnd().toString().substring(11, 16) + " "
                        + c.getEffectiveCost().setScale(12).toPlainString())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(costsOfTheMeteredDay).allSatisfy(c -> {
            assertThat(c.getResourceId()).isEqualTo("i-0a1checkout");
            assertThat(c.getSkuId()).isEqualTo("egress-internet");
            assertThat(c.getEstimateSku()).isEqualTo(SKU_PRICE_ID);
            assertThat(c.getCurrency()).isEqualTo("USD");
        });
    }

    /** The ledger outputs of the metered day: at the estimate, then at the bill; 2026-11-18 as before. */
    private void assertMeteredDay(boolean billed) {
        String hour14 = billed ? "7.020000000000" : "6.750000000000";
        String hour15 = billed ? "4.410000000000" : "4.500000000000";
        String day = billed ? "11.430000000000" : "11.250000000000";
        for (String[] hour : List.of(new String[] {"14:00", hour14}, new String[] {"15:00", hour15})) {
            UnitCost u = hourlyUnitCosts.get("checkout@" + METERED_DAY + "T" + hour[0] + ":00Z");
            assertThat(u).as("hourly unit cost of checkout at %s", hour[0]).isNotNull();
            assertThat(u.getCost()).as("hourly cost of checkout at %s", hour[0]).isEqualByComparingTo(hour[1]);
            assertThat(u.getTeam()).isEqualTo("payments");
            assertThat(u.getRequests()).isZero();
            assertThat(u.getCostPerRequest()).isNull();
            for (String owner : List.of("payments", "product:store")) {
                assertShowback(allocations, "PT1H", METERED_DAY + "T" + hour[0] + ":00Z", Map.of(owner, hour[1]),
                        hour[1]);
            }
        }
        for (String owner : List.of("payments", "product:store")) {
            assertShowback(allocations, "PT24H", METERED_DAY + "T00:00:00Z", Map.of(owner, day), day);
        }
        // November: the first part plus the metered day; teams and products each sum to all of it.
        assertShowback(allocations, "P1M", "2026-11-01T00:00:00Z", Map.of(
                "payments", billed ? "12.713543700000" : "12.533543700000", "discovery", "0.250000100000",
                "unallocated", "0.006300000000"), billed ? "12.969843800000" : "12.789843800000");
        assertShowback(allocations, "P1M", "2026-11-01T00:00:00Z", Map.of(
                "product:store", billed ? "12.963543800000" : "12.783543800000",
                "product:unallocated", "0.006300000000"), billed ? "12.969843800000" : "12.789843800000");
        assertThat(allocations).as("15 windows of the first part + 2 hours and a day for payments and product:store")
                .hasSize(21);
        for (String size : List.of("PT1H", "PT24H")) {
            String start = size.equals("PT1H") ? "2026-11-18T10:00:00Z" : "2026-11-18T00:00:00Z";
            assertShowback(allocations, size, start, Map.of("payments", "1.283543700000", "discovery",
                    "0.250000100000", "unallocated", "0.006300000000"), "1.539843800000");
        }
        assertUnitCosts(unitCosts);
        if (billed) {
            assertBurnRates(burnRates, "12.713543700000", "18.284775341300", "12.969843800000", "31.439377973800");
        } else {
            assertBurnRates(burnRates, "12.533543700000", "18.104775341300", "12.789843800000", "31.259377973800");
        }
    }

    /** One record per hour: the estimate the bill superseded, the bill, estimated - billed, and the error. */
    private void assertReconciliations() {
        assertThat(reconciliations).hasSize(2);
        assertReconciliation("14:00", "6.750000000000", "7.020000000000", "-0.270000000000", "-3.846154");
        assertReconciliation("15:00", "4.500000000000", "4.410000000000", "0.090000000000", "2.040816");
    }

    private void assertReconciliation(String hour, String estimated, String billed, String difference,
            String errorPercent) {
        Reconciliation r = reconciliations.get(METERED_DAY + "T" + hour + ":00Z");
        assertThat(r).as("reconciliation of %s", hour).isNotNull();
        assertThat(r.getStatus()).isEqualTo("BILLED");
        assertThat(r.getService()).isEqualTo("checkout");
        assertThat(r.getTeam()).isEqualTo("payments");
        assertThat(r.getSku()).isEqualTo(SKU_PRICE_ID);
        assertThat(r.getSkuId()).isEqualTo("egress-internet");
        assertThat(r.getCurrency()).isEqualTo("USD");
        assertThat(r.getEstimated()).as("estimated at %s", hour).isEqualByComparingTo(estimated);
        assertThat(r.getBilled()).as("billed at %s", hour).isEqualByComparingTo(billed);
        assertThat(r.getDifference()).as("difference at %s", hour).isEqualByComparingTo(difference);
        assertThat(r.getErrorPercent()).as("error %% at %s", hour).isEqualTo(new BigDecimal(errorPercent));
    }

    private static void assertDecimal(BigDecimal actual, String expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else {
            assertThat(actual).as(what).isEqualByComparingTo(expected);
        }
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            keepLatest(r);
        }
    }

    private void keepLatest(ConsumerRecord<byte[], byte[]> r) {
        if (r.topic().equals(topics.unitCost.name())) {
            UnitCost u = topics.unitCost.value(r);
            String start = u.getWindowStart().toString();
            if ("PT1H".equals(u.getWindowSize())) {
                hourlyUnitCosts.put(u.getService() + "@" + start, u);
            } else if (!start.startsWith("2026-11-18")) {
                minuteWindowsOfOtherDays.add(u.getService() + "@" + start);
            } else {
                // The doc's unit-cost table is per minute of 2026-11-18.
                unitCosts.put(unitCostKey(u.getService(), start.substring(11, 16)), u);
            }
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
        } else if (r.topic().equals(topics.cost.name())) {
            CostRecord c = topics.cost.value(r);
            if (c.getChargePeriodStart().toString().startsWith(METERED_DAY)) {
                costsOfTheMeteredDay.add(c);
            }
        } else if (r.topic().equals(topics.reconciliation.name())) {
            Reconciliation rec = topics.reconciliation.value(r);
            reconciliations.put(rec.getWindowStart().toString(), rec);
        }
    }

    /** The first part lies within one hour of one day, so service and minute identify a one-minute window. */
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

    /** Waits until ingest's global table of {@code spend.prices} holds the price, as a reader waits a second. */
    private void awaitPriceInIngest(String skuPriceId) {
        RunningApp ingest = pipeline.apps().stream().filter(app -> app.applicationId().endsWith("ingest"))
                .findFirst().orElseThrow();
        await("the price of " + skuPriceId + " in ingest's global table").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    ReadOnlyKeyValueStore<Object, Object> prices = ingest.streams().store(
                            StoreQueryParameters.fromNameAndType("prices", QueryableStoreTypes.keyValueStore()));
                    return prices.get(skuPriceId) != null;
                });
    }

    /** Every committed record of {@code topic} up to its current end. */
    private List<ConsumerRecord<byte[], byte[]>> readToEnd(Admin admin, String topic) throws Exception {
        Map<TopicPartition, Long> ends = endOffsets(admin, topic);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = consumer()) {
            reader.assign(ends.keySet());
            reader.seekToBeginning(ends.keySet());
            await("read " + topic + " to its end").atMost(Duration.ofSeconds(30)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(records::add);
                return ends.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue());
            });
        }
        return records;
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
