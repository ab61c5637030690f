package io.spendstream.ingest;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * How ingest reads JSON values as text. One rule for "absent" everywhere: a missing key, JSON {@code null}, an empty
 * or blank string, and the string {@code NULL} (any case, as CSV exports write it) all mean "no value".
 */
public final class JsonText {

    /** Longest excerpt of a bad value quoted in a dead-letter message. */
    private static final int QUOTE_LIMIT = 80;

    /** Numbers with exponents beyond this are printed in scientific notation: plain text would be huge. */
    private static final int PLAIN_SCALE_LIMIT = 100;

    private JsonText() {
    }

    public static boolean isAbsent(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return true;
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            return text.isEmpty() || text.equalsIgnoreCase("null");
        }
        return false;
    }

    /**
     * A text field: a JSON string, trimmed, at most {@link InputLimits#maxTextLength()} characters
     * ({@code field-too-long}); null when absent. Any other JSON type is {@code invalid-field}: a number is not text
     * ({@code 12} for a service, or an account id whose leading zero a number has already lost).
     */
    public static String text(JsonNode node, String field, InputLimits limits) {
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD, field + ": expected a JSON string, got a JSON "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + quote(node.toString()));
        }
        return limits.text(field, node.textValue().trim());
    }

    /**
     * A FOCUS text column: a JSON string as in {@link #text(JsonNode, String, InputLimits)}, or a JSON number written
     * as its exact plain decimal text. FOCUS exports, the FOCUS project's own sample data included, write numeric ids
     * ({@code Id}, account ids) as JSON numbers, and {@link ChargeIdentity} hashes {@code 11472} and
     * {@code "11472"} alike. Booleans, objects and arrays are {@code invalid-field}.
     */
    public static String textOrNumber(JsonNode node, String field, InputLimits limits) {
        if (node != null && node.isNumber() && !isAbsent(node)) {
            return limits.text(field, any(node));
        }
        return text(node, field, limits);
    }

    /** {@link #text(JsonNode, String, InputLimits)} with the default limits, for reference entries (prices, rates). */
    public static String scalar(JsonNode node, String field) {
        return text(node, field, InputLimits.DEFAULTS);
    }

    /**
     * Any value as text (trimmed; numbers exact and without exponent; objects and arrays as compact JSON), null when
     * absent: for free-form values (FOCUS {@code x_} columns, tag values) and for quoting a value in a message.
     */
    public static String any(JsonNode node) {
        if (isAbsent(node)) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue().trim();
        }
        if (node.isBigDecimal() || node.isIntegralNumber()) {
            return plain(node.decimalValue());
        }
        if (node.isContainerNode()) {
            return node.toString();
        }
        return node.asText();
    }

    /** {@code 0.00000080000} stays {@code 0.00000080000} (BigDecimal.toString would print {@code 8.0000E-7}). */
    static String plain(BigDecimal value) {
        return Math.abs(value.scale()) <= PLAIN_SCALE_LIMIT ? value.toPlainString() : value.toString();
    }

    /** A value for a dead-letter message: quoted, and cut short so one huge field cannot bloat the DLQ. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() <= QUOTE_LIMIT ? value : value.substring(0, QUOTE_LIMIT) + "...";
        return "'" + shown + "'";
    }
}
