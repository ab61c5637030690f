package io.spendstream.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

/**
 * The demo's minute history for {@code spend.value}: one usage row per payments resource and one APM summary per
 * payments service each minute, checkout's conversions following its latency, and the regression hour 200 ms slower.
 */
class DemoScenarioValueHistoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FROM = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void shouldSendAConversionFunnelThatFallsWithLatencyAndARegressionHour() throws Exception {
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
                InMemorySchemaRegistry.scope("demo-value-history"));
        Instant regression = FROM.plus(Duration.ofHours(20));
        List<ProducerRecord<String, String>> records = new DemoScenario(42)
                .valueHistory(topics, FROM, FROM.plus(Duration.ofHours(24)), regression);

        // 5 resources of the payments team and 2 services, each minute of the day.
        assertThat(records).hasSize(24 * 60 * 7);
        double regressionP95 = 0;
        double otherP95 = 0;
        long conversions = 0;
        double expected = 0;
        for (ProducerRecord<String, String> record : records) {
            JsonNode json = JSON.readTree(record.value());
            if (record.topic().equals(topics.usageRaw.name())) {
                assertThat(json.get("x_LineItemId").asText()).startsWith("demo-minute-");
                continue;
            }
            if (!json.get("service").asText().equals(DemoScenario.FUNNEL_SERVICE)) {
                assertThat(json.has("conversions")).isFalse();
                continue;
            }
            double p95 = json.get("latencyMs").get("p95").asDouble();
            long requests = json.get("requests").asLong();
            Instant start = Instant.parse(json.get("windowStart").asText());
            boolean slow = !start.isBefore(regression) && start.isBefore(regression.plus(Duration.ofHours(1)));
            if (slow) {
                regressionP95 += p95 / 60;
            } else {
                otherP95 += p95 / (23 * 60);
            }
            conversions += json.get("conversions").asLong();
            expected += requests * DemoScenario.conversionRate(p95);
            assertThat(new BigDecimal(json.get("revenue").asText())).isEqualByComparingTo(
                    DemoScenario.REVENUE_PER_CONVERSION.multiply(BigDecimal.valueOf(json.get("conversions").asLong())));
        }
        assertThat(otherP95).isCloseTo(120, within(10.0));
        assertThat(regressionP95 - otherP95).isCloseTo(DemoScenario.REGRESSION_MS, within(20.0));
        assertThat((double) conversions).isCloseTo(expected, within(expected * 0.01));
        InMemorySchemaRegistry.dropScope("demo-value-history");
    }
}
