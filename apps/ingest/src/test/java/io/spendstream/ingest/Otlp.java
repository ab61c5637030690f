package io.spendstream.ingest;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds OTLP JSON {@code ExportTraceServiceRequest}s for tests, shaped as the OpenTelemetry Collector's Kafka
 * exporter writes them ({@code encoding: otlp_json}): uint64 nanoseconds as strings, enums as numbers.
 */
final class Otlp {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final ObjectNode request = NODES.objectNode();
    private final ArrayNode resources = request.putArray("resourceSpans");

    /** Starts a resource with {@code service.name} (null: none) and returns its span list. */
    ArrayNode resource(String serviceName) {
        ObjectNode resource = resources.addObject();
        ArrayNode attributes = resource.putObject("resource").putArray("attributes");
        if (serviceName != null) {
            attribute(attributes, "service.name", serviceName);
        }
        attribute(attributes, "telemetry.sdk.language", "java");
        ObjectNode scope = resource.putArray("scopeSpans").addObject();
        scope.putObject("scope").put("name", "io.opentelemetry.tomcat-10.0");
        return scope.putArray("spans");
    }

    /** Adds a span of {@code kind} (2 = server) starting at {@code start} and lasting {@code duration}. */
    static ObjectNode span(ArrayNode spans, int kind, String name, String route, Instant start, Duration duration,
            boolean error) {
        ObjectNode span = spans.addObject();
        span.put("traceId", "5b8efff798038103d269b633813fc60c");
        span.put("spanId", String.format("%016x", spans.size()));
        span.put("name", name);
        span.put("kind", kind);
        span.put("startTimeUnixNano", Long.toString(nanos(start)));
        span.put("endTimeUnixNano", Long.toString(nanos(start) + duration.toNanos()));
        ArrayNode attributes = span.putArray("attributes");
        attribute(attributes, "http.request.method", name.split(" ")[0]);
        if (route != null) {
            attribute(attributes, "http.route", route);
        }
        if (error) {
            span.putObject("status").put("code", 2).put("message", "Internal Server Error");
        } else {
            span.putObject("status");
        }
        return span;
    }

    /**
     * Adds a GenAI client span (kind 3) as the OpenTelemetry GenAI conventions describe it: {@code gen_ai.*}
     * attributes given as key, value pairs; a {@link Long} value becomes an intValue (int64 as a JSON string, as
     * the protobuf JSON mapping writes it), anything else a stringValue.
     */
    static ObjectNode genAiSpan(ArrayNode spans, String spanId, Instant start, Duration duration,
            Object... attributes) {
        ObjectNode span = spans.addObject();
        span.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        span.put("spanId", spanId);
        span.put("name", "chat");
        span.put("kind", 3);
        span.put("startTimeUnixNano", Long.toString(nanos(start)));
        span.put("endTimeUnixNano", Long.toString(nanos(start) + duration.toNanos()));
        ArrayNode list = span.putArray("attributes");
        for (int i = 0; i < attributes.length; i += 2) {
            ObjectNode attribute = list.addObject();
            attribute.put("key", (String) attributes[i]);
            if (attributes[i + 1] instanceof Long count) {
                attribute.putObject("value").put("intValue", Long.toString(count));
            } else {
                attribute.putObject("value").put("stringValue", (String) attributes[i + 1]);
            }
        }
        span.putObject("status");
        return span;
    }

    byte[] bytes() {
        return TestRows.bytes(request);
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static void attribute(ArrayNode attributes, String key, String value) {
        ObjectNode attribute = attributes.addObject();
        attribute.put("key", key);
        attribute.putObject("value").put("stringValue", value);
    }
}
