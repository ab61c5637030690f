package io.spendstream.deploy.genai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.Severity;
import io.spendstream.avro.UnitCost;
import io.spendstream.deploy.demo.DemoIncidentFeed;
import io.spendstream.deploy.demo.DemoScenario;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.deploy.local.TestPipelines;
import io.spendstream.deploy.tail.TopicTailer;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * An agent loop on a real in-process KRaft broker with the four apps as {@code spendstream up} runs them: the demo's
 * service that calls a model ({@value DemoScenario#MODEL_SERVICE}, OTLP traces with GenAI spans priced from
 * {@code spend.prices}), 40 minutes of normal calls, then its agent loops and calls the model twenty times a request.
 * Only that service's traffic is sent, so the pipeline has little else to do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentLoopIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The demo's model price (openai/gpt-4o) per million tokens: input, cached input, output. */
    private static final BigDecimal INPUT = new BigDecimal("2.50");
    private static final BigDecimal CACHED_INPUT = new BigDecimal("1.25");
    private static final BigDecimal OUTPUT = new BigDecimal("10.00");

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;

    @BeforeAll
    void startPipeline() throws java.io.IOException {
        pipeline = TestPipelines.start(dataDir, "genai");
        topics = TestPipelines.topics(pipeline);
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldPageWhenAnAgentLoopMultipliesTheTokenSpendNamingTheServiceAndTheModel() {
        DemoScenario scenario = new DemoScenario(5, DemoScenario.Incident.AGENT_LOOP);
        DemoIncidentFeed.send(pipeline, topics, scenario, Duration.ZERO,
                record -> DemoScenario.MODEL_SERVICE.equals(record.key()));

        List<Anomaly> anomalies = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<UnitCost> unitCosts = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TestPipelines.consumer(pipeline)) {
            consumer.subscribe(List.of(topics.anomalies.name(), topics.alerts.name(), topics.unitCost.name(),
                    topics.dlq.name()));
            await("a FIRING PAGE for " + DemoScenario.MODEL_SERVICE).atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            TestPipelines.collect(r, topics.anomalies, anomalies);
                            TestPipelines.collect(r, topics.alerts, alerts);
                            TestPipelines.collect(r, topics.unitCost, unitCosts);
                            TestPipelines.collect(r, topics.dlq, deadLetters);
                        }
                        return alerts.stream().anyMatch(a -> a.getStatus() == AlertStatus.FIRING
                                && a.getSeverity() == Severity.PAGE);
                    });
        }

        Alert page = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING).findFirst().orElseThrow();
        assertThat(page.getSeverity()).isEqualTo(Severity.PAGE);
        assertThat(page.getDedupKey()).isEqualTo("cost-spike:service:" + DemoScenario.MODEL_SERVICE);
        assertThat(page.getSummary()).contains(DemoScenario.MODEL_SERVICE)
                .as("the page names the model among its top contributors").contains("top: resource openai/"
                        + DemoScenario.MODEL + "@" + DemoScenario.MODEL_SERVICE);
        System.out.println("anomalies of the loop: " + anomalies.stream().map(a -> a.getState() + " "
                + a.getScopeType() + ":" + a.getScope() + " observed " + a.getObserved() + " expected "
                + a.getExpected() + " excess/h " + a.getExcessCostPerHour() + " top " + a.getTopContributors()
                .stream().map(c -> c.getKind() + ":" + c.getName() + " " + c.getExcess()).toList()).toList());

        Anomaly open = anomalies.stream().filter(a -> a.getState() == AnomalyState.OPEN
                && a.getScopeType().equals("service")).findFirst().orElseThrow();
        assertThat(open.getScope()).isEqualTo(DemoScenario.MODEL_SERVICE);
        List<Contributor> top = open.getTopContributors();
        assertThat(top).as("contributors of %s", open).isNotEmpty();
        assertThat(top.get(0).getName()).as("the model (its resource for this service) is the top contributor")
                .isEqualTo(DemoScenario.MODEL_RESOURCE);
        assertThat(top).anySatisfy(c -> {
            assertThat(c.getKind()).isEqualTo("sku");
            assertThat(c.getName()).isEqualTo(DemoScenario.MODEL);
        });
        // Normal: 4 calls per 5 s at about 0.006875 USD, 19.8 USD/h; the loop makes it 20 calls per request, 396 USD/h:
        // an excess of about 376 USD/h, a few percent of token noise either way.
        assertThat(anomalies).filteredOn(a -> a.getScope().equals(DemoScenario.MODEL_SERVICE)
                && a.getState() != AnomalyState.RESOLVED)
                .extracting(Anomaly::getExcessCostPerHour)
                .anySatisfy(perHour -> assertThat(perHour).isBetween(new BigDecimal("330"), new BigDecimal("420")));
        assertThat(deadLetters).as("every model call priced").allSatisfy(d -> assertThat(d.getReason())
                .isEqualTo("invalid-json"));

        assertUnitCostIsTheExactModelSpendOfAQuietMinute(scenario, unitCosts);
        printTail();
    }

    /** A minute before the loop: its cost is what its calls' tokens cost, to the last decimal; its requests are 48. */
    private void assertUnitCostIsTheExactModelSpendOfAQuietMinute(DemoScenario scenario, List<UnitCost> unitCosts) {
        UnitCost minute = unitCosts.stream()
                .filter(u -> u.getService().equals(DemoScenario.MODEL_SERVICE)
                        && Duration.between(u.getWindowStart(), u.getWindowEnd()).equals(Duration.ofMinutes(1)))
                .min(Comparator.comparing(UnitCost::getWindowStart)).map(first -> latest(unitCosts,
                        first.getWindowStart().plus(Duration.ofMinutes(10))))
                .orElseThrow();
        BigDecimal expected = BigDecimal.ZERO;
        for (Instant t = minute.getWindowStart(); t.isBefore(minute.getWindowEnd());
                t = t.plus(DemoScenario.INTERVAL)) {
            for (ProducerRecord<String, String> record : scenario.interval(topics, t, false)) {
                if (DemoScenario.MODEL_SERVICE.equals(record.key())) {
                    expected = expected.add(modelCost(record.value()));
                }
            }
        }
        assertThat(minute.getRequests()).isEqualTo(48L);
        assertThat(minute.getCost()).as("unit cost of %s", minute).isEqualTo(Money.of(expected));
        assertThat(minute.getCostPerRequest()).isNotNull();
    }

    private static UnitCost latest(List<UnitCost> unitCosts, Instant windowStart) {
        UnitCost latest = null;
        for (UnitCost u : unitCosts) {
            if (u.getService().equals(DemoScenario.MODEL_SERVICE) && u.getWindowStart().equals(windowStart)
                    && Duration.between(u.getWindowStart(), u.getWindowEnd()).equals(Duration.ofMinutes(1))) {
                latest = u;
            }
        }
        assertThat(latest).as("a one-minute unit cost of %s at %s", DemoScenario.MODEL_SERVICE, windowStart)
                .isNotNull();
        return latest;
    }

    /** The trace's model cost, priced here independently of ingest: tokens x the demo's prices per million. */
    private static BigDecimal modelCost(String trace) {
        BigDecimal perMillion = BigDecimal.ZERO;
        try {
            for (JsonNode span : JSON.readTree(trace).at("/resourceSpans/0/scopeSpans/0/spans")) {
                long input = 0;
                long cached = 0;
                long output = 0;
                for (JsonNode attribute : span.get("attributes")) {
                    String key = attribute.get("key").asText();
                    long value = attribute.at("/value/intValue").asLong();
                    switch (key) {
                        case "gen_ai.usage.input_tokens" -> input = value;
                        case "gen_ai.usage.cache_read.input_tokens" -> cached = value;
                        case "gen_ai.usage.output_tokens" -> output = value;
                        default -> { }
                    }
                }
                perMillion = perMillion.add(INPUT.multiply(BigDecimal.valueOf(input - cached)))
                        .add(CACHED_INPUT.multiply(BigDecimal.valueOf(cached)))
                        .add(OUTPUT.multiply(BigDecimal.valueOf(output)));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return perMillion.movePointLeft(6);
    }

    /** What {@code spendstream tail spend.unit-cost spend.alerts} prints, for the record; the alert lines checked. */
    private void printTail() {
        StringWriter lines = new StringWriter();
        try (TopicTailer tailer = new TopicTailer(Map.of("bootstrap.servers", pipeline.bootstrapServers()), topics,
                List.of(topics.unitCost.name(), topics.alerts.name()),
                new TopicTailer.Options(true, false, false, 0, Duration.ofSeconds(2)), new PrintWriter(lines, true))) {
            tailer.run(Duration.ofSeconds(30));
        }
        List<String> printed = lines.toString().lines().toList();
        List<String> alertLines = printed.stream().filter(l -> l.contains(topics.alerts.name())
                || l.contains("FIRING")).toList();
        assertThat(alertLines).anySatisfy(l -> assertThat(l).contains("FIRING").contains("PAGE")
                .contains(DemoScenario.MODEL_SERVICE));
        List<String> loopMinutes = printed.stream().filter(l -> l.contains(DemoScenario.MODEL_SERVICE)).toList();
        System.out.println("spendstream tail spend.unit-cost spend.alerts (" + printed.size() + " lines; the last "
                + "unit-cost lines of " + DemoScenario.MODEL_SERVICE + " and every alert line):");
        loopMinutes.subList(Math.max(0, loopMinutes.size() - 8), loopMinutes.size()).forEach(System.out::println);
        alertLines.forEach(System.out::println);
    }

}
