package io.spendstream.ingest;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/**
 * Reads the GenAI model calls of one OTLP JSON {@code ExportTraceServiceRequest} on {@code spend.apm.raw} (the same
 * records {@link OtlpTraceParser} turns into request counts), following the OpenTelemetry GenAI semantic conventions:
 * <ul>
 *   <li>A <b>model call</b> is a span whose {@code gen_ai.operation.name} is one of {@link #MODEL_CALLS}, or a span
 *       with {@code gen_ai.provider.name} (or the deprecated {@code gen_ai.system}) and no operation name (older
 *       instrumentations). Other GenAI operations ({@code invoke_agent}, {@code create_agent}, {@code execute_tool})
 *       are not priced: an agent span may report the usage of the calls inside it, which would count it twice.</li>
 *   <li><b>provider</b>: {@code gen_ai.provider.name}, else {@code gen_ai.system} (deprecated, still emitted by many
 *       instrumentations). <b>models</b>: {@code gen_ai.response.model} (the model that answered), then
 *       {@code gen_ai.request.model}; the first with a price is the SKU ({@link ChargeValuer}).</li>
 *   <li><b>tokens</b>: {@code gen_ai.usage.input_tokens} and {@code gen_ai.usage.output_tokens} (else the deprecated
 *       {@code gen_ai.usage.prompt_tokens} / {@code completion_tokens}); output is optional on {@code embeddings}.
 *       Cache reads {@code gen_ai.usage.cache_read.input_tokens} and cache writes
 *       {@code gen_ai.usage.cache_creation.input_tokens} are optional and part of the input tokens. Missing counts are
 *       {@value Ingest#MISSING_TOKEN_USAGE}: a call is never priced at zero.</li>
 *   <li><b>calling service</b>: the resource's {@code service.name}, written as the {@code service} tag, with
 *       {@code deployment.environment.name} (or {@code deployment.environment}) as {@code environment} and every
 *       resource attribute without a dot in its key ({@code team}, {@code product}, {@code costCenter} set through
 *       {@code OTEL_RESOURCE_ATTRIBUTES}) as a tag of its own, so enrich attributes the cost to the service.</li>
 *   <li><b>identity</b>: {@code otel-span:<traceId>/<spanId>}, so a trace sent twice is one charge
 *       ({@link RestatementProcessor} sees the same charge again), and the charge period is the span's time.</li>
 * </ul>
 * The message's structure is {@link OtlpTraceParser}'s to check: what this parser cannot walk (not JSON, not a
 * trace request, a span that is not an object) it leaves alone, so a broken message is dead-lettered once. A model
 * call that cannot be read becomes a {@link ModelCall} with its problem, dead-lettered on its own at valuation.
 *
 * <p>Text that becomes a key or tag and the span's times are held to the app's {@link InputLimits}, like every
 * other input. Stateless and thread-safe.
 */
final class GenAiSpanParser {

    /** GenAI operations that are one model inference each. */
    static final List<String> MODEL_CALLS = List.of("chat", "text_completion", "generate_content", "embeddings");
    static final String EMBEDDINGS = "embeddings";

    static final String OPERATION = "gen_ai.operation.name";
    static final String PROVIDER = "gen_ai.provider.name";
    static final String SYSTEM = "gen_ai.system";
    static final String REQUEST_MODEL = "gen_ai.request.model";
    static final String RESPONSE_MODEL = "gen_ai.response.model";
    static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    static final String PROMPT_TOKENS = "gen_ai.usage.prompt_tokens";
    static final String COMPLETION_TOKENS = "gen_ai.usage.completion_tokens";
    static final String CACHE_READ_TOKENS = "gen_ai.usage.cache_read.input_tokens";
    static final String CACHE_WRITE_TOKENS = "gen_ai.usage.cache_creation.input_tokens";

    /** FOCUS ServiceCategory of model calls. */
    static final String SERVICE_CATEGORY = "AI and Machine Learning";
    static final String PRICING_UNIT = "Tokens";
    static final String CHARGE_ID_PREFIX = "otel-span:";

    private static final String SERVICE_NAME = "service.name";
    private static final List<String> ENVIRONMENT = List.of("deployment.environment.name", "deployment.environment");
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final byte[] RESOURCE_SPANS_KEY = OtlpTraceParser.RESOURCE_SPANS.getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNICODE_ESCAPE = "\\u".getBytes(StandardCharsets.UTF_8);

    private final InputLimits limits;

    GenAiSpanParser(InputLimits limits) {
        this.limits = limits;
    }

    /** The model calls of one record of spend.apm.raw whose Kafka timestamp is {@code timestamp}. */
    List<ModelCall> parse(byte[] key, byte[] value, long timestamp) {
        if (!mayBeTrace(value)) {
            return List.of();
        }
        ObjectNode request;
        try {
            request = JsonObjects.parse(value);
        } catch (RejectedRecordException e) {
            return List.of();
        }
        List<ModelCall> calls = new ArrayList<>();
        List<JsonNode> resources = objects(request.get(OtlpTraceParser.RESOURCE_SPANS));
        for (int r = 0; r < resources.size(); r++) {
            JsonNode resource = resources.get(r);
            Map<String, JsonNode> resourceAttributes = attributes(resource.path("resource").get("attributes"));
            List<JsonNode> scopes = objects(resource.get("scopeSpans"));
            for (int s = 0; s < scopes.size(); s++) {
                List<JsonNode> spans = objects(scopes.get(s).get("spans"));
                for (int i = 0; i < spans.size(); i++) {
                    Map<String, JsonNode> attributes = attributes(spans.get(i).get("attributes"));
                    if (attributes.containsKey(OPERATION) || attributes.containsKey(PROVIDER)
                            || attributes.containsKey(SYSTEM)) {
                        String at = OtlpTraceParser.RESOURCE_SPANS + "[" + r + "].scopeSpans[" + s + "].spans[" + i
                                + "]";
                        ModelCall call = call(resourceAttributes, spans.get(i), attributes, at, timestamp);
                        if (call != null) {
                            calls.add(call);
                        }
                    }
                }
            }
        }
        return calls;
    }

    /**
     * False when the record cannot be a trace request, so that an APM summary is not parsed a second time: its bytes
     * hold no {@code resourceSpans} key, neither as is nor written with JSON escapes (a record with any
     * backslash-u escape is parsed to be sure).
     */
    static boolean mayBeTrace(byte[] value) {
        return value != null && (contains(value, RESOURCE_SPANS_KEY) || contains(value, UNICODE_ESCAPE));
    }

    private static boolean contains(byte[] value, byte[] part) {
        outer:
        for (int i = 0; i <= value.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (value[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The span's model call, null when it is a GenAI span of another operation, or a call with its problem. */
    private ModelCall call(Map<String, JsonNode> resource, JsonNode span, Map<String, JsonNode> attributes,
            String at, long timestamp) {
        try {
            String operation = text(attributes, OPERATION);
            if (operation != null && !MODEL_CALLS.contains(operation)) {
                return null;
            }
            return read(resource, span, attributes, operation, at, timestamp);
        } catch (RejectedRecordException e) {
            return ModelCall.rejected(new RejectedRecordException(e.reason(), at + " (GenAI span "
                    + JsonText.quote(String.valueOf(JsonText.any(span.get("spanId")))) + "): " + e.getMessage(), e));
        }
    }

    private ModelCall read(Map<String, JsonNode> resource, JsonNode span, Map<String, JsonNode> attributes,
            String operation, String at, long timestamp) {
        String service = required(text(resource, SERVICE_NAME), "the resource's " + SERVICE_NAME);
        String provider = text(attributes, PROVIDER);
        if (provider == null) {
            provider = required(text(attributes, SYSTEM), PROVIDER + " (or the deprecated " + SYSTEM + ")");
        }
        List<ModelCall.Model> models = new ArrayList<>(2);
        String responseModel = text(attributes, RESPONSE_MODEL);
        String requestModel = text(attributes, REQUEST_MODEL);
        if (responseModel != null) {
            models.add(new ModelCall.Model(responseModel, RESPONSE_MODEL));
        }
        if (requestModel != null && !requestModel.equals(responseModel)) {
            models.add(new ModelCall.Model(requestModel, REQUEST_MODEL));
        }
        if (models.isEmpty()) {
            throw new RejectedRecordException(Ingest.MISSING_FIELD,
                    "neither " + RESPONSE_MODEL + " nor " + REQUEST_MODEL + " is set: the model is the price");
        }
        TokenUsage tokens = tokens(attributes, operation);
        String traceId = required(JsonText.scalar(span.get("traceId"), "traceId"), "traceId");
        String spanId = required(JsonText.scalar(span.get("spanId"), "spanId"), "spanId");
        long startNanos = OtlpTraceParser.nanos(span.get("startTimeUnixNano"), "startTimeUnixNano");
        long endNanos = OtlpTraceParser.nanos(span.get("endTimeUnixNano"), "endTimeUnixNano");
        if (endNanos < startNanos) {
            throw new RejectedRecordException(Ingest.INVALID_PERIOD, "endTimeUnixNano " + endNanos
                    + " is before startTimeUnixNano " + startNanos + " (negative duration)");
        }
        Instant start = Instant.ofEpochMilli(Math.floorDiv(startNanos, NANOS_PER_MILLI));
        Instant end = Instant.ofEpochMilli(Math.max(-Math.floorDiv(-endNanos, NANOS_PER_MILLI),
                start.toEpochMilli() + 1));
        EventTimeRules.checkRange(limits, "startTimeUnixNano", start, "endTimeUnixNano", end, timestamp);

        SortedMap<String, String> extensions = new TreeMap<>();
        extensions.put("x_TraceId", traceId);
        extensions.put("x_SpanId", spanId);
        putIfPresent(extensions, "x_GenAiOperation", operation);
        putIfPresent(extensions, "x_GenAiRequestModel", requestModel);
        putIfPresent(extensions, "x_GenAiResponseModel", responseModel);
        extensions.put("x_GenAiInputTokens", Long.toString(tokens.input()));
        extensions.put("x_GenAiOutputTokens", Long.toString(tokens.output()));
        extensions.put("x_GenAiCacheReadInputTokens", Long.toString(tokens.cacheRead()));
        extensions.put("x_GenAiCacheWriteInputTokens", Long.toString(tokens.cacheWrite()));
        CostRecord unpriced = CostRecord.newBuilder()
                .setChargeId(CHARGE_ID_PREFIX + traceId + "/" + spanId)
                .setRevision(1)
                .setChargePeriodStart(start)
                .setChargePeriodEnd(end)
                .setEffectiveCost(Money.ZERO)
                .setCurrency("")
                .setOriginalEffectiveCost(Money.ZERO)
                .setOriginalCurrency("")
                .setCostSource(FocusRowParser.COST_SOURCE_METERED)
                .setChargeCategory(FocusCharge.USAGE)
                .setProviderName(provider)
                .setServiceProviderName(provider)
                .setServiceName(operation != null ? operation : "chat")
                .setServiceCategory(SERVICE_CATEGORY)
                .setPricingQuantity(Money.of(BigDecimal.valueOf(tokens.total())))
                .setPricingUnit(PRICING_UNIT)
                .setTags(tags(resource, service))
                .setExtensions(extensions)
                .build();
        return new ModelCall(unpriced, provider, List.copyOf(models), tokens, service, null);
    }

    private TokenUsage tokens(Map<String, JsonNode> attributes, String operation) {
        Long input = count(attributes, INPUT_TOKENS, PROMPT_TOKENS);
        Long output = count(attributes, OUTPUT_TOKENS, COMPLETION_TOKENS);
        if (input == null || output == null && !EMBEDDINGS.equals(operation)) {
            throw new RejectedRecordException(Ingest.MISSING_TOKEN_USAGE, (input == null ? INPUT_TOKENS
                    : OUTPUT_TOKENS) + " is missing: a model call without its token counts cannot be priced, and is"
                    + " never priced at zero");
        }
        Long cacheRead = count(attributes, CACHE_READ_TOKENS, null);
        Long cacheWrite = count(attributes, CACHE_WRITE_TOKENS, null);
        return new TokenUsage(input, output == null ? 0 : output, cacheRead == null ? 0 : cacheRead,
                cacheWrite == null ? 0 : cacheWrite);
    }

    /** The tags enrich reads the owner from: the resource's own attributes, named as spend.tags names them. */
    private Map<String, String> tags(Map<String, JsonNode> resource, String service) {
        Map<String, String> tags = new LinkedHashMap<>();
        resource.forEach((key, value) -> {
            String text = key.indexOf('.') < 0 ? JsonText.scalar(value.get("stringValue"), key) : null;
            if (text != null) {
                limits.text(key, text);
            }
            if (text != null) {
                tags.put(key, text);
            }
        });
        for (String key : ENVIRONMENT) {
            String environment = text(resource, key);
            if (environment != null) {
                tags.put("environment", environment);
                break;
            }
        }
        tags.put("service", service);
        return tags;
    }

    /** A string attribute, null when absent; an attribute of another type is {@value Ingest#INVALID_FIELD}. */
    private String text(Map<String, JsonNode> attributes, String key) {
        JsonNode value = attributes.get(key);
        if (value == null) {
            return null;
        }
        JsonNode text = value.get("stringValue");
        if (text == null || !text.isTextual()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    key + ": expected a stringValue, got " + JsonText.quote(value.toString()));
        }
        return limits.text(key, JsonText.scalar(text, key));
    }

    /** A token count: an intValue (int64 as a JSON string or number), or a whole doubleValue; null when absent. */
    private static Long count(Map<String, JsonNode> attributes, String key, String deprecatedKey) {
        JsonNode value = attributes.get(key);
        String name = key;
        if (value == null && deprecatedKey != null) {
            value = attributes.get(deprecatedKey);
            name = deprecatedKey;
        }
        if (value == null) {
            return null;
        }
        JsonNode number = value.has("intValue") ? value.get("intValue") : value.get("doubleValue");
        if (number == null) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    name + ": expected an intValue, got " + JsonText.quote(value.toString()));
        }
        return JsonDecimals.count(number, name);
    }

    private String required(String value, String what) {
        if (value == null) {
            throw new RejectedRecordException(Ingest.MISSING_FIELD, what + " is missing");
        }
        return limits.text(what, value);
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** An OTLP attribute list as key to AnyValue object; entries of another shape are left to the APM parser. */
    private static Map<String, JsonNode> attributes(JsonNode list) {
        Map<String, JsonNode> attributes = new HashMap<>();
        for (JsonNode attribute : objects(list)) {
            JsonNode key = attribute.get("key");
            JsonNode value = attribute.get("value");
            if (key != null && key.isTextual() && value != null && value.isObject()) {
                attributes.putIfAbsent(key.textValue(), value);
            }
        }
        return attributes;
    }

    /**
     * The elements of a JSON array, each not an object replaced by a missing node (which has nothing in it), so that
     * positions in messages stay those of the message; empty for anything but an array.
     */
    private static List<JsonNode> objects(JsonNode array) {
        List<JsonNode> objects = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(node -> objects.add(node.isObject() ? node : MissingNode.getInstance()));
        }
        return objects;
    }
}
