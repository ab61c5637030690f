package io.spendstream.deploy.load;

import java.math.BigDecimal;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.ingest.ChargeIdentity;
import io.spendstream.ingest.JsonObjects;

/**
 * Shapes one FOCUS row for {@code spend.usage.raw}: the row's own columns as a JSON object (CSV values stay JSON
 * strings so that decimals are exact; nulls stay null), {@code Tags} holding JSON text turned into an object, a
 * missing {@code BillingCurrency} filled from {@code --currency} (the FOCUS 1.2 worked examples omit it), keyed by
 * {@code x_LineItemId}, else {@code ResourceId}, else no key. With a {@link FocusRowPreValidation} the row is also
 * checked the way ingest will read it, so that a bad row is reported with its line number instead of surfacing
 * later in {@code spend.dlq}.
 */
final class UsageRowShaper implements RowShaper {

    static final String INVALID_TAGS = "invalid-field";
    static final String RECORD_TOO_LARGE = "record-too-large";

    private static final String TAGS = "Tags";
    private static final String BILLING_CURRENCY = "BillingCurrency";
    private static final String EFFECTIVE_COST = "EffectiveCost";

    private final String defaultCurrency;
    private final FocusRowPreValidation validation;

    /**
     * @param defaultCurrency currency for rows without BillingCurrency, or null to leave them as they are
     * @param validation ingest's checks, or null to send rows unchecked (the pipeline's DLQ still catches them)
     */
    UsageRowShaper(String defaultCurrency, FocusRowPreValidation validation) {
        this.defaultCurrency = defaultCurrency == null ? null : defaultCurrency.toUpperCase(Locale.ROOT);
        this.validation = validation;
    }

    @Override
    public OutgoingRecord shape(SourceItem.InputRow input) {
        ObjectNode row = input.fields();
        tagsAsObject(row);
        fillCurrency(row);
        String key = LoadJson.text(row, ChargeIdentity.LINE_ITEM_ID);
        if (key == null) {
            key = LoadJson.text(row, "ResourceId");
        }
        byte[] value = LoadJson.bytes(row);
        if (value.length > JsonObjects.MAX_RECORD_BYTES) {
            throw new RowRejectedException(RECORD_TOO_LARGE, "the row is " + value.length
                    + " bytes as JSON; ingest accepts at most " + JsonObjects.MAX_RECORD_BYTES);
        }
        if (validation != null) {
            validation.check(row, value);
        }
        String currency = LoadJson.text(row, BILLING_CURRENCY);
        return new OutgoingRecord(input.line(), key, value,
                currency == null ? null : currency.toUpperCase(Locale.ROOT), effectiveCost(row));
    }

    /** FOCUS CSV exports write Tags as JSON text; the row carries it as the object it is. */
    private static void tagsAsObject(ObjectNode row) {
        String field = LoadJson.findField(row, TAGS);
        JsonNode tags = field == null ? null : row.get(field);
        if (LoadJson.isAbsent(tags) || !tags.isTextual()) {
            return;
        }
        JsonNode parsed;
        try {
            parsed = LoadJson.MAPPER.readTree(tags.textValue());
        } catch (JsonProcessingException e) {
            throw new RowRejectedException(INVALID_TAGS, "Tags is not valid JSON: " + e.getOriginalMessage());
        }
        if (!parsed.isObject()) {
            throw new RowRejectedException(INVALID_TAGS, "Tags must be a JSON object, found "
                    + parsed.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        row.set(field, parsed);
    }

    private void fillCurrency(ObjectNode row) {
        if (defaultCurrency == null || LoadJson.text(row, BILLING_CURRENCY) != null) {
            return;
        }
        String field = LoadJson.findField(row, BILLING_CURRENCY);
        row.put(field == null ? BILLING_CURRENCY : field, defaultCurrency);
    }

    /** The exact EffectiveCost, or null when absent or not a number (ingest will say why, the summary skips it). */
    private static BigDecimal effectiveCost(ObjectNode row) {
        String text = LoadJson.text(row, EFFECTIVE_COST);
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
