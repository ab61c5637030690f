package io.spendstream.deploy.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.DeadLetter;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.load.LoadCommand;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import picocli.CommandLine;

/**
 * Issue 13's billing horizon on the whole pipeline (in-process broker, registry and the four apps, as
 * {@code spendstream up --no-demo} runs them): the FOCUS 1.0 sample of September 2024 loaded the documented way lands
 * whole in {@code spend.allocation} (its daily and monthly team totals sum to the file's EffectiveCost, nothing is
 * dead-lettered); a restatement of a row 20 days older than the newest cost moves that month's showback by exactly
 * its delta; a row older than the horizon is dead-lettered {@code outside-billing-horizon}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingHorizonIntegrationTest {

    private static final Path SAMPLE_1000 = Path.of("..", "..", "shared", "data", "focus",
            "focus_1.0_sample_1000.csv").toAbsolutePath().normalize();
    /** The sample's EffectiveCost total (LoadCommandIntegrationTest sums the column independently). */
    private static final BigDecimal SAMPLE_TOTAL = new BigDecimal("14.97651418586");
    private static final Instant SEPTEMBER = Instant.parse("2024-09-01T00:00:00Z");
    private static final Instant OCTOBER = Instant.parse("2024-10-01T00:00:00Z");

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;
    /** The latest allocation of every window seen so far, by owner@size@start. */
    private final Map<String, Allocation> allocations = new HashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    @BeforeAll
    void startPipeline() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0,
                true, Map.of("spendstream.application.id.prefix",
                        "bh-" + UUID.randomUUID().toString().substring(0, 8) + "-")));
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
    void shouldBookEveryRowInsideTheHorizonHoweverLateAndDeadLetterOnlyOlderOnes() throws Exception {
        String summary = loadSample();
        assertThat(summary).containsPattern("sent\\s+1000\\b").containsPattern("rejected\\s+0\\b");

        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topics.allocation.name(), topics.dlq.name()));
            awaitTeamTotals(consumer, "all 1000 rows in September's daily and monthly showback", SAMPLE_TOTAL);
            assertThat(sumOfSeptember("product", "PT24H")).as("per product too").isEqualTo(SAMPLE_TOTAL);
            assertThat(deadLetters).as("nothing is late inside the billing horizon").isEmpty();

            // A row of 10 September, 20 days behind the newest cost (30 September 23:00), then its restatement.
            send(usageRow("bh-restated", "2024-09-10T10:00:00Z", "5.00"));
            awaitMonthOf(consumer, "finops-it", "5.000000000000");
            send(usageRow("bh-restated", "2024-09-10T10:00:00Z", "7.25"));
            awaitMonthOf(consumer, "finops-it", "7.250000000000");
            awaitTeamTotals(consumer, "the month moved by exactly the row and its delta",
                    SAMPLE_TOTAL.add(new BigDecimal("7.25")));
            assertThat(allocations.get("finops-it@PT24H@2024-09-10T00:00:00Z").getTotal())
                    .isEqualByComparingTo("7.25");

            // 1 June is 121 days behind the newest cost: outside the 65-day horizon.
            send(usageRow("bh-too-old", "2024-06-01T10:00:00Z", "3.00"));
            await("the row older than the horizon in spend.dlq").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        poll(consumer);
                        return !deadLetters.isEmpty();
                    });
        }
        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReasons.Attribution.OUTSIDE_BILLING_HORIZON);
            assertThat(letter.getStage()).isEqualTo("attribution");
            assertThat(letter.getMessage()).contains("2024-06-01T10:00:00Z", "65d", BillingHorizon.KEY);
        });
        assertThat(allocations.keySet()).noneMatch(key -> key.contains("2024-06"));
        assertThat(sumOfSeptember("team", "P1M")).isEqualTo(SAMPLE_TOTAL.add(new BigDecimal("7.25")));
    }

    private void awaitTeamTotals(KafkaConsumer<byte[], byte[]> consumer, String what, BigDecimal expected) {
        await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            poll(consumer);
            assertThat(sumOfSeptember("team", "PT24H")).isEqualTo(expected);
            assertThat(sumOfSeptember("team", "P1M")).isEqualTo(expected);
        });
    }

    private void awaitMonthOf(KafkaConsumer<byte[], byte[]> consumer, String team, String total) {
        String key = team + "@P1M@" + SEPTEMBER;
        await(team + "'s September at " + total).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    poll(consumer);
                    assertThat(allocations).containsKey(key);
                    assertThat(allocations.get(key).getTotal()).isEqualByComparingTo(total);
                });
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.dlq.name())) {
                deadLetters.add(topics.dlq.value(r));
            } else {
                Allocation a = topics.allocation.value(r);
                String owner = a.getDimension().equals("product") ? "product:" + a.getProduct() : a.getTeam();
                allocations.put(owner + "@" + a.getWindowSize() + "@" + a.getWindowStart(), a);
            }
        }
    }

    /** The sum over owners of one dimension of the latest totals of September's windows of one size. */
    private BigDecimal sumOfSeptember(String dimension, String size) {
        Predicate<Allocation> september = a -> !a.getWindowStart().isBefore(SEPTEMBER)
                && a.getWindowStart().isBefore(OCTOBER);
        return allocations.values().stream()
                .filter(a -> a.getDimension().equals(dimension) && a.getWindowSize().equals(size))
                .filter(september).map(Allocation::getTotal).reduce(BigDecimal.ZERO, BigDecimal::add)
                .stripTrailingZeros();
    }

    /** {@code spendstream load usage ../shared/data/focus/focus_1.0_sample_1000.csv}, in process. */
    private String loadSample() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new LoadCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("usage", SAMPLE_1000.toString(), "-b", pipeline.bootstrapServers(), "-r",
                pipeline.registryUrl(), "--timeout", "20s");
        assertThat(exit).as("load: %s%s", out, err).isZero();
        assertThat(err.toString()).contains("All 1000 rows are inside it.");
        return out.toString();
    }

    private static String usageRow(String lineItemId, String start, String cost) {
        Instant from = Instant.parse(start);
        return "{\"x_LineItemId\":\"" + lineItemId + "\",\"EffectiveCost\":\"" + cost + "\",\"BilledCost\":\"" + cost
                + "\",\"BillingCurrency\":\"USD\",\"ChargePeriodStart\":\"" + from + "\",\"ChargePeriodEnd\":\""
                + from.plus(Duration.ofHours(1)) + "\",\"ChargeCategory\":\"Usage\",\"ResourceId\":\"bh-vm-1\","
                + "\"ServiceName\":\"Amazon Elastic Compute Cloud\","
                + "\"Tags\":{\"service\":\"ledger-it\",\"team\":\"finops-it\"}}";
    }

    private void send(String json) throws IOException {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.usageRaw.name(), null, json));
            producer.flush();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bh-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
