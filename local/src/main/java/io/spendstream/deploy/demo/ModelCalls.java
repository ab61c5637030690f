package io.spendstream.deploy.demo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The demo's service that calls a model: {@value #SERVICE} answers {@value #REQUESTS} chat requests per interval,
 * each one call of {@value #PROVIDER}'s {@value #MODEL}, traced by OpenTelemetry and exported by the Collector's
 * Kafka exporter as OTLP JSON: a server span per request (the request count) and a GenAI client span per model call
 * (the tokens, priced by ingest). In an agent loop each request calls the model {@value #LOOP_CALLS} times.
 *
 * <p>One call is about 2,000 input tokens (500 of them read from the provider's prompt cache) and 250 output
 * tokens, a few percent of noise on each: at the demo's {@link #PRICE} about 0.0069 USD a call, 20 USD an hour.
 */
final class ModelCalls {

    static final String SERVICE = "assistant";
    static final String PROVIDER = "openai";
    static final String MODEL = "gpt-4o";
    static final int REQUESTS = 4;
    static final int LOOP_CALLS = 20;
    /** The model's entry on spend.prices (key {@code openai/gpt-4o}): list prices per million tokens, as an example. */
    static final String PRICE = "{\"currency\":\"USD\",\"inputPerMillionTokens\":\"2.50\","
            + "\"outputPerMillionTokens\":\"10.00\",\"cachedInputPerMillionTokens\":\"1.25\"}";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration REQUEST_SPACING = Duration.ofSeconds(1);
    private static final Duration REQUEST_LENGTH = Duration.ofMillis(900);
    private static final Duration CALL_SPACING = Duration.ofMillis(40);
    private static final Duration CALL_LENGTH = Duration.ofMillis(35);

    private ModelCalls() {
    }

    static String priceKey() {
        return PROVIDER + "/" + MODEL;
    }

    /** The interval's trace export; {@code loop}: each request calls the model {@value #LOOP_CALLS} times. */
    static ObjectNode trace(Instant start, boolean loop, Random random) {
        ObjectNode request = NODES.objectNode();
        ObjectNode resource = request.putArray("resourceSpans").addObject();
        ArrayNode attributes = resource.putObject("resource").putArray("attributes");
        text(attributes, "service.name", SERVICE);
        text(attributes, "deployment.environment.name", "prod");
        // Custom resource attributes (OTEL_RESOURCE_ATTRIBUTES=team=...,product=...): the cost's owner.
        text(attributes, "team", "customer-care");
        text(attributes, "product", "support");
        ObjectNode scope = resource.putArray("scopeSpans").addObject();
        scope.putObject("scope").put("name", "opentelemetry.instrumentation.openai_v2");
        ArrayNode spans = scope.putArray("spans");
        int calls = loop ? LOOP_CALLS : 1;
        for (int r = 0; r < REQUESTS; r++) {
            String traceId = String.format("%016x%016x", start.toEpochMilli(), r);
            Instant requestStart = start.plus(REQUEST_SPACING.multipliedBy(r));
            span(spans, traceId, String.format("%016x", r), "POST /chat", 2, requestStart, REQUEST_LENGTH);
            for (int c = 0; c < calls; c++) {
                long input = Math.round(2000 * noise(random));
                long output = Math.round(250 * noise(random));
                ObjectNode call = span(spans, traceId, String.format("%08x%08x", r + 1, c), "chat " + MODEL, 3,
                        requestStart.plus(CALL_SPACING.multipliedBy(c)), CALL_LENGTH);
                ArrayNode callAttributes = call.withArray("attributes");
                text(callAttributes, "gen_ai.operation.name", "chat");
                text(callAttributes, "gen_ai.provider.name", PROVIDER);
                text(callAttributes, "gen_ai.request.model", MODEL);
                text(callAttributes, "gen_ai.response.model", MODEL);
                count(callAttributes, "gen_ai.usage.input_tokens", input);
                count(callAttributes, "gen_ai.usage.output_tokens", output);
                count(callAttributes, "gen_ai.usage.cache_read.input_tokens", 500);
            }
        }
        return request;
    }

    private static ObjectNode span(ArrayNode spans, String traceId, String spanId, String name, int kind,
            Instant start, Duration length) {
        ObjectNode span = spans.addObject();
        span.put("traceId", traceId);
        span.put("spanId", spanId);
        span.put("name", name);
        span.put("kind", kind);
        span.put("startTimeUnixNano", Long.toString(nanos(start)));
        span.put("endTimeUnixNano", Long.toString(nanos(start.plus(length))));
        span.putArray("attributes");
        span.putObject("status");
        return span;
    }

    private static double noise(Random random) {
        return BigDecimal.valueOf(9500 + random.nextInt(1000), 4).doubleValue();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static void text(ArrayNode attributes, String key, String value) {
        ObjectNode attribute = attributes.addObject().put("key", key);
        attribute.putObject("value").put("stringValue", value);
    }

    private static void count(ArrayNode attributes, String key, long value) {
        ObjectNode attribute = attributes.addObject().put("key", key);
        // int64 as a JSON string: the protobuf JSON mapping the Collector's otlp_json encoding writes.
        attribute.putObject("value").put("intValue", Long.toString(value));
    }

    static List<String> priceKeys() {
        return List.of(priceKey());
    }
}
