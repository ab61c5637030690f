package io.spendstream.ingest;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.ApmRecord;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Turns one OTLP JSON {@code ExportTraceServiceRequest}, as the OpenTelemetry Collector's Kafka exporter writes it
 * with {@code encoding: otlp_json}, into {@link ApmRecord}s for {@code spend.apm}:
 * <pre>
 * {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
 *   "scopeSpans":[{"spans":[{"name":"POST /pay","kind":2,"startTimeUnixNano":"1795428000000000000",
 *     "endTimeUnixNano":"1795428000041000000","attributes":[{"key":"http.route","value":{"stringValue":"/pay"}}],
 *     "status":{"code":2}}]}]}]}
 * </pre>
 * <ul>
 *   <li>Only <b>server</b> spans ({@code kind} 2 or {@code SPAN_KIND_SERVER}) are requests; other kinds are checked
 *       for shape and otherwise ignored. A message without server spans yields no record.</li>
 *   <li><b>service</b>: the resource's {@code service.name} attribute (required when the resource has server spans);
 *       <b>operation</b>: the span's {@code http.route} attribute, else its name.</li>
 *   <li><b>errors</b>: spans whose {@code status.code} is 2 or {@code STATUS_CODE_ERROR}.</li>
 *   <li><b>latency</b>: duration = endTimeUnixNano - startTimeUnixNano (a negative one is {@code invalid-period});
 *       p50/p95/p99 are exact nearest-rank percentiles of the message's durations (the smallest duration with at
 *       least p% of the spans at or below it), in milliseconds.</li>
 *   <li>One record per (service, operation) in the message, in order of first appearance, with
 *       {@code windowStart} = earliest span start floored to the millisecond and {@code windowEnd} = latest span end
 *       rounded up to the millisecond (at least 1 ms after the start, since a window cannot be empty). Windows are
 *       then checked like a summary's ({@link EventTimeRules}).</li>
 * </ul>
 * Timestamps are unsigned 64-bit nanoseconds, as JSON strings (the protobuf JSON mapping) or numbers. One bad span
 * rejects the whole message: it is dead-lettered as one record, as it arrived.
 *
 * <p>Stateless and thread-safe.
 */
final class OtlpTraceParser {

    static final String RESOURCE_SPANS = "resourceSpans";

    private static final String SERVICE_NAME = "service.name";
    private static final String HTTP_ROUTE = "http.route";
    private static final int SPAN_KIND_SERVER = 2;
    private static final List<String> SPAN_KINDS = List.of("SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
            "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER");
    private static final int STATUS_CODE_ERROR = 2;
    private static final List<String> STATUS_CODES = List.of("STATUS_CODE_UNSET", "STATUS_CODE_OK",
            "STATUS_CODE_ERROR");
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final InputLimits limits;

    OtlpTraceParser(InputLimits limits) {
        this.limits = limits;
    }

    private record Operation(String service, String operation) {
    }

    /** The server spans of one (service, operation) in the message. */
    private static final class Spans {
        long firstStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        long errors;
        final List<Long> durations = new ArrayList<>();
    }

    List<ApmRecord> parse(ObjectNode request, long recordTimestamp) {
        Map<Operation, Spans> operations = new LinkedHashMap<>();
        List<JsonNode> resources = array(request.get(RESOURCE_SPANS), RESOURCE_SPANS);
        for (int r = 0; r < resources.size(); r++) {
            String at = RESOURCE_SPANS + "[" + r + "]";
            JsonNode resource = object(resources.get(r), at);
            String service = null;
            List<JsonNode> scopes = array(resource.get("scopeSpans"), at + ".scopeSpans");
            for (int s = 0; s < scopes.size(); s++) {
                String scopeAt = at + ".scopeSpans[" + s + "]";
                List<JsonNode> spans = array(object(scopes.get(s), scopeAt).get("spans"), scopeAt + ".spans");
                for (int i = 0; i < spans.size(); i++) {
                    String spanAt = scopeAt + ".spans[" + i + "]";
                    JsonNode span = object(spans.get(i), spanAt);
                    if (!isServer(span.get("kind"), spanAt + ".kind")) {
                        continue;
                    }
                    if (service == null) {
                        service = serviceName(resource, at);
                    }
                    add(operations, service, span, spanAt);
                }
            }
        }
        List<ApmRecord> records = new ArrayList<>(operations.size());
        operations.forEach((operation, spans) -> records.add(record(operation, spans, recordTimestamp)));
        return records;
    }

    private void add(Map<Operation, Spans> operations, String service, JsonNode span, String at) {
        long start = nanos(span.get("startTimeUnixNano"), at + ".startTimeUnixNano");
        long end = nanos(span.get("endTimeUnixNano"), at + ".endTimeUnixNano");
        if (end < start) {
            throw new RejectedRecordException(Ingest.INVALID_PERIOD, at + ": endTimeUnixNano " + end
                    + " is before startTimeUnixNano " + start + " (negative duration)");
        }
        String route = attribute(span.get("attributes"), HTTP_ROUTE, at + ".attributes");
        String operation = route != null ? route : JsonText.text(span.get("name"), at + ".name", limits);
        Spans spans = operations.computeIfAbsent(new Operation(service, operation), k -> new Spans());
        spans.firstStart = Math.min(spans.firstStart, start);
        spans.lastEnd = Math.max(spans.lastEnd, end);
        spans.durations.add(end - start);
        if (isError(span.get("status"), at + ".status")) {
            spans.errors++;
        }
    }

    private ApmRecord record(Operation operation, Spans spans, long recordTimestamp) {
        Instant windowStart = Instant.ofEpochMilli(Math.floorDiv(spans.firstStart, NANOS_PER_MILLI));
        Instant windowEnd = Instant.ofEpochMilli(Math.max(-Math.floorDiv(-spans.lastEnd, NANOS_PER_MILLI),
                windowStart.toEpochMilli() + 1));
        EventTimeRules.checkRange(limits, "windowStart", windowStart, "windowEnd", windowEnd, recordTimestamp);
        List<Long> sorted = spans.durations.stream().sorted().toList();
        return ApmRecord.newBuilder()
                .setService(operation.service())
                .setOperation(operation.operation())
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setRequests(sorted.size())
                .setErrors(spans.errors)
                .setLatencyP50Ms(percentileMillis(sorted, 50))
                .setLatencyP95Ms(percentileMillis(sorted, 95))
                .setLatencyP99Ms(percentileMillis(sorted, 99))
                .build();
    }

    /** Nearest rank: the value at rank ceil(p/100 x n), 1-based, of the sorted durations. */
    private static double percentileMillis(List<Long> sortedNanos, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sortedNanos.size());
        return sortedNanos.get(Math.max(rank, 1) - 1) / (double) NANOS_PER_MILLI;
    }

    private static boolean isServer(JsonNode kind, String at) {
        return enumValue(kind, SPAN_KINDS, at) == SPAN_KIND_SERVER;
    }

    private static boolean isError(JsonNode status, String at) {
        if (JsonText.isAbsent(status)) {
            return false;
        }
        return enumValue(object(status, at).get("code"), STATUS_CODES, at + ".code") == STATUS_CODE_ERROR;
    }

    /** A protobuf enum in JSON: its number or its name; absent is 0 (unspecified/unset). */
    private static int enumValue(JsonNode value, List<String> names, String at) {
        if (JsonText.isAbsent(value)) {
            return 0;
        }
        if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0
                && value.intValue() < names.size()) {
            return value.intValue();
        }
        if (value.isTextual() && names.contains(value.textValue())) {
            return names.indexOf(value.textValue());
        }
        throw new RejectedRecordException(Ingest.INVALID_FIELD,
                at + ": " + JsonText.quote(value.toString()) + " is not one of " + names + " or its number");
    }

    private String serviceName(JsonNode resource, String at) {
        JsonNode description = resource.get("resource");
        String service = JsonText.isAbsent(description) ? null
                : attribute(object(description, at + ".resource").get("attributes"), SERVICE_NAME,
                        at + ".resource.attributes");
        if (service == null) {
            throw new RejectedRecordException(Ingest.MISSING_FIELD,
                    at + ": the resource has server spans but no " + SERVICE_NAME + " attribute");
        }
        return service;
    }

    /** The string value of attribute {@code key} in an OTLP attribute list, null when absent. */
    private String attribute(JsonNode attributes, String key, String at) {
        if (JsonText.isAbsent(attributes)) {
            return null;
        }
        for (JsonNode attribute : array(attributes, at)) {
            if (key.equals(attribute.path("key").asText(null))) {
                JsonNode value = object(attribute.get("value"), at + "[" + key + "].value").get("stringValue");
                if (value != null && !value.isTextual()) {
                    throw new RejectedRecordException(Ingest.INVALID_FIELD,
                            at + "[" + key + "]: expected a stringValue, got " + JsonText.quote(value.toString()));
                }
                return JsonText.text(value, key, limits);
            }
        }
        return null;
    }

    /** Unsigned 64-bit nanoseconds since the epoch, as a JSON string or integer. */
    static long nanos(JsonNode value, String at) {
        if (JsonText.isAbsent(value)) {
            throw new RejectedRecordException(Ingest.MISSING_FIELD, at + " is missing");
        }
        String text = value.isTextual() ? value.textValue().trim() : value.isIntegralNumber() ? value.asText() : null;
        if (text == null || !text.matches("\\d{1,20}")) {
            throw new RejectedRecordException(Ingest.INVALID_TIMESTAMP,
                    at + ": " + JsonText.quote(value.toString()) + " is not a count of nanoseconds since the epoch");
        }
        BigInteger nanos = new BigInteger(text);
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new RejectedRecordException(Ingest.TIMESTAMP_OUT_OF_RANGE,
                    at + ": " + text + " ns is beyond the year 2262");
        }
        return nanos.longValueExact();
    }

    private static List<JsonNode> array(JsonNode node, String at) {
        if (JsonText.isAbsent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    at + ": expected a JSON array, got " + JsonText.quote(node.toString()));
        }
        List<JsonNode> items = new ArrayList<>(node.size());
        node.forEach(items::add);
        return items;
    }

    private static JsonNode object(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    at + ": expected a JSON object, got " + JsonText.quote(String.valueOf(node)));
        }
        return node;
    }
}
