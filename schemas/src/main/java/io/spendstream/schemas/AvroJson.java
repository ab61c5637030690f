package io.spendstream.schemas;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders an Avro record as plain JSON for people and {@code jq}: decimals as exact strings (never floats),
 * timestamps as ISO-8601, bytes as UTF-8 text when they are text, else base64, unions without Avro's type wrappers.
 */
public final class AvroJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(toNode(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof IndexedRecord record) {
            ObjectNode node = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                node.set(field.name(), toNode(record.get(field.pos())));
            }
            return node;
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.textNode(decimal.stripTrailingZeros().toPlainString());
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        }
        if (value instanceof ByteBuffer bytes) {
            return NODES.textNode(bytesAsText(bytes));
        }
        if (value instanceof GenericEnumSymbol<?> || value instanceof Enum<?> || value instanceof CharSequence) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set(k.toString(), toNode(v)));
            return node;
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = NODES.arrayNode();
            items.forEach(item -> array.add(toNode(item)));
            return array;
        }
        return MAPPER.valueToTree(value);
    }

    /** UTF-8 text when the bytes are valid UTF-8 (raw JSON input usually is), else {@code base64:...}. */
    public static String bytesAsText(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(copy).toString();
        } catch (CharacterCodingException e) {
            ByteBuffer again = bytes.duplicate();
            byte[] raw = new byte[again.remaining()];
            again.get(raw);
            return "base64:" + Base64.getEncoder().encodeToString(raw);
        }
    }
}
