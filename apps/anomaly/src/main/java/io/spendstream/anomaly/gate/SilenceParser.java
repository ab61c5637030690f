package io.spendstream.anomaly.gate;

import static io.spendstream.schemas.DeadLetterReasons.Anomaly.INVALID_FIELD;
import static io.spendstream.schemas.DeadLetterReasons.Anomaly.INVALID_JSON;
import static io.spendstream.schemas.DeadLetterReasons.Anomaly.MISSING_FIELD;
import static io.spendstream.schemas.DeadLetterReasons.Anomaly.MISSING_KEY;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.anomaly.avro.AlertGateEvent;
import io.spendstream.anomaly.avro.SilenceRecord;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;

/**
 * Parses a {@code spend.silences} record (key = silence id, value = JSON, null = deleted) into a SILENCE gate event,
 * or rejects it with a reason the dead letter carries: {@code missing-key}, {@code invalid-json},
 * {@code missing-field}, {@code invalid-field}. Example value:
 * {@code {"scopeType":"service","scope":"checkout","startsAt":"2026-11-23T10:00:00Z","endsAt":"2026-11-23T12:00:00Z",
 * "reason":"load test","createdBy":"ana"}}. Like Alertmanager, a silence must say why and who: an unexplained
 * silence during an incident is the first thing on-call needs to question. The edge limits of {@link InputLimits}
 * apply: the id and every text field at most {@code spendstream.input.max-text-length} characters
 * ({@code field-too-long}), times in [2000, 2100) ({@code timestamp-out-of-range}).
 */
final class SilenceParser implements RecordParser<String, AlertGateEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputLimits limits;

    SilenceParser(InputLimits limits) {
        this.limits = limits;
    }

    @Override
    public AlertGateEvent parse(String key, byte[] value, long timestamp) {
        if (key == null || key.isBlank()) {
            throw new RejectedRecordException(MISSING_KEY,
                    "A silence needs its id as the record key (a tombstone with that key deletes it)");
        }
        limits.text("The silence id (record key)", key);
        if (value == null) {
            return GateEvents.silence(key, null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new RejectedRecordException(INVALID_JSON, "Silence " + key + " is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new RejectedRecordException(INVALID_JSON, "Silence " + key + " must be a JSON object");
        }
        String scopeType = text(key, json, "scopeType");
        if (!Silences.SCOPE_TYPES.contains(scopeType)) {
            throw new RejectedRecordException(INVALID_FIELD, "Silence " + key + ": scopeType '" + scopeType
                    + "' is not one of " + String.join(", ", Silences.SCOPE_TYPES.stream().sorted().toList()));
        }
        String scope = Silences.ALL.equals(scopeType) ? "" : text(key, json, "scope");
        long startsAt = instant(key, json, "startsAt");
        long endsAt = instant(key, json, "endsAt");
        if (endsAt <= startsAt) {
            throw new RejectedRecordException(INVALID_FIELD, "Silence " + key + ": endsAt must be after startsAt");
        }
        return GateEvents.silence(key, SilenceRecord.newBuilder()
                .setScopeType(scopeType)
                .setScope(scope)
                .setStartsAt(startsAt)
                .setEndsAt(endsAt)
                .setReason(text(key, json, "reason"))
                .setCreatedBy(text(key, json, "createdBy"))
                .build());
    }

    private String text(String key, JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node != null && !node.isNull() && !node.isTextual()) {
            throw new RejectedRecordException(INVALID_FIELD, "Silence " + key + ": " + field
                    + " must be a JSON string, was a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        if (node == null || node.isNull() || node.asText().isBlank()) {
            throw new RejectedRecordException(MISSING_FIELD, "Silence " + key + " needs a non-empty text field "
                    + field);
        }
        return limits.text(field, node.asText().trim());
    }

    private long instant(String key, JsonNode json, String field) {
        String text = text(key, json, field);
        try {
            return limits.inRange(field, Instant.parse(text)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new RejectedRecordException(INVALID_FIELD, "Silence " + key + ": " + field + " '" + text
                    + "' is not an ISO-8601 instant such as 2026-11-23T10:00:00Z", e);
        }
    }
}
