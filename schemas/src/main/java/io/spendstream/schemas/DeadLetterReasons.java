package io.spendstream.schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reason codes written into {@code DeadLetter.reason} on {@code spend.dlq}, grouped by the stage that writes
 * them. They are a public contract: dashboards, alerts on {@code spendstream_records_dead_lettered_total{reason=...}}
 * and replay tools select on them, so a code is never renamed, only added. docs/operations.md ("Dead letters") lists
 * them per stage, and a test checks that table against this class. Each rejected record also carries a message
 * naming the field and the bad value.
 *
 * <p>The same code may appear under several stages (e.g. {@code invalid-json}): a dead letter's stage says which
 * input it was.
 */
public final class DeadLetterReasons {

    /** Stage label of the runtime's own reasons, which every app can write. */
    public static final String ANY_STAGE = "any";

    private DeadLetterReasons() {
    }

    /** Written by the runtime for any stage: the Kafka Streams exception handlers and the validating catch-all. */
    public static final class Any {
        /** Bytes that are not Confluent Avro (or not the expected schema) on an Avro topic. */
        public static final String DESERIALIZATION_ERROR = "deserialization-error";
        /** An unexpected exception in a processor (a bug): the exception is in the message. */
        public static final String PROCESSING_ERROR = "processing-error";
        /** A record the producer could not serialize. */
        public static final String SERIALIZATION_ERROR = "serialization-error";
        /** A record the broker refused as too large to write (also ingest: an input value over its size limit). */
        public static final String RECORD_TOO_LARGE = "record-too-large";
        /** A record whose timestamp the broker refused ({@code InvalidTimestampException}), e.g. too far in the future. */
        public static final String INVALID_RECORD_TIMESTAMP = "invalid-record-timestamp";
        /** A record the broker refused as invalid ({@code InvalidRecordException}), e.g. no key on a compacted topic. */
        public static final String INVALID_RECORD = "invalid-record";
        /**
         * A text field (or a record key) longer than {@code spendstream.input.max-text-length} characters: such text
         * becomes a key or label downstream, where it would make records too large to write.
         */
        public static final String FIELD_TOO_LONG = "field-too-long";
        /**
         * A time outside what the broker and the windows accept: before 2000, from 2100, or (where it becomes a record
         * timestamp) more than {@code spendstream.input.future-tolerance} after the input record's timestamp.
         */
        public static final String TIMESTAMP_OUT_OF_RANGE = "timestamp-out-of-range";

        /** Every code above. */
        public static final List<String> ALL = List.of(DESERIALIZATION_ERROR, PROCESSING_ERROR, SERIALIZATION_ERROR,
                RECORD_TOO_LARGE, INVALID_RECORD_TIMESTAMP, INVALID_RECORD, FIELD_TOO_LONG, TIMESTAMP_OUT_OF_RANGE);

        private Any() {
        }
    }

    /** Written by ingest on {@code spend.usage.raw} (FOCUS rows) and {@code spend.apm.raw} (APM, OTLP JSON). */
    public static final class Ingest {
        /** Not parseable as JSON (also: empty value, duplicate keys, trailing garbage, invalid UTF-8). */
        public static final String INVALID_JSON = "invalid-json";
        /** Valid JSON, but not an object (array, string, number...). */
        public static final String NOT_AN_OBJECT = "not-an-object";
        /** The value is larger than ingest's per-record limit ({@code JsonObjects.MAX_RECORD_BYTES}). */
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
        /** A timestamp in none of the accepted forms (see ingest's {@code FocusTimestamps}), or an impossible date. */
        public static final String INVALID_TIMESTAMP = "invalid-timestamp";
        /** A time range whose end is not after its start (FOCUS charge period, APM window). */
        public static final String INVALID_PERIOD = "invalid-period";
        /** A timestamp outside the sane range of ingest's {@code EventTimeRules}. */
        public static final String TIMESTAMP_OUT_OF_RANGE = "timestamp-out-of-range";
        /** A money amount whose magnitude exceeds ingest's limit ({@code JsonDecimals.MAX_AMOUNT}). */
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

        /** A GenAI model-call span whose model (response, else request model) has no price on {@code spend.prices}. */
        public static final String UNKNOWN_MODEL = "unknown-model";
        /** A GenAI model-call span without its token counts (input, and output unless embeddings): never a zero cost. */
        public static final String MISSING_TOKEN_USAGE = "missing-token-usage";
        /** A GenAI model-call span whose token counts contradict each other (cached tokens above input tokens). */
        public static final String INVALID_TOKEN_USAGE = "invalid-token-usage";

        /** Every code above. */
        public static final List<String> ALL = List.of(INVALID_JSON, NOT_AN_OBJECT, RECORD_TOO_LARGE, MISSING_FIELD,
                MISSING_COST, INVALID_FIELD, INVALID_DECIMAL, INVALID_NUMBER, INVALID_TIMESTAMP, INVALID_PERIOD,
                TIMESTAMP_OUT_OF_RANGE, ABSURD_AMOUNT, NEGATIVE_QUANTITY, UNKNOWN_CURRENCY, NEGATIVE_COUNT,
                ERRORS_EXCEED_REQUESTS, NEGATIVE_LATENCY, UNKNOWN_PRICE, INVALID_PRICE, INVALID_FX_RATE,
                PRICING_UNIT_MISMATCH, INVALID_CHARGE_CATEGORY, INVALID_CHARGE_CLASS, MISSING_EFFECTIVE_COST,
                UNAMORTISED_PURCHASE, POSITIVE_CREDIT, UNKNOWN_MODEL, MISSING_TOKEN_USAGE, INVALID_TOKEN_USAGE);

        private Ingest() {
        }
    }

    /** Written by enrich on {@code spend.tags}. */
    public static final class Enrich {
        /** A tag record with a null or blank ResourceId key (also a delete: a keyless delete cannot say what). */
        public static final String MISSING_KEY = "missing-key";
        /** A tag value that is empty, not JSON or not a JSON object. */
        public static final String INVALID_JSON = "invalid-json";
        /** A tag field of the wrong type (e.g. a number where a string or boolean is expected). */
        public static final String INVALID_FIELD = "invalid-field";
        /** A tag record whose {@code validFrom} is not a date-time. */
        public static final String INVALID_TIMESTAMP = "invalid-timestamp";

        /** A GenAI model-call span whose model (response, else request model) has no price on {@code spend.prices}. */
        public static final String UNKNOWN_MODEL = "unknown-model";
        /** A GenAI model-call span without its token counts (input, and output unless embeddings): never a zero cost. */
        public static final String MISSING_TOKEN_USAGE = "missing-token-usage";
        /** A GenAI model-call span whose token counts contradict each other (cached tokens above input tokens). */
        public static final String INVALID_TOKEN_USAGE = "invalid-token-usage";

        /** Every code above. */
        public static final List<String> ALL = List.of(INVALID_JSON, MISSING_KEY, INVALID_FIELD, INVALID_TIMESTAMP);

        private Enrich() {
        }
    }

    /** Written by attribution on its cost and APM inputs (lateness gate) and on {@code spend.budgets}. */
    public static final class Attribution {
        /**
         * A cost or APM record older than {@code spendstream.billing.horizon} behind the newest cost: it can no
         * longer be counted in the windows it belongs to.
         */
        public static final String OUTSIDE_BILLING_HORIZON = "outside-billing-horizon";
        /** A cost or APM record without its service key, or a budget record without its scope as key. */
        public static final String MISSING_KEY = "missing-key";
        /** A budget whose scope is not {@code all}, {@code service:}, {@code team:} or {@code product:}. */
        public static final String INVALID_SCOPE = "invalid-scope";
        /** A budget value that is not a JSON object. */
        public static final String INVALID_JSON = "invalid-json";
        /** A budget field missing or of the wrong form (amount, period, alertAt...). */
        public static final String INVALID_FIELD = "invalid-field";
        /** A budget in another currency than the reporting currency. */
        public static final String CURRENCY_MISMATCH = "currency-mismatch";

        /** Every code above. */
        public static final List<String> ALL = List.of(OUTSIDE_BILLING_HORIZON, MISSING_KEY, INVALID_SCOPE,
                INVALID_JSON, INVALID_FIELD, CURRENCY_MISMATCH);

        private Attribution() {
        }
    }

    /** Written by anomaly on {@code spend.silences} (maintenance silences of the alert gate). */
    public static final class Anomaly {
        /** A silence record without its id as key. */
        public static final String MISSING_KEY = "missing-key";
        /** A silence value that is not JSON or not a JSON object. */
        public static final String INVALID_JSON = "invalid-json";
        /** A silence without a required text field (reason, createdBy, scope, times...). */
        public static final String MISSING_FIELD = "missing-field";
        /** A silence field with an invalid value (unknown scopeType, a time that is not an instant, end before start). */
        public static final String INVALID_FIELD = "invalid-field";

        /** Every code above. */
        public static final List<String> ALL = List.of(MISSING_KEY, INVALID_JSON, MISSING_FIELD, INVALID_FIELD);

        private Anomaly() {
        }
    }

    /** The codes of each stage (ingest, enrich, attribution, anomaly) and of {@value #ANY_STAGE}, in pipeline order. */
    public static Map<String, List<String>> byStage() {
        Map<String, List<String>> stages = new LinkedHashMap<>();
        stages.put("ingest", Ingest.ALL);
        stages.put("enrich", Enrich.ALL);
        stages.put("attribution", Attribution.ALL);
        stages.put("anomaly", Anomaly.ALL);
        stages.put(ANY_STAGE, Any.ALL);
        return stages;
    }
}
