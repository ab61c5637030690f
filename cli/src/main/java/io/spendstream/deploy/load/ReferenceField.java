package io.spendstream.deploy.load;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One field of a reference-topic value ({@code spend.tags}, {@code spend.budgets}, {@code spend.prices},
 * {@code spend.fx-rates}): its name as the product spec writes it, whether it is required, and its type, which
 * says how a CSV text or JSON value is checked and written. Amounts and rates are written as JSON strings so that
 * they stay exact (as the spec's examples do); budget thresholds as a JSON array of numbers.
 */
record ReferenceField(String name, Type type, boolean required) {

    static final String INVALID_FIELD = "invalid-field";
    static final String MISSING_FIELD = "missing-field";

    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Za-z]{3}");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[;,\\s]+");

    enum Type {
        TEXT, CURRENCY, NON_NEGATIVE_DECIMAL, POSITIVE_DECIMAL, POSITIVE_NUMBER_LIST, TIMESTAMP, BOOLEAN
    }

    static ReferenceField required(String name, Type type) {
        return new ReferenceField(name, type, true);
    }

    static ReferenceField optional(String name, Type type) {
        return new ReferenceField(name, type, false);
    }

    static boolean isCurrencyCode(String text) {
        return CURRENCY_CODE.matcher(text).matches();
    }

    /** The value to write for {@code node} (not absent), or a rejection naming the field and the bad value. */
    JsonNode convert(JsonNode node) {
        String text = node.isNumber() ? node.decimalValue().toPlainString() : node.asText().trim();
        switch (type) {
            case TEXT:
                if (node.isContainerNode()) {
                    throw invalid(node, "must be text");
                }
                return TextNode.valueOf(text);
            case CURRENCY:
                if (!node.isTextual() || !isCurrencyCode(text)) {
                    throw invalid(node, "must be a three-letter ISO 4217 currency code such as USD");
                }
                return TextNode.valueOf(text.toUpperCase(Locale.ROOT));
            case NON_NEGATIVE_DECIMAL:
            case POSITIVE_DECIMAL:
                BigDecimal decimal = decimal(node, text);
                boolean positiveOnly = type == Type.POSITIVE_DECIMAL;
                if (decimal.signum() < 0 || positiveOnly && decimal.signum() == 0) {
                    throw invalid(node, positiveOnly ? "must be above 0" : "must not be negative");
                }
                return TextNode.valueOf(decimal.toPlainString());
            case POSITIVE_NUMBER_LIST:
                return numberList(node, text);
            case TIMESTAMP:
                checkTimestamp(node, text);
                return TextNode.valueOf(text);
            case BOOLEAN:
                if (node.isBoolean()) {
                    return node;
                }
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return BooleanNode.valueOf(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
                }
                throw invalid(node, "must be true or false");
            default:
                throw new IllegalStateException("Unhandled type " + type);
        }
    }

    private BigDecimal decimal(JsonNode node, String text) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                // fall through to the rejection
            }
        }
        throw invalid(node, "must be a decimal number");
    }

    /** A JSON array of numbers, or text such as {@code 0.5;0.75;0.9;1.0}, {@code [0.5, 0.75]} or {@code 0.5 0.75}. */
    private JsonNode numberList(JsonNode node, String text) {
        ArrayNode list = LoadJson.MAPPER.createArrayNode();
        if (node.isArray()) {
            for (JsonNode element : node) {
                list.add(positive(element, element.isNumber() ? null : element.asText().trim()));
            }
        } else if (node.isTextual()) {
            String items = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            for (String item : LIST_SEPARATOR.split(items.trim())) {
                if (!item.isEmpty()) {
                    list.add(positive(node, item));
                }
            }
        }
        if (list.isEmpty()) {
            throw invalid(node, "must be a list of numbers, e.g. 0.5;0.75;0.9;1.0");
        }
        return list;
    }

    private DecimalNode positive(JsonNode node, String item) {
        BigDecimal value;
        if (item == null) {
            value = node.decimalValue();
        } else {
            try {
                value = new BigDecimal(item);
            } catch (NumberFormatException e) {
                throw invalid(node, "must be a list of numbers ('" + item + "' is not one)");
            }
        }
        if (value.signum() <= 0) {
            throw invalid(node, "must hold numbers above 0");
        }
        return DecimalNode.valueOf(value);
    }

    private void checkTimestamp(JsonNode node, String text) {
        if (!node.isTextual()) {
            throw invalid(node, "must be an ISO-8601 date-time such as 2026-11-01T00:00:00Z");
        }
        try {
            Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(node, "must be an ISO-8601 date-time such as 2026-11-01T00:00:00Z");
            }
        }
    }

    private RowRejectedException invalid(JsonNode node, String rule) {
        String shown = node.isTextual() ? "'" + cut(node.textValue()) + "'" : cut(node.toString());
        return new RowRejectedException(INVALID_FIELD, name + " " + shown + " " + rule);
    }

    private static String cut(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
