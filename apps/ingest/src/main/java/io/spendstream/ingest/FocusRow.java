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
     * The columns ingest reads, in FOCUS's spelling. A row's key spelt exactly so is found by the exact lookup and
     * never needs the lower-case map: only the other keys (misspelt case, extensions, columns nobody reads) go into
     * it, and most rows have few or none. Building the map of every key for every row was ~4% of ingest's stream
     * thread (issue 18). A column missing from this list is still found in any case, by a scan of the row's keys.
     */
    static final Set<String> COLUMNS_READ = columnsRead();

    private final ObjectNode json;
    private final InputLimits limits;
    /** Lower-case name to value of the keys not in {@link #COLUMNS_READ}, the first of each name; null when none. */
    private Map<String, JsonNode> otherKeysByLowerCaseName;

    public FocusRow(ObjectNode json) {
        this(json, InputLimits.DEFAULTS);
    }

    /** Text columns, tag keys and tag values are checked against {@code limits}. */
    public FocusRow(ObjectNode json, InputLimits limits) {
        this.json = json;
        this.limits = limits;
        for (Map.Entry<String, JsonNode> property : json.properties()) {
            if (!COLUMNS_READ.contains(property.getKey())) {
                if (otherKeysByLowerCaseName == null) {
                    otherKeysByLowerCaseName = new HashMap<>();
                }
                otherKeysByLowerCaseName.putIfAbsent(property.getKey().toLowerCase(Locale.ROOT), property.getValue());
            }
        }
    }

    /** The column's JSON value, or null when the column is absent by FOCUS conventions. */
    public JsonNode value(String column) {
        JsonNode node = json.get(column);
        if (node == null) {
            node = COLUMNS_READ.contains(column) ? caseVariant(column) : firstIgnoringCase(column);
        }
        return JsonText.isAbsent(node) ? null : node;
    }

    /**
     * A key spelt like {@code column} (one of {@link #COLUMNS_READ}, absent as spelt) in another case. No other
     * column read differs from it by case alone, so such a key is among the others.
     */
    private JsonNode caseVariant(String column) {
        return otherKeysByLowerCaseName == null ? null
                : otherKeysByLowerCaseName.get(column.toLowerCase(Locale.ROOT));
    }

    /** The first key equal to {@code column} ignoring case, for a column outside {@link #COLUMNS_READ}. */
    private JsonNode firstIgnoringCase(String column) {
        for (Map.Entry<String, JsonNode> property : json.properties()) {
            if (property.getKey().equalsIgnoreCase(column)) {
                return property.getValue();
            }
        }
        return null;
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
        Map<String, String> byLowerCase = new HashMap<>();
        for (String column : columns) {
            String other = byLowerCase.putIfAbsent(column.toLowerCase(Locale.ROOT), column);
            if (other != null && !other.equals(column)) {
                // The exact lookup would then hide one behind the other in a row that has only a case variant.
                throw new IllegalStateException(column + " and " + other + " differ by case alone");
            }
        }
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
