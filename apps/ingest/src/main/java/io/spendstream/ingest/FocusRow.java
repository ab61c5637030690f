package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Column access to one FOCUS row (a JSON object keyed by FOCUS column names), with FOCUS's null conventions
 * ({@link JsonText#isAbsent}). Column names match exactly first, then ignoring case, because hand-made exports
 * misspell case ({@code SkuPriceid} in a FOCUS 1.2 specification example) and FOCUS names never differ by case alone.
 */
public final class FocusRow {

    /** Custom columns start with this prefix (FOCUS: "x_"); they are carried through as text. */
    public static final String EXTENSION_PREFIX = "x_";

    /**
     * The columns ingest reads, in FOCUS's spelling: a row's key spelt so is found by the exact lookup. Only a key
     * spelt like one of them in another case is kept aside ({@link #caseVariants}); most rows have none. Building a
     * lower-case map of every key of every row, and lower-casing each column looked up, was ~7% of ingest's stream
     * thread (issue 18). A column missing from this list is still found in any case, by a scan of the row's keys.
     */
    static final Set<String> COLUMNS_READ = columnsRead();

    /** {@link #COLUMNS_READ} by any case, to find a row's case variants without lower-casing each of its keys. */
    private static final Map<String, String> READ_IGNORING_CASE = ignoringCase(COLUMNS_READ);

    private final ObjectNode json;
    private final InputLimits limits;
    /**
     * Column of {@link #COLUMNS_READ} to the value of the first key spelt like it in another case (equal once both
     * are lower-cased), for the columns the row has only so; null when the row has no such key.
     */
    private Map<String, JsonNode> caseVariants;

    public FocusRow(ObjectNode json) {
        this(json, InputLimits.DEFAULTS);
    }

    /** Text columns, tag keys and tag values are checked against {@code limits}. */
    public FocusRow(ObjectNode json, InputLimits limits) {
        this.json = json;
        this.limits = limits;
        for (Map.Entry<String, JsonNode> property : json.properties()) {
            String key = property.getKey();
            if (COLUMNS_READ.contains(key)) {
                continue;
            }
            String column = READ_IGNORING_CASE.get(key);
            // The case-insensitive order also matches what lower-casing does not (U+0130 with I): confirm.
            if (column != null && sameLowerCase(key, column)) {
                if (caseVariants == null) {
                    caseVariants = new HashMap<>();
                }
                caseVariants.putIfAbsent(column, property.getValue());
            }
        }
    }

    /** The column's JSON value, or null when the column is absent by FOCUS conventions. */
    public JsonNode value(String column) {
        JsonNode node = json.get(column);
        if (node == null) {
            if (COLUMNS_READ.contains(column)) {
                node = caseVariants == null ? null : caseVariants.get(column);
            } else {
                node = firstInAnyCase(column);
            }
        }
        return JsonText.isAbsent(node) ? null : node;
    }

    /** The first key equal to {@code column} once both are lower-cased, for a column outside {@link #COLUMNS_READ}. */
    private JsonNode firstInAnyCase(String column) {
        for (Map.Entry<String, JsonNode> property : json.properties()) {
            if (sameLowerCase(property.getKey(), column)) {
                return property.getValue();
            }
        }
        return null;
    }

    private static boolean sameLowerCase(String a, String b) {
        return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> ignoringCase(Set<String> columns) {
        Map<String, String> byAnyCase = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String column : columns) {
            String other = byAnyCase.putIfAbsent(column, column);
            if (other != null) {
                // A row with only a case variant of both could not be read the way the exact lookup reads it.
                throw new IllegalStateException(column + " and " + other + " differ by case alone");
            }
        }
        return byAnyCase;
    }

    private static Set<String> columnsRead() {
        List<String> columns = new ArrayList<>(List.of("AllocatedMethodDetails", "BilledCost", "BillingCurrency",
                "ChargeCategory", "ChargeClass", "CommitmentDiscountStatus", "ConsumedQuantity", "ContractApplied",
                "EffectiveCost", "HostProviderName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName",
                "ResourceName", "ServiceCategory", "ServiceProviderName", "Tags", ChargeIdentity.LINE_ITEM_ID,
                ChargeIdentity.ROW_ID));
        columns.addAll(ChargeIdentity.IDENTIFYING_COLUMNS);
        columns.addAll(ChargeIdentity.ALLOCATION_COLUMNS);
        columns.addAll(ChargeIdentity.CORRECTION_COLUMNS);
        return Set.copyOf(columns);
    }

    /** A text column: a JSON string or number ({@link JsonText#textOrNumber}), null when absent. */
    public String text(String column) {
        return JsonText.textOrNumber(value(column), column, limits);
    }

    public String requiredText(String column) {
        String text = text(column);
        if (text == null) {
            throw new RejectedRecordException(Ingest.MISSING_FIELD, column + " is missing (absent, null or empty)");
        }
        return text;
    }

    public Instant requiredTimestamp(String column) {
        return FocusTimestamps.parse(column, requiredText(column));
    }

    public BigDecimal amount(String column) {
        return JsonDecimals.amount(value(column), column);
    }

    public BigDecimal quantity(String column) {
        return JsonDecimals.quantity(value(column), column);
    }

    /**
     * The {@code Tags} column as a map, given as a JSON object or as a string holding one. Values are stringified:
     * text as is, numbers exactly, booleans as {@code true}/{@code false}, objects and arrays as JSON, and null
     * (a key-only tag) as the empty string. Keys and values are text fields for the length limit: tags name owners.
     */
    public SortedMap<String, String> tags() {
        return keyValues("Tags");
    }

    /**
     * A key-value column ({@code Tags}, FOCUS 1.3 {@code AllocatedTags}) as a map, read like {@link #tags()}; empty
     * when the column is absent.
     */
    public SortedMap<String, String> keyValues(String column) {
        ObjectNode object = object(column);
        if (object == null) {
            return Collections.emptySortedMap();
        }
        SortedMap<String, String> tags = new TreeMap<>();
        object.properties().forEach(e -> {
            String key = limits.text(column + " key " + JsonText.quote(e.getKey()), e.getKey());
            tags.put(key, limits.text(column + "." + JsonText.quote(key), tagValue(e.getValue())));
        });
        return tags;
    }

    /**
     * A JSON-object column (FOCUS 1.3 {@code ContractApplied}, {@code AllocatedMethodDetails}) as compact JSON text,
     * given as a JSON object or as a string holding one (CSV exports serialise it); null when absent.
     */
    public String jsonText(String column) {
        ObjectNode object = object(column);
        return object == null ? null : object.toString();
    }

    private ObjectNode object(String column) {
        JsonNode node = value(column);
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            return (ObjectNode) node;
        }
        if (node.isTextual()) {
            return JsonObjects.parseEmbedded(node.textValue(), column);
        }
        throw new RejectedRecordException(Ingest.INVALID_FIELD,
                column + ": expected a JSON object, got " + JsonText.quote(node.toString()));
    }

    /** Every non-null {@code x_} column, as text (numbers exactly, objects as JSON). */
    public SortedMap<String, String> extensions() {
        SortedMap<String, String> extensions = new TreeMap<>();
        json.properties().forEach(e -> {
            if (e.getKey().regionMatches(true, 0, EXTENSION_PREFIX, 0, EXTENSION_PREFIX.length())) {
                String text = JsonText.any(e.getValue());
                if (text != null) {
                    extensions.put(e.getKey(), text);
                }
            }
        });
        return extensions;
    }

    private static String tagValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return JsonText.any(value);
    }
}
