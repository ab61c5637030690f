package io.spendstream.deploy.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The loader's JSON: decimals read as {@link BigDecimal} with their scale ({@code 0.00000080000} stays exactly
 * that) and written plain (never {@code 8.0E-7}), duplicate keys and trailing content refused, as ingest does, so
 * that what the loader accepts ingest reads the same way. Also FOCUS's null conventions and case-insensitive column
 * lookup.
 */
final class LoadJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private LoadJson() {
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write JSON", e);
        }
    }

    /**
     * The actual name of the column {@code name} in {@code row}: exact match first, then ignoring case (hand-made
     * files misspell case, e.g. {@code SkuPriceid} in a FOCUS 1.2 example); null if there is none.
     */
    static String findField(ObjectNode row, String name) {
        if (row.has(name)) {
            return name;
        }
        for (Map.Entry<String, JsonNode> column : row.properties()) {
            String field = column.getKey();
            if (field.equalsIgnoreCase(name)) {
                return field;
            }
        }
        return null;
    }

    /** The column's value as trimmed text, or null when absent by FOCUS conventions (missing, null, "", "NULL"). */
    static String text(ObjectNode row, String name) {
        String field = findField(row, name);
        JsonNode node = field == null ? null : row.get(field);
        if (isAbsent(node) || node.isContainerNode()) {
            return null;
        }
        return node.isNumber() ? node.decimalValue().toPlainString() : node.asText().trim();
    }

    static boolean isAbsent(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return true;
        }
        return node.isTextual() && isNullText(node.textValue());
    }

    /** FOCUS exports write nulls as empty fields or the text NULL (any case, e.g. {@code null} in 1.2 examples). */
    static boolean isNullText(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() || trimmed.toUpperCase(Locale.ROOT).equals("NULL");
    }
}
