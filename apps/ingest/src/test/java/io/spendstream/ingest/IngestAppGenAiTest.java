package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Any;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/**
 * GenAI model calls in OTLP JSON traces on spend.apm.raw, priced per call from the model entries of spend.prices into
 * metered estimates on spend.cost, attributed to the calling service; calls that cannot be priced are dead letters.
 */
class IngestAppGenAiTest {

    private static final Instant T0 = TopologyFixture.START.minusSeconds(50);
    private static final Duration CALL = Duration.ofMillis(1500);

    @Test
    void shouldPriceEachModelCallExactlyFromItsTokensAndSumThemPerWindow() {
        Otlp otlp = new Otlp();
        ArrayNode assistant = otlp.resource("assistant");
        // 1,000 uncached + 200 cached input, 300 output: (1000 x 2.50 + 200 x 1.25 + 300 x 10.00) / 1e6 = 0.00575.
        gpt4o(assistant, "00000000000000a1", T0,
                "gen_ai.usage.input_tokens", 1200L, "gen_ai.usage.output_tokens", 300L,
                "gen_ai.usage.cache_read.input_tokens", 200L);
        // Deprecated names (gen_ai.system, prompt/completion tokens); the dated response model has no price, the
        // request model has: 500 x 3 + 4000 x 0.30 + 500 x 3.75 + 800 x 15 = 16575 per million = 0.016575.
        Otlp.genAiSpan(assistant, "00000000000000a2", T0.plusSeconds(2), CALL, "gen_ai.operation.name", "chat",
                "gen_ai.system", "anthropic", "gen_ai.request.model", "claude-sonnet-4",
                "gen_ai.response.model", "claude-sonnet-4-20250514",
                "gen_ai.usage.prompt_tokens", 5000L, "gen_ai.usage.completion_tokens", 800L,
                "gen_ai.usage.cache_read.input_tokens", 4000L, "gen_ai.usage.cache_creation.input_tokens", 500L);
        // Embeddings have no output tokens: 10,000 x 0.02 / 1e6 = 0.0002.
        Otlp.genAiSpan(assistant, "00000000000000a3", T0.plusSeconds(4), CALL, "gen_ai.operation.name",
                "embeddings", "gen_ai.provider.name", "openai", "gen_ai.request.model", "text-embedding-3-small",
                "gen_ai.usage.input_tokens", 10000L);
        // Priced in EUR with a per-request fee: (1000 x 2 + 100 x 6) / 1e6 + 0.0005 = 0.0031 EUR x 1.1 = 0.00341 USD.
        Otlp.genAiSpan(otlp.resource("search"), "00000000000000b1", T0.plusSeconds(6), CALL,
                "gen_ai.operation.name", "chat", "gen_ai.provider.name", "mistral_ai",
                "gen_ai.request.model", "mistral-large", "gen_ai.response.model", "mistral-large",
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            prices(fixture);
            fixture.input(fixture.topics().fxRates).pipeInput("EUR", TestRows.utf8("{\"rate\":\"1.1\"}"));
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());

            List<TestRecord<String, CostRecord>> out = fixture.output(fixture.topics().cost).readRecordsToList();
            assertThat(out).extracting(r -> r.value().getEffectiveCost()).containsExactly(Money.of("0.00575"),
                    Money.of("0.016575"), Money.of("0.0002"), Money.of("0.00341"));
            assertThat(out).extracting(TestRecord::key).containsExactly(
                    "otel-span:4bf92f3577b34da6a3ce929d0e0e4736/00000000000000a1",
                    "otel-span:4bf92f3577b34da6a3ce929d0e0e4736/00000000000000a2",
                    "otel-span:4bf92f3577b34da6a3ce929d0e0e4736/00000000000000a3",
                    "otel-span:4bf92f3577b34da6a3ce929d0e0e4736/00000000000000b1");
            BigDecimal window = out.stream().map(r -> r.value().getEffectiveCost()).reduce(Money::add).orElseThrow();
            assertThat(window).as("the minute's model spend, to the cent and beyond").isEqualTo(Money.of("0.025935"));

            CostRecord gpt = out.get(0).value();
            assertThat(gpt.getCostSource()).as("an estimate until the bill").isEqualTo("metered");
            assertThat(gpt.getSkuId()).isEqualTo("gpt-4o");
            assertThat(gpt.getSkuPriceId()).isEqualTo("openai/gpt-4o");
            assertThat(gpt.getResourceId()).isEqualTo("openai/gpt-4o@assistant");
            assertThat(gpt.getProviderName()).isEqualTo("openai");
            assertThat(gpt.getEstimateSku()).as("takes part in estimate supersession").isEqualTo("openai/gpt-4o");
            assertThat(gpt.getTags()).containsEntry("service", "assistant");
            assertThat(gpt.getCurrency()).isEqualTo("USD");
            assertThat(gpt.getChargePeriodStart()).isEqualTo(T0);
            assertThat(gpt.getChargePeriodEnd()).isEqualTo(T0.plus(CALL));
            assertThat(gpt.getPricingQuantity()).isEqualByComparingTo("1500");
            assertThat(gpt.getExtensions()).containsEntry("x_GenAiCacheReadInputTokens", "200")
                    .containsEntry("x_GenAiOutputTokens", "300");
            assertThat(out.get(0).timestamp()).isEqualTo(T0.toEpochMilli());

            CostRecord claude = out.get(1).value();
            assertThat(claude.getSkuId()).as("the first of response and request model with a price")
                    .isEqualTo("claude-sonnet-4");
            assertThat(claude.getProviderName()).isEqualTo("anthropic");
            CostRecord mistral = out.get(3).value();
            assertThat(mistral.getOriginalEffectiveCost()).isEqualTo(Money.of("0.0031"));
            assertThat(mistral.getOriginalCurrency()).isEqualTo("EUR");
            assertThat(mistral.getTags()).containsEntry("service", "search");
            assertThat(fixture.output(fixture.topics().apm).readRecordsToList()).as("no server spans, no requests")
                    .isEmpty();
            assertThat(fixture.output(fixture.topics().dlq).isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterEachCallWithoutTokensOrWithAnUnknownModelAndPriceTheOthers() {
        Otlp otlp = new Otlp();
        ArrayNode assistant = otlp.resource("assistant");
        gpt4o(assistant, "00000000000000c1", T0,
                "gen_ai.usage.input_tokens", 1000L);
        Otlp.genAiSpan(assistant, "00000000000000c2", T0, CALL, "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-5-unpriced",
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 10L);
        gpt4o(assistant, "00000000000000c3", T0,
                "gen_ai.usage.input_tokens", 100L, "gen_ai.usage.output_tokens", 10L,
                "gen_ai.usage.cache_read.input_tokens", 200L);
        // The good one: (1000 x 2.50 + 100 x 10) / 1e6 = 0.0035.
        gpt4o(assistant, "00000000000000c4", T0,
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        // An agent span reports the usage of the calls inside it, and a tool call has none: neither is priced.
        Otlp.genAiSpan(assistant, "00000000000000c5", T0, CALL, "gen_ai.operation.name", "invoke_agent",
                "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o",
                "gen_ai.usage.input_tokens", 99000L, "gen_ai.usage.output_tokens", 9900L);
        Otlp.genAiSpan(assistant, "00000000000000c6", T0, CALL, "gen_ai.operation.name", "execute_tool");
        byte[] message = otlp.bytes();

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            prices(fixture);
            fixture.input(fixture.topics().apmRaw).pipeInput(null, message);

            assertThat(fixture.output(fixture.topics().cost).readValuesToList())
                    .extracting(CostRecord::getEffectiveCost).containsExactly(Money.of("0.0035"));
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();
            assertThat(dead).extracting(DeadLetter::getReason).containsExactly(Ingest.MISSING_TOKEN_USAGE,
                    Ingest.UNKNOWN_MODEL, Ingest.INVALID_TOKEN_USAGE);
            assertThat(dead.get(0).getMessage()).contains("resourceSpans[0].scopeSpans[0].spans[0]",
                    "00000000000000c1", "gen_ai.usage.output_tokens is missing", "never priced at zero");
            assertThat(dead.get(1).getMessage()).contains("'openai/gpt-5-unpriced' (gen_ai.request.model)",
                    "spend.prices", "never priced at zero");
            assertThat(dead.get(2).getMessage()).contains("exceed the input tokens (100)");
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.getSourceTopic()).isEqualTo(fixture.topics().apmRaw.name());
                assertThat(IngestAppFocusFilesTest.bytes(d)).as("the message as received").isEqualTo(message);
            });
            assertThat(fixture.count("spendstream.records.dead.lettered", "stage", "ingest", "reason",
                    Ingest.UNKNOWN_MODEL)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldCountRequestsFromTheServerSpanAndModelCostFromTheClientSpansOfAMixedTrace() {
        Otlp otlp = new Otlp();
        ArrayNode assistant = otlp.resource("assistant");
        Otlp.span(assistant, 2, "POST /ask", "/ask", T0, Duration.ofSeconds(5), false);
        // Two model calls inside the request: 2 x (1000 x 2.50 + 100 x 10) / 1e6 = 0.007.
        for (String spanId : List.of("00000000000000d1", "00000000000000d2")) {
            gpt4o(assistant, spanId, T0.plusMillis(100),
                    "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        }

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            prices(fixture);
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());
            // The collector retries: the same trace again is the same two charges, counted once.
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());

            List<ApmRecord> apm = fixture.output(fixture.topics().apm).readValuesToList();
            assertThat(apm.get(0).getRequests()).as("only the server span is a request").isEqualTo(1L);
            assertThat(apm.get(0).getService()).isEqualTo("assistant");
            List<CostRecord> costs = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(costs).extracting(CostRecord::getEffectiveCost)
                    .containsExactly(Money.of("0.0035"), Money.of("0.0035"));
            assertThat(costs).extracting(CostRecord::getResourceId).containsOnly("openai/gpt-4o@assistant");
            assertThat(fixture.count("spendstream.ingest.duplicates")).isEqualTo(2.0);
            assertThat(fixture.count("spendstream.records.in", "stage", "ingest"))
                    .as("each message counted once, by the APM parse").isEqualTo(2.0);
            assertThat(fixture.count(ModelCallReader.MODEL_CALLS)).isEqualTo(4.0);
        }
    }

    @Test
    void shouldReadATraceWhoseKeysAreWrittenWithJsonEscapesButNotParseSummariesTwice() {
        Otlp otlp = new Otlp();
        gpt4o(otlp.resource("assistant"), "00000000000000g1", T0,
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        String escaped = new String(otlp.bytes(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"resourceSpans\"", "\"\\u0072esourceSpans\"");
        assertThat(escaped).doesNotContain("resourceSpans");
        assertThat(GenAiSpanParser.mayBeTrace(TestRows.utf8(escaped))).isTrue();
        assertThat(GenAiSpanParser.mayBeTrace(TestRows.bytes(TestRows.apm()))).isFalse();
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            prices(fixture);
            fixture.input(fixture.topics().apmRaw).pipeInput(null, TestRows.utf8(escaped));

            assertThat(fixture.output(fixture.topics().cost).readValuesToList())
                    .extracting(CostRecord::getEffectiveCost).containsExactly(Money.of("0.0035"));
        }
    }

    @Test
    void shouldDeadLetterACallWhoseModelPriceIsMalformedNamingTheEntry() {
        Otlp otlp = new Otlp();
        Otlp.genAiSpan(otlp.resource("assistant"), "00000000000000e1", T0, CALL, "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o",
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            fixture.input(fixture.topics().prices).pipeInput("openai/gpt-4o",
                    TestRows.utf8("{\"currency\":\"USD\",\"inputPerMillionTokens\":\"2.50\"}"));
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());

            DeadLetter dead = fixture.output(fixture.topics().dlq).readValue();
            assertThat(dead.getReason()).isEqualTo(Ingest.INVALID_PRICE);
            assertThat(dead.getMessage()).contains("'openai/gpt-4o'", "outputPerMillionTokens is missing");
            assertThat(fixture.output(fixture.topics().cost).isEmpty()).isTrue();
        }
    }

    @Test
    void shouldGiveWayToTheProvidersBillForTheServiceModelAndHour() {
        Otlp otlp = new Otlp();
        ArrayNode assistant = otlp.resource("assistant");
        // Two calls in the 09:00 hour: 2 x 0.0035 = 0.007 estimated.
        for (String spanId : List.of("00000000000000f1", "00000000000000f2")) {
            gpt4o(assistant, spanId, T0,
                    "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        }
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            prices(fixture);
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());
            // The provider's FOCUS bill for the hour, with the estimate's resource and SKU: 0.0071 billed.
            com.fasterxml.jackson.databind.node.ObjectNode bill = TestRows.focus();
            bill.put("ResourceId", "openai/gpt-4o@assistant");
            bill.put("SkuPriceId", "openai/gpt-4o");
            bill.put("SkuId", "gpt-4o");
            bill.put("ProviderName", "OpenAI");
            bill.put("EffectiveCost", "0.0071");
            bill.put("BilledCost", "0.0071");
            bill.put("Tags", "{\"service\": \"assistant\"}");
            fixture.input(fixture.topics().usageRaw).pipeInput(null, TestRows.bytes(bill));

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(out).extracting(CostRecord::getCostSource).containsExactly("metered", "metered",
                    EstimateSupersession.COST_SOURCE_REVERSAL, FocusRowParser.COST_SOURCE_BILLING);
            CostRecord reversal = out.get(2);
            assertThat(reversal.getEffectiveCost()).isEqualTo(Money.of("-0.007"));
            assertThat(reversal.getTags()).as("the estimate's owner").containsEntry("service", "assistant");
            assertThat(out.stream().map(CostRecord::getEffectiveCost).reduce(Money::add).orElseThrow())
                    .as("spend.cost ends equal to the bill").isEqualTo(Money.of("0.0071"));
        }
    }

    /** A chat call of OpenAI's gpt-4o with the given token attributes. */
    @Test
    void shouldHoldModelCallsToTheInputLimitsLikeEveryOtherInput() {
        Otlp otlp = new Otlp();
        ArrayNode assistant = otlp.resource("assistant");
        // Two days ahead of the record: its cost records would be stamped where the broker refuses them.
        gpt4o(assistant, "00000000000000d1", T0.plus(Duration.ofDays(2)),
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        // A model name longer than any key or label may be (it becomes the SKU and part of the resource id).
        Otlp.genAiSpan(assistant, "00000000000000d2", T0, CALL, "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "openai", "gen_ai.request.model", "m".repeat(3000),
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        gpt4o(assistant, "00000000000000d3", T0,
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            prices(fixture);
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());

            assertThat(fixture.output(fixture.topics().cost).readValuesToList())
                    .extracting(CostRecord::getEffectiveCost).containsExactly(Money.of("0.0035"));
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();
            assertThat(dead).extracting(DeadLetter::getReason).containsExactly(Any.TIMESTAMP_OUT_OF_RANGE,
                    Any.FIELD_TOO_LONG);
            assertThat(dead.get(0).getMessage()).contains("00000000000000d1", "startTimeUnixNano");
            assertThat(dead.get(1).getMessage()).contains("00000000000000d2", "gen_ai.request.model");
        }
    }

    private static void gpt4o(ArrayNode spans, String spanId, Instant start, Object... tokens) {
        Object[] attributes = new Object[6 + tokens.length];
        System.arraycopy(new Object[] {"gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
            "gen_ai.request.model", "gpt-4o"}, 0, attributes, 0, 6);
        System.arraycopy(tokens, 0, attributes, 6, tokens.length);
        Otlp.genAiSpan(spans, spanId, start, CALL, attributes);
    }

    private static void prices(TopologyFixture fixture) {
        Map<String, String> prices = Map.of(
                "openai/gpt-4o", "{\"currency\":\"USD\",\"inputPerMillionTokens\":\"2.50\","
                        + "\"outputPerMillionTokens\":\"10.00\",\"cachedInputPerMillionTokens\":\"1.25\"}",
                "anthropic/claude-sonnet-4", "{\"currency\":\"USD\",\"inputPerMillionTokens\":\"3\","
                        + "\"outputPerMillionTokens\":\"15\",\"cachedInputPerMillionTokens\":\"0.30\","
                        + "\"cacheWritePerMillionTokens\":\"3.75\"}",
                "openai/text-embedding-3-small", "{\"currency\":\"USD\",\"inputPerMillionTokens\":\"0.02\","
                        + "\"outputPerMillionTokens\":\"0\"}",
                "mistral_ai/mistral-large", "{\"currency\":\"eur\",\"inputPerMillionTokens\":2,"
                        + "\"outputPerMillionTokens\":6,\"perRequest\":\"0.0005\"}");
        prices.forEach((key, json) -> fixture.input(fixture.topics().prices).pipeInput(key, TestRows.utf8(json)));
    }
}
