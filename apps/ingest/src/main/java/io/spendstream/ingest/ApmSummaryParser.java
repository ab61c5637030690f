package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.ApmRecord;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Parses one APM interval summary from {@code spend.apm.raw} into the {@link ApmRecord} written to {@code spend.apm}:
 * <pre>
 * {"service":"checkout","operation":"POST /pay","windowStart":"2026-11-23T10:00:00Z","windowEnd":"2026-11-23T10:00:10Z",
 *  "requests":1200,"errors":3,"latencyMs":{"p50":41.0,"p95":120.0,"p99":310.0},
 *  "conversions":37,"revenue":"1843.20","currency":"USD"}
 * </pre>
 * Text fields are JSON strings of at most {@code spendstream.input.max-text-length} characters ({@code "service":12} is
 * {@code invalid-field}); counts and decimals may be JSON numbers or numeric strings.
 * Required: {@code service}, {@code windowStart}, {@code windowEnd} (end after start, {@link EventTimeRules}),
 * {@code requests}. {@code errors} defaults to 0 and may not exceed requests. {@code conversions} becomes
 * {@code conversionCount}. {@code revenue} is money (exact, at most {@link JsonDecimals#MAX_AMOUNT}) and needs a
 * {@code currency} equal to the reporting currency (revenue is not converted with {@code spend.fx-rates}); without
 * revenue, currency is ignored.
 *
 * <p>Stateless and thread-safe.
 */
public final class ApmSummaryParser implements RecordParser<byte[], ApmRecord> {

    private final String reportingCurrency;
    private final InputLimits limits;

    public ApmSummaryParser(String reportingCurrency) {
        this(reportingCurrency, InputLimits.DEFAULTS);
    }

    /** Text fields and the window are checked against {@code limits}. */
    public ApmSummaryParser(String reportingCurrency, InputLimits limits) {
        this.reportingCurrency = reportingCurrency;
        this.limits = limits;
    }

    @Override
    public ApmRecord parse(byte[] key, byte[] value, long timestamp) {
        return parse(value, timestamp);
    }

    public ApmRecord parse(byte[] value, long recordTimestamp) {
        return parse(JsonObjects.parse(value), recordTimestamp);
    }

    /** Parses a summary already read as JSON (by {@link ApmInputParser}, which tells summaries from OTLP traces). */
    ApmRecord parse(ObjectNode json, long recordTimestamp) {
        String service = required(json, "service");
        Instant windowStart = FocusTimestamps.parse("windowStart", required(json, "windowStart"));
        Instant windowEnd = FocusTimestamps.parse("windowEnd", required(json, "windowEnd"));
        EventTimeRules.checkRange(limits, "windowStart", windowStart, "windowEnd", windowEnd, recordTimestamp);

        Long requests = JsonDecimals.count(json.get("requests"), "requests");
        if (requests == null) {
            throw missing("requests");
        }
        Long reportedErrors = JsonDecimals.count(json.get("errors"), "errors");
        long errors = reportedErrors == null ? 0L : reportedErrors;
        if (errors > requests) {
            throw new RejectedRecordException(Ingest.ERRORS_EXCEED_REQUESTS,
                    "errors " + errors + " exceeds requests " + requests);
        }
        Long conversions = JsonDecimals.count(json.get("conversions"), "conversions");

        ApmRecord.Builder record = ApmRecord.newBuilder()
                .setService(service)
                .setOperation(JsonText.text(json.get("operation"), "operation", limits))
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setRequests(requests)
                .setErrors(errors)
                .setConversionCount(conversions);
        setLatency(json.get("latencyMs"), record);
        setRevenue(json, record);
        return record.build();
    }

    private void setRevenue(ObjectNode json, ApmRecord.Builder record) {
        BigDecimal revenue = JsonDecimals.amount(json.get("revenue"), "revenue");
        if (revenue == null) {
            return;
        }
        String currency = JsonText.text(json.get("currency"), "currency", limits);
        if (currency == null) {
            throw new RejectedRecordException(Ingest.MISSING_FIELD,
                    "currency is missing while revenue " + revenue.toPlainString() + " is present");
        }
        currency = currency.toUpperCase(Locale.ROOT);
        if (!currency.equals(reportingCurrency)) {
            throw new RejectedRecordException(Ingest.UNKNOWN_CURRENCY, "currency " + JsonText.quote(currency)
                    + " has no known rate to the reporting currency " + reportingCurrency);
        }
        record.setRevenue(revenue).setCurrency(currency);
    }

    private static void setLatency(JsonNode latency, ApmRecord.Builder record) {
        if (JsonText.isAbsent(latency)) {
            return;
        }
        if (!latency.isObject()) {
            throw new RejectedRecordException(Ingest.INVALID_FIELD,
                    "latencyMs: expected an object like {\"p50\":41.0}, got " + JsonText.quote(latency.toString()));
        }
        record.setLatencyP50Ms(millis(latency.get("p50"), "latencyMs.p50"))
                .setLatencyP95Ms(millis(latency.get("p95"), "latencyMs.p95"))
                .setLatencyP99Ms(millis(latency.get("p99"), "latencyMs.p99"));
    }

    /** Latency is a measurement, not money: a double is fine once the value is known to be finite and sane. */
    private static Double millis(JsonNode node, String field) {
        BigDecimal value = JsonDecimals.read(node, field);
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            throw new RejectedRecordException(Ingest.NEGATIVE_LATENCY,
                    field + ": " + value.toPlainString() + " ms is negative");
        }
        double millis = value.doubleValue();
        if (Double.isInfinite(millis)) {
            throw new RejectedRecordException(Ingest.INVALID_NUMBER,
                    field + ": " + value + " ms is beyond any measurable latency");
        }
        return millis;
    }

    private String required(ObjectNode json, String field) {
        String text = JsonText.text(json.get(field), field, limits);
        if (text == null) {
            throw missing(field);
        }
        return text;
    }

    private static RejectedRecordException missing(String field) {
        return new RejectedRecordException(Ingest.MISSING_FIELD, field + " is missing (absent, null or empty)");
    }
}
