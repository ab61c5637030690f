package io.spendstream.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import picocli.CommandLine;

/**
 * {@code spendstream load} against a real in-process KRaft broker: the FOCUS samples of {@code ../shared/data/focus}
 * arrive on the raw topic record for record, with the exact EffectiveCost total in the summary; bad rows are named
 * by line with exit code 1; reference data lands keyed on the compacted topics. Each test loads into its own topics
 * (renamed with {@code --set spendstream.topic.*}), so tests do not see each other's records.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadCommandIntegrationTest {

    private static final Path FOCUS_DATA = Path.of("..", "..", "shared", "data", "focus").toAbsolutePath().normalize();
    private static final Path SAMPLE_1000 = FOCUS_DATA.resolve("focus_1.0_sample_1000.csv");

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private Admin admin;

    @BeforeAll
    void startBroker(@TempDir Path brokerDir) throws IOException {
        broker = EmbeddedKafkaBroker.start(brokerDir.resolve("kafka"), FreePorts.next(), FreePorts.next(), Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldLoadTheFocusSampleRowForRowWithTheExactEffectiveCostTotal() throws Exception {
        String topic = createTopic("usage");
        BigDecimal expectedTotal = columnSum(SAMPLE_1000, "EffectiveCost");

        Run run = load("usage", SAMPLE_1000.toString(), "--set", "spendstream.topic.usage-raw=" + topic);

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.err).as("a fresh pipeline: the horizon follows the file").contains(
                "the pipeline has seen no cost yet", "All 1000 rows are inside it.");
        assertThat(run.out).contains("rows read   1000").contains("sent        1000").contains("rejected    0")
                .contains("EffectiveCost " + expectedTotal.toPlainString() + " USD");
        assertThat(expectedTotal).isEqualByComparingTo("14.97651418586");
        List<ConsumerRecord<String, String>> records = consume(topic, 1000);
        BigDecimal consumedTotal = BigDecimal.ZERO;
        for (ConsumerRecord<String, String> record : records) {
            JsonNode row = LoadJson.MAPPER.readTree(record.value());
            assertThat(row.get("EffectiveCost").isTextual()).as("decimals travel as JSON strings").isTrue();
            consumedTotal = consumedTotal.add(new BigDecimal(row.get("EffectiveCost").textValue()));
            assertThat(record.key()).isEqualTo(row.get("ResourceId").isNull() ? null
                    : row.get("ResourceId").textValue());
        }
        assertThat(consumedTotal).isEqualTo(expectedTotal);
        assertThat(records).anySatisfy(r -> assertThat(LoadJson.MAPPER.readTree(r.value()).get("Tags").isObject())
                .isTrue());
    }

    @Test
    void shouldLoadTheFocus12WorkedExamplesWithAGivenCurrency() throws Exception {
        String topic = createTopic("usage12");
        long expected = 0;
        try (var files = Files.list(FOCUS_DATA)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("focus_1.2_spec")).sorted()
                    .toList()) {
                // The SaaS agreement's last row is a year-long charge starting 306 days before the row above it: past
                // the default 65-day billing horizon, so it loads with a horizon that covers the year.
                Run run = load("usage", file.toString(), "--currency", "USD",
                        "--set", "spendstream.topic.usage-raw=" + topic, "--set", "spendstream.billing.horizon=400d");
                assertThat(run.exitCode).as(run.toString()).isZero();
                expected += dataRows(file);
            }
        }
        // 1 + 3 + 14 data rows (the data README's row counts, 1/6/13, count blank separator lines differently).
        assertThat(expected).isEqualTo(18);
        List<ConsumerRecord<String, String>> records = consume(topic, expected);
        assertThat(records).allSatisfy(r -> assertThat(LoadJson.MAPPER.readTree(r.value())
                .get("BillingCurrency").textValue()).isEqualTo("USD"));
    }

    @Test
    void shouldReportBadRowsByLineSendTheGoodOnesAndExitWithOne() throws Exception {
        String topic = createTopic("bad");
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, String.join("\n",
                "ChargePeriodStart,ChargePeriodEnd,BillingCurrency,EffectiveCost,ResourceId",
                "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1.25,i-good-1",
                "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1.25",
                "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,2\"5,i-bad-quote",
                "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,a lot,i-bad-cost",
                "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,0.75,i-good-2", ""));

        Run run = load("usage", file.toString(), "--set", "spendstream.topic.usage-raw=" + topic);

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        assertThat(run.out).contains("rows read   5").contains("sent        2").contains("rejected    3")
                .contains("line 3: wrong-column-count: has 4 fields, the header has 5")
                .contains("line 4: invalid-csv: quote inside unquoted field 4")
                .contains("line 5: invalid-decimal:")
                .contains("EffectiveCost 2.00 USD");
        assertThat(consume(topic, 2)).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("i-good-1",
                "i-good-2");
    }

    @Test
    void shouldLoadReferenceDataKeyedOntoTheCompactedTopics() throws Exception {
        String tags = createTopic("tags");
        String budgets = createTopic("budgets");
        String prices = createTopic("prices");
        String fx = createTopic("fx");
        Path tagFile = write("tags.jsonl", "{\"resourceId\":\"i-1\",\"service\":\"checkout\",\"team\":\"payments\","
                + "\"shared\":\"false\"}\n");
        Path budgetFile = write("budgets.csv", "scope,amount,currency,period,alertAt\n"
                + "team:payments,30000.00,USD,MONTH,\"[0.5, 0.75, 0.9, 1.0]\"\n");
        Path priceFile = write("prices.csv", "SkuPriceId,unitPrice,pricingUnit\nsku-req,0.0000004,Requests\n");
        Path fxFile = write("fx.jsonl", "{\"currency\":\"EUR\",\"rate\":1.0842,\"asOf\":\"2026-11-23T00:00:00Z\"}\n");

        assertThat(load("tags", tagFile.toString(), "--set", "spendstream.topic.tags=" + tags).exitCode).isZero();
        assertThat(load("budgets", budgetFile.toString(), "--set", "spendstream.topic.budgets=" + budgets).exitCode)
                .isZero();
        assertThat(load("prices", priceFile.toString(), "--currency", "USD",
                "--set", "spendstream.topic.prices=" + prices).exitCode).isZero();
        assertThat(load("fx", fxFile.toString(), "--set", "spendstream.topic.fx-rates=" + fx).exitCode).isZero();

        assertThat(consume(tags, 1).get(0)).satisfies(r -> {
            assertThat(r.key()).isEqualTo("i-1");
            assertThat(r.value()).isEqualTo("{\"service\":\"checkout\",\"team\":\"payments\",\"shared\":false}");
        });
        assertThat(consume(budgets, 1).get(0)).satisfies(r -> {
            assertThat(r.key()).isEqualTo("team:payments");
            assertThat(r.value()).isEqualTo("{\"amount\":\"30000.00\",\"currency\":\"USD\",\"period\":\"MONTH\","
                    + "\"alertAt\":[0.5,0.75,0.9,1.0]}");
        });
        assertThat(consume(prices, 1).get(0)).satisfies(r -> {
            assertThat(r.key()).isEqualTo("sku-req");
            assertThat(r.value()).isEqualTo("{\"unitPrice\":\"0.0000004\",\"currency\":\"USD\","
                    + "\"pricingUnit\":\"Requests\"}");
        });
        assertThat(consume(fx, 1).get(0)).satisfies(r -> {
            assertThat(r.key()).isEqualTo("EUR");
            assertThat(r.value()).isEqualTo("{\"rate\":\"1.0842\",\"asOf\":\"2026-11-23T00:00:00Z\"}");
        });
    }

    @Test
    void shouldExitWithTwoAndOneClearLineWhenNothingCanBeSent() throws Exception {
        Run missingTopic = load("usage", SAMPLE_1000.toString(), "--set", "spendstream.topic.usage-raw=no.such.topic");
        assertThat(missingTopic.exitCode).isEqualTo(2);
        assertThat(missingTopic.err).contains("Topic no.such.topic does not exist").doesNotContain("Exception");

        Run missingFile = load("usage", dir.resolve("nope.csv").toString());
        assertThat(missingFile.exitCode).isEqualTo(2);
        assertThat(missingFile.err).contains("File not found").doesNotContain("Exception");

        String topic = createTopic("allbad");
        Path allBad = write("allbad.jsonl", "not json\n[1,2]\n");
        Run nothingSent = load("usage", allBad.toString(), "--set", "spendstream.topic.usage-raw=" + topic);
        assertThat(nothingSent.exitCode).isEqualTo(2);
        assertThat(nothingSent.out).contains("line 1: invalid-json").contains("line 2: not-an-object");
    }

    @Test
    void shouldCheckWithoutSendingOnDryRun() throws Exception {
        String topic = createTopic("dry");

        Run run = load("usage", SAMPLE_1000.toString(), "--dry-run", "--set", "spendstream.topic.usage-raw=" + topic);

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("dry run: nothing sent").contains("valid       1000");
        assertThat(consume(topic, 0)).isEmpty();
    }

    @Test
    void shouldHoldBackTheRowOfAFileThatComesAfterNewerOnesByMoreThanTheHorizon() throws Exception {
        String topic = createTopic("saas");
        Path saas = FOCUS_DATA.resolve("focus_1.2_spec_saas_spend_agreements_b2.csv");

        Run run = load("usage", saas.toString(), "--currency", "USD", "--set", "spendstream.topic.usage-raw=" + topic);

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        assertThat(run.err).contains("the pipeline has seen no cost yet", "1 of 14 rows are older than 65d",
                "set spendstream.billing.horizon=307d");
        assertThat(run.out).contains("sent        13", "line 15: outside-billing-horizon");
        assertThat(consume(topic, 13)).hasSize(13);
    }

    @Test
    void shouldHoldBackRowsOlderThanThePipelinesBillingHorizonAndSayHowToLoadThem() throws Exception {
        String topic = createTopic("horizon");
        // The attribution app has seen cost up to 2026-11-30: its stream-time changelog says so.
        String prefix = "load-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String changelog = prefix + "attribution-attribution-stream-time-changelog";
        admin.createTopics(List.of(new NewTopic(changelog, 2, (short) 1))).all().get();
        try (KafkaProducer<String, Long> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new LongSerializer())) {
            producer.send(new ProducerRecord<>(changelog, 0, "stream-time",
                    Instant.parse("2026-11-30T00:00:00Z").toEpochMilli())).get();
            producer.send(new ProducerRecord<>(changelog, 1, "stream-time",
                    Instant.parse("2026-11-29T00:00:00Z").toEpochMilli())).get();
        }

        Run held = load("usage", SAMPLE_1000.toString(), "--set", "spendstream.topic.usage-raw=" + topic,
                "--set", "spendstream.application.id.prefix=" + prefix);

        assertThat(held.exitCode).as(held.toString()).isEqualTo(2);
        assertThat(held.err).contains("has seen cost up to 2026-11-30T00:00:00Z",
                "1000 of 1000 rows are older than 65d behind the newest cost before them (oldest "
                        + "2024-09-01T00:00:00Z, 820d behind 2026-11-30T00:00:00Z)",
                "set spendstream.billing.horizon=821d on every Spendstream app");
        assertThat(held.out).contains("sent        0").contains("outside-billing-horizon");
        assertThat(consume(topic, 0)).isEmpty();

        Run widened = load("usage", SAMPLE_1000.toString(), "--set", "spendstream.topic.usage-raw=" + topic,
                "--set", "spendstream.application.id.prefix=" + prefix, "--set", "spendstream.billing.horizon=821d");

        assertThat(widened.exitCode).as(widened.toString()).isZero();
        assertThat(widened.err).contains("All 1000 rows are inside it.");
        assertThat(consume(topic, 1000)).hasSize(1000);
    }

    /** Runs {@code load ARGS -b <broker>} in process, capturing stdout and stderr. */
    private Run load(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new LoadCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-b", broker.bootstrapServers(), "--timeout", "10s"));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {
    }

    private String createTopic(String name) throws Exception {
        String topic = "load-it." + name + "." + UUID.randomUUID().toString().substring(0, 8);
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        return topic;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** Every record of {@code topic}, waiting until {@code expected} have arrived, then checking no more follow. */
    private List<ConsumerRecord<String, String>> consume(String topic, long expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "load-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await(expected + " records on " + topic).atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected && !consumer.assignment().isEmpty();
            });
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).hasSize((int) expected);
        return records;
    }

    /**
     * The exact sum of one column of a CSV file without line breaks inside fields, split here independently of the
     * loader's reader: commas outside double quotes separate fields.
     */
    private static BigDecimal columnSum(Path csv, String column) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        int index = split(lines.get(0)).indexOf(column);
        BigDecimal sum = BigDecimal.ZERO;
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                sum = sum.add(new BigDecimal(split(line).get(index)));
            }
        }
        return sum;
    }

    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static long dataRows(Path csv) throws IOException {
        return Files.readAllLines(csv, StandardCharsets.UTF_8).stream().skip(1).filter(l -> !l.isBlank()).count();
    }
}
