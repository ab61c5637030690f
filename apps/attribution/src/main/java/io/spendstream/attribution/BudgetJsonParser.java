package io.spendstream.attribution;

import static io.spendstream.schemas.DeadLetterReasons.Attribution.CURRENCY_MISMATCH;
import static io.spendstream.schemas.DeadLetterReasons.Attribution.INVALID_FIELD;
import static io.spendstream.schemas.DeadLetterReasons.Attribution.INVALID_JSON;
import static io.spendstream.schemas.DeadLetterReasons.Attribution.INVALID_SCOPE;
import static io.spendstream.schemas.DeadLetterReasons.Attribution.MISSING_KEY;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.avro.Budget;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.Money;

/**
 * Parses one {@code spend.budgets} record (key = scope, value = budget JSON, null value = delete) into a
 * {@link Budget}, or null for a delete.
 *
 * <p>Value: {@code {"amount":"30000.00","currency":"USD","period":"MONTH","alertAt":[0.5,0.75,0.9,1.0]}}.
 * {@code amount} (JSON string or number, &gt; 0) is required; {@code currency} defaults to the reporting currency and
 * must equal it (costs arrive converted to it, and a budget is never converted at a rate of some day);
 * {@code period} is one of {@link BudgetPeriod} (default {@code MONTH}); {@code alertAt} is a list of positive
 * fractions of the budget (default none), kept sorted. Unknown fields are ignored.
 *
 * <p>Scopes: {@code all}, {@code service:<name>}, {@code team:<name>} or {@code product:<name>}.
 *
 * <p>Reject reasons: {@code missing-key}, {@code invalid-scope}, {@code invalid-json}, {@code invalid-field},
 * {@code currency-mismatch}, and {@code field-too-long} for a scope or text field longer than
 * {@code spendstream.input.max-text-length} ({@link InputLimits}): the scope is the key of the burn-rate state and
 * output.
 */
public final class BudgetJsonParser implements RecordParser<String, Budget> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String reportingCurrency;
    private final InputLimits limits;

    public BudgetJsonParser(String reportingCurrency) {
        this(reportingCurrency, InputLimits.DEFAULTS);
    }

    public BudgetJsonParser(String reportingCurrency, InputLimits limits) {
        this.reportingCurrency = reportingCurrency;
        this.limits = limits;
    }

    @Override
    public Budget parse(String scope, byte[] value, long timestamp) {
        if (scope == null || scope.isBlank()) {
            throw new RejectedRecordException(MISSING_KEY, "A spend.budgets record needs its scope as key");
        }
        limits.text("The budget scope (record key)", scope);
        if (!BudgetScopes.isValid(scope)) {
            throw new RejectedRecordException(INVALID_SCOPE, "Budget scope '" + scope
                    + "' is not 'all', 'service:<name>', 'team:<name>' or 'product:<name>'");
        }
        if (value == null) {
            return null;
        }
        JsonNode root = readObject(value);
        String currency = text(root, "currency", reportingCurrency);
        if (!currency.equals(reportingCurrency)) {
            throw new RejectedRecordException(CURRENCY_MISMATCH, "Budget of " + scope + " is in " + currency
                    + " but costs are reported in " + reportingCurrency);
        }
        String period = text(root, "period", BudgetPeriod.MONTH.name());
        if (BudgetPeriod.parse(period) == null) {
            throw new RejectedRecordException(INVALID_FIELD, "'period' must be one of DAY, WEEK, MONTH, QUARTER, "
                    + "YEAR, was '" + period + "'");
        }
        return Budget.newBuilder()
                .setAmount(amount(root))
                .setCurrency(currency)
                .setPeriod(BudgetPeriod.parse(period).name())
                .setAlertAt(alertAt(root))
                .build();
    }

    private static JsonNode readObject(byte[] value) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            throw new RejectedRecordException(INVALID_JSON, "Budget value is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new RejectedRecordException(INVALID_JSON,
                    "Budget value must be a JSON object; send a null value to delete a budget");
        }
        return root;
    }

    private BigDecimal amount(JsonNode root) {
        JsonNode node = root.get("amount");
        if (node == null || node.isNull()) {
            throw new RejectedRecordException(INVALID_FIELD, "'amount' is required");
        }
        BigDecimal amount;
        try {
            // decimalValue() of a JSON number keeps its digits: Jackson reads it as text, not through a double.
            amount = node.isTextual() ? new BigDecimal(limits.text("'amount'", node.asText().trim())) : node.isNumber() ? node.decimalValue()
                    : null;
        } catch (NumberFormatException e) {
            amount = null;
        }
        if (amount == null || amount.signum() <= 0 || !Money.fits(amount)) {
            throw new RejectedRecordException(INVALID_FIELD, "'amount' must be a positive decimal, was " + node);
        }
        return Money.of(amount);
    }

    private String text(JsonNode root, String field, String defaultValue) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new RejectedRecordException(INVALID_FIELD, "'" + field + "' must be a non-empty string, was " + node);
        }
        return limits.text("'" + field + "'", node.asText().trim()).toUpperCase(Locale.ROOT);
    }

    private static List<Double> alertAt(JsonNode root) {
        JsonNode node = root.get("alertAt");
        List<Double> stages = new ArrayList<>();
        if (node == null || node.isNull()) {
            return stages;
        }
        if (!node.isArray()) {
            throw new RejectedRecordException(INVALID_FIELD, "'alertAt' must be a list of fractions, was " + node);
        }
        for (JsonNode stage : node) {
            if (!stage.isNumber() || !(stage.doubleValue() > 0) || Double.isInfinite(stage.doubleValue())) {
                throw new RejectedRecordException(INVALID_FIELD,
                        "'alertAt' must hold positive fractions of the budget, had " + stage);
            }
            stages.add(stage.doubleValue());
        }
        stages.sort(null);
        return stages;
    }
}
