package io.spendstream.ingest;

import java.util.List;

/**
 * The reason codes ingest writes into {@code DeadLetter.reason} on {@code spend.dlq}. They are a contract: dashboards,
 * alerts on {@code spendstream.records.dead.lettered{reason=...}} and replay tools select on them, so a code is never
 * renamed, only added. Each rejected record also carries a message naming the field and the bad value.
 */
public final class IngestReasons {

    /** Not parseable as JSON (also: empty value, duplicate keys, trailing garbage, invalid UTF-8). */
    public static final String INVALID_JSON = "invalid-json";
    /** Valid JSON, but not an object (array, string, number...). */
    public static final String NOT_AN_OBJECT = "not-an-object";
    /** The value is larger than {@link JsonObjects#MAX_RECORD_BYTES}. */
    public static final String RECORD_TOO_LARGE = "record-too-large";
    /** A field Spendstream needs is absent, null, empty or the text {@code NULL}. */
    public static final String MISSING_FIELD = "missing-field";
    /** A FOCUS row with neither EffectiveCost nor BilledCost, and not a metered row (SkuPriceId + PricingQuantity). */
    public static final String MISSING_COST = "missing-cost";
    /** A field has the wrong JSON shape, e.g. an object where text is expected, or Tags that are not an object. */
    public static final String INVALID_FIELD = "invalid-field";
    /** A decimal field holds text (or a JSON value) that is not a decimal number, or one with an absurd exponent. */
    public static final String INVALID_DECIMAL = "invalid-decimal";
    /** NaN or Infinity (as JSON literal or text), or a fraction / out-of-range value where a count is expected. */
    public static final String INVALID_NUMBER = "invalid-number";
    /** A timestamp in none of the accepted forms (see {@link FocusTimestamps}), or an impossible date. */
    public static final String INVALID_TIMESTAMP = "invalid-timestamp";
    /** A time range whose end is not after its start (FOCUS charge period, APM window). */
    public static final String INVALID_PERIOD = "invalid-period";
    /** A timestamp outside the sane range of {@link EventTimeRules}. */
    public static final String TIMESTAMP_OUT_OF_RANGE = "timestamp-out-of-range";
    /** A money amount whose magnitude exceeds {@link JsonDecimals#MAX_AMOUNT}. */
    public static final String ABSURD_AMOUNT = "absurd-amount";
    /** A negative PricingQuantity/ConsumedQuantity on a row that is not a refund or correction. */
    public static final String NEGATIVE_QUANTITY = "negative-quantity";
    /** A currency other than the reporting currency with no rate on {@code spend.fx-rates} (also: APM revenue). */
    public static final String UNKNOWN_CURRENCY = "unknown-currency";
    /** An APM count (requests, errors, conversions) below zero. */
    public static final String NEGATIVE_COUNT = "negative-count";
    /** An APM summary with more errors than requests. */
    public static final String ERRORS_EXCEED_REQUESTS = "errors-exceed-requests";
    /** An APM latency percentile below zero. */
    public static final String NEGATIVE_LATENCY = "negative-latency";

    /** A metered row whose SkuPriceId has no price on {@code spend.prices}: never priced at zero. */
    public static final String UNKNOWN_PRICE = "unknown-price";
    /** A metered row whose price entry on {@code spend.prices} is malformed (bad JSON, no unitPrice, no currency...). */
    public static final String INVALID_PRICE = "invalid-price";
    /** A row whose currency's entry on {@code spend.fx-rates} is malformed (bad JSON, rate missing or not positive). */
    public static final String INVALID_FX_RATE = "invalid-fx-rate";
    /** A metered row whose PricingUnit differs from the pricingUnit of its price: the price would be wrong. */
    public static final String PRICING_UNIT_MISMATCH = "pricing-unit-mismatch";

    /** A FOCUS row whose ChargeCategory is not Usage, Purchase, Tax, Credit or Adjustment. */
    public static final String INVALID_CHARGE_CATEGORY = "invalid-charge-category";
    /** A FOCUS row whose ChargeClass is neither null nor Correction. */
    public static final String INVALID_CHARGE_CLASS = "invalid-charge-class";
    /** A Purchase row, or a row of a commitment discount, without EffectiveCost: BilledCost would count it wrong. */
    public static final String MISSING_EFFECTIVE_COST = "missing-effective-cost";
    /** The Purchase of a commitment discount with a non-zero EffectiveCost: it would be counted twice. */
    public static final String UNAMORTISED_PURCHASE = "unamortised-purchase";
    /** A Credit row (not a correction) with a positive cost. */
    public static final String POSITIVE_CREDIT = "positive-credit";

    /** Every code above, for documentation and tests. */
    public static final List<String> ALL = List.of(INVALID_JSON, NOT_AN_OBJECT, RECORD_TOO_LARGE, MISSING_FIELD,
            MISSING_COST, INVALID_FIELD, INVALID_DECIMAL, INVALID_NUMBER, INVALID_TIMESTAMP, INVALID_PERIOD,
            TIMESTAMP_OUT_OF_RANGE, ABSURD_AMOUNT, NEGATIVE_QUANTITY, UNKNOWN_CURRENCY, NEGATIVE_COUNT,
            ERRORS_EXCEED_REQUESTS, NEGATIVE_LATENCY, UNKNOWN_PRICE, INVALID_PRICE, INVALID_FX_RATE,
            PRICING_UNIT_MISMATCH, INVALID_CHARGE_CATEGORY, INVALID_CHARGE_CLASS, MISSING_EFFECTIVE_COST,
            UNAMORTISED_PURCHASE, POSITIVE_CREDIT);

    private IngestReasons() {
    }
}
