package io.spendstream.enrich;

import static io.spendstream.schemas.DeadLetterReasons.Enrich.INVALID_FIELD;
import static io.spendstream.schemas.DeadLetterReasons.Enrich.INVALID_JSON;
import static io.spendstream.schemas.DeadLetterReasons.Enrich.INVALID_TIMESTAMP;
import static io.spendstream.schemas.DeadLetterReasons.Enrich.MISSING_KEY;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;

/**
 * Parses one {@code spend.tags} record (key = ResourceId, value = tag JSON, null value = delete) into a
 * {@link TagUpdate}.
 *
 * <p>Accepted fields: {@code service}, {@code team}, {@code product}, {@code environment}, {@code costCenter}
 * (strings; blank or null means "not set"), {@code shared} (boolean, or the strings {@code "true"}/{@code "false"}
 * that shell tools tend to write) and {@code validFrom} (ISO-8601 instant or offset date-time). Unknown fields are
 * ignored so that producers can add fields before Spendstream reads them.
 *
 * <p>Reject reasons: {@code missing-key} (null or blank ResourceId, also for deletes: a keyless delete cannot say
 * what to delete), {@code invalid-json} (not a JSON object), {@code invalid-field} (a field of the wrong type),
 * {@code invalid-timestamp} ({@code validFrom} not a date-time), and the edge limits of {@link InputLimits}:
 * {@code field-too-long} (the ResourceId or a text field over {@code spendstream.input.max-text-length}: they become
 * keys and labels) and {@code timestamp-out-of-range} ({@code validFrom} from 2100, or more than
 * {@code spendstream.input.future-tolerance} after the record's timestamp: it becomes the timestamp of the tag
 * table's changelog record, which the broker would refuse). A change scheduled further ahead is sent when it applies.
 */
public final class TagJsonParser implements RecordParser<String, TagUpdate> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputLimits limits;

    public TagJsonParser() {
        this(InputLimits.DEFAULTS);
    }

    public TagJsonParser(InputLimits limits) {
        this.limits = limits;
    }

    @Override
    public TagUpdate parse(String resourceId, byte[] value, long timestamp) {
        if (resourceId == null || resourceId.isBlank()) {
            throw new RejectedRecordException(MISSING_KEY, "A spend.tags record needs the ResourceId as its key");
        }
        limits.text("The ResourceId (record key)", resourceId);
        if (value == null) {
            return TagUpdate.delete();
        }
        JsonNode root = readObject(value);
        return TagUpdate.of(ResourceTags.newBuilder()
                .setService(text(root, "service"))
                .setTeam(text(root, "team"))
                .setProduct(text(root, "product"))
                .setEnvironment(text(root, "environment"))
                .setCostCenter(text(root, "costCenter"))
                .setShared(bool(root, "shared"))
                .setValidFrom(validFrom(root, timestamp))
                .build());
    }

    private static JsonNode readObject(byte[] value) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new RejectedRecordException(INVALID_JSON, "Tag value is not valid JSON: " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new RejectedRecordException(INVALID_JSON, "Tag value cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new RejectedRecordException(INVALID_JSON, "Tag value is empty; send a null value to delete tags");
        }
        if (!root.isObject()) {
            throw new RejectedRecordException(INVALID_JSON, "Tag value must be a JSON object, was "
                    + root.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return root;
    }

    private String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException(INVALID_FIELD, "'" + field + "' must be a string, was " + node);
        }
        String text = node.asText().trim();
        return text.isEmpty() ? null : limits.text("'" + field + "'", text);
    }

    private static boolean bool(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        throw new RejectedRecordException(INVALID_FIELD, "'" + field + "' must be true or false, was " + node);
    }

    private Instant validFrom(JsonNode root, long recordTimestamp) {
        Instant validFrom = instant(root, "validFrom");
        return validFrom == null ? null : limits.notAhead("'validFrom'", validFrom, recordTimestamp);
    }

    private static Instant instant(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException(INVALID_TIMESTAMP,
                    "'" + field + "' must be an ISO-8601 date-time string, was " + node);
        }
        String text = node.asText().trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                // Instant.parse on JDK 17 refuses offsets such as +01:00, which people and exporters do write.
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new RejectedRecordException(INVALID_TIMESTAMP,
                        "'" + field + "' is not an ISO-8601 date-time: '" + text + "'", e);
            }
        }
    }
}
