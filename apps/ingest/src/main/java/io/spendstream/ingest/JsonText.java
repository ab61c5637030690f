package io.spendstream.ingest;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;

import io.spendstream.runtime.dlq.RejectedRecordException;
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

    /** A scalar as text (trimmed; numbers exact and without exponent), null when absent; rejects objects/arrays. */
    public static String scalar(JsonNode node, String field) {
        if (isAbsent(node)) {
            return null;
        }
        if (node.isContainerNode()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    field + ": expected text, got a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                            + " " + quote(node.toString()));
        }
        return any(node);
    }

    /** Any value as text: scalars as in {@link #scalar}, objects and arrays as compact JSON; null when absent. */
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
