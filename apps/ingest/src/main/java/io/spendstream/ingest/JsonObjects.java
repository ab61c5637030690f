package io.spendstream.ingest;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Turns the bytes of one raw input record ({@code spend.usage.raw}, {@code spend.apm.raw}) into a JSON object, or
 * rejects it. Floats are read as {@link java.math.BigDecimal} with their scale kept ({@code 0.00000080000} stays
 * exactly that), so no amount ever passes through a {@code double}. Duplicate keys and trailing garbage are errors,
 * because either could silently change which cost is counted.
 */
public final class JsonObjects {

    /** Largest accepted record value: 1 MiB. A FOCUS row is a few KiB; anything this big is not a row. */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;

    // Immutable once built and thread-safe for reading trees; shared by all stream threads.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Python's json.dumps writes bare NaN/Infinity: accept the token (as a double node) so that the field
            // holding it is reported as invalid-number rather than the whole record as invalid-json.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private JsonObjects() {
    }

    public static ObjectNode parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new RejectedRecordException(Ingest.INVALID_JSON, "Record value is empty: expected a JSON object");
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new RejectedRecordException(Ingest.RECORD_TOO_LARGE,
                    "Record value is " + value.length + " bytes; the limit is " + MAX_RECORD_BYTES);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new RejectedRecordException(Ingest.INVALID_JSON, "Not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset()), e);
        } catch (IOException e) {
            throw new RejectedRecordException(Ingest.INVALID_JSON, "Not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new RejectedRecordException(Ingest.INVALID_JSON, "Record value is blank: expected a JSON object");
        }
        if (!node.isObject()) {
            throw new RejectedRecordException(Ingest.NOT_AN_OBJECT,
                    "Expected a JSON object, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return (ObjectNode) node;
    }

    /**
     * A JSON object embedded as text inside a field (FOCUS CSV exports write {@code Tags} this way). A field that
     * does not hold an object is {@code invalid-field}, naming the field.
     */
    public static ObjectNode parseEmbedded(String text, String field) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    field + ": " + JsonText.quote(text) + " is not a JSON object", e);
        }
        if (node == null || !node.isObject()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    field + ": " + JsonText.quote(text) + " is not a JSON object");
        }
        return (ObjectNode) node;
    }
}
