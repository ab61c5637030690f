package io.spendstream.ingest;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/**
 * Exact numbers from JSON, whether the producer wrote them as numbers ({@code 0.00000080000}) or as strings
 * ({@code "0.00000080000"}): never through a {@code double}. Also the plausibility rules for what a number means:
 * money amounts ({@link #amount}), quantities ({@link #quantity}) and counts ({@link #count}).
 *
 * <p>Rounding: amounts and quantities are put at the wire scale with {@link Money#of(BigDecimal)} (12 decimal places,
 * half-even); that is the only rounding ingest does, and FOCUS exports seen so far carry at most 11 places.
 */
public final class JsonDecimals {

    /** Largest magnitude of a money amount accepted: a trillion per row is a bug, not a bill. */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1E+12");

    /** Largest magnitude of a quantity: what fits Avro {@code decimal(38, 12)}. */
    private static final BigDecimal MAX_QUANTITY = new BigDecimal("1E+26");

    /** Exponents beyond this are not numbers a bill contains, and would make arithmetic on them very slow. */
    private static final int MAX_EXPONENT = 1000;

    /** Longest decimal text accepted; Jackson limits JSON number tokens the same way. */
    private static final int MAX_TEXT_LENGTH = 200;

    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private JsonDecimals() {
    }

    /** The exact decimal value of a JSON number or numeric string; null when absent. */
    public static BigDecimal read(JsonNode node, String field) {
        if (JsonText.isAbsent(node)) {
            return null;
        }
        BigDecimal value;
        if (node.isNumber()) {
            if (node.isFloat() || node.isDouble()) {
                // Floats are read as BigDecimal, so a double here is a bare NaN/Infinity token (Jackson cannot
                // represent those as BigDecimal); a double is never trusted for money either way.
                throw new RejectedRecordException(Ingest.INVALID_NUMBER, field + ": " + node.asText()
                        + (Double.isFinite(node.doubleValue()) ? " is not an exact decimal" : " is not a finite number"));
            }
            value = node.decimalValue();
        } else if (node.isTextual()) {
            value = parseText(node.textValue().trim(), field);
        } else {
            throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                    field + ": expected a decimal number, got " + JsonText.quote(node.toString()));
        }
        int exponent = value.precision() - value.scale() - 1;
        if (Math.abs(exponent) > MAX_EXPONENT) {
            throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                    field + ": " + value + " is outside any plausible range");
        }
        return value;
    }

    /** A money amount at the wire scale, null when absent; rejects magnitudes above {@link #MAX_AMOUNT}. */
    public static BigDecimal amount(JsonNode node, String field) {
        BigDecimal value = read(node, field);
        if (value == null) {
            return null;
        }
        if (value.abs().compareTo(MAX_AMOUNT) > 0) {
            throw new RejectedRecordException(Ingest.ABSURD_AMOUNT,
                    field + ": " + JsonText.quote(JsonText.plain(value)) + " exceeds the plausible maximum of "
                            + MAX_AMOUNT.toPlainString() + " per record");
        }
        return Money.of(value);
    }

    /** A quantity at the wire scale, null when absent; rejects values that do not fit {@code decimal(38, 12)}. */
    public static BigDecimal quantity(JsonNode node, String field) {
        BigDecimal value = read(node, field);
        if (value == null) {
            return null;
        }
        if (value.abs().compareTo(MAX_QUANTITY) >= 0) {
            throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                    field + ": " + JsonText.quote(value.toString()) + " does not fit decimal(38, 12)");
        }
        return Money.of(value);
    }

    /** A non-negative whole number (e.g. requests), null when absent. {@code 12}, {@code 12.0} and {@code "12"} are 12. */
    public static Long count(JsonNode node, String field) {
        BigDecimal value = read(node, field);
        if (value == null) {
            return null;
        }
        long count;
        try {
            count = value.longValueExact();
        } catch (ArithmeticException e) {
            throw new RejectedRecordException(Ingest.INVALID_NUMBER,
                    field + ": " + JsonText.quote(value.toString()) + " is not a whole number in range", e);
        }
        if (count < 0) {
            throw new RejectedRecordException(Ingest.NEGATIVE_COUNT,
                    field + ": " + count + " is negative; counts start at 0");
        }
        return count;
    }

    private static BigDecimal parseText(String text, String field) {
        if (NON_FINITE.matcher(text).matches()) {
            throw new RejectedRecordException(Ingest.INVALID_NUMBER,
                    field + ": " + JsonText.quote(text) + " is not a finite number");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                    field + ": " + JsonText.quote(text) + " is too long to be a decimal number");
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                    field + ": " + JsonText.quote(text) + " is not a decimal number", e);
        }
    }
}
