package io.spendstream.ingest;

import java.math.BigDecimal;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * One entry of {@code spend.fx-rates} (key = ISO currency code): {@code {"rate":"1.0842","asOf":"..."}}, the units
 * of reporting currency one unit of the keyed currency is worth. {@code rate} is an exact positive decimal (kept
 * unrounded); {@code asOf}, when present, must be a timestamp ({@link FocusTimestamps}) and is informational.
 */
record FxRate(BigDecimal rate) {

    /** {@code entry} names the entry in messages, e.g. {@code spend.fx-rates entry 'EUR'}. */
    static FxRate parse(String entry, byte[] json) {
        return ReferenceEntry.read(entry, json, Ingest.INVALID_FX_RATE, fx -> {
            BigDecimal rate = JsonDecimals.read(fx.get("rate"), "rate");
            if (rate == null) {
                throw new RejectedRecordException(Ingest.MISSING_FIELD, "rate is missing");
            }
            if (rate.signum() <= 0) {
                throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                        "rate " + rate.toPlainString() + " is not positive");
            }
            String asOf = JsonText.scalar(fx.get("asOf"), "asOf");
            if (asOf != null) {
                FocusTimestamps.parse("asOf", asOf);
            }
            return new FxRate(rate);
        });
    }
}
