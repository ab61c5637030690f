package io.spendstream.ingest;

import java.math.BigDecimal;
import java.util.Locale;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * One entry of {@code spend.prices} (key SkuPriceId): {@code {"unitPrice":"0.0000004","currency":"USD",
 * "pricingUnit":"Requests"}}. {@code unitPrice} is an exact decimal, not negative (zero is a real price: free
 * tiers), kept unrounded so that quantity x unitPrice is exact; {@code currency} is required; {@code pricingUnit} is
 * optional and, when both sides give one, must match the row's PricingUnit.
 */
record SkuPrice(BigDecimal unitPrice, String currency, String pricingUnit) {

    /** {@code entry} names the entry in messages, e.g. {@code spend.prices entry 'SKU-1'}. */
    static SkuPrice parse(String entry, byte[] json) {
        return ReferenceEntry.read(entry, json, Ingest.INVALID_PRICE, price -> {
            BigDecimal unitPrice = JsonDecimals.read(price.get("unitPrice"), "unitPrice");
            if (unitPrice == null) {
                throw new RejectedRecordException(Ingest.MISSING_FIELD, "unitPrice is missing");
            }
            if (unitPrice.signum() < 0) {
                throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                        "unitPrice " + unitPrice.toPlainString() + " is negative");
            }
            String currency = JsonText.scalar(price.get("currency"), "currency");
            if (currency == null) {
                throw new RejectedRecordException(Ingest.MISSING_FIELD, "currency is missing");
            }
            return new SkuPrice(unitPrice, currency.toUpperCase(Locale.ROOT),
                    JsonText.scalar(price.get("pricingUnit"), "pricingUnit"));
        });
    }
}
