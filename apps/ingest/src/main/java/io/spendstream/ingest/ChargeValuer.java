package io.spendstream.ingest;

import java.math.BigDecimal;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/**
 * Puts a parsed FOCUS row into the reporting currency: prices a metered row, or a GenAI model call
 * ({@link #priceModelCall}), from {@code spend.prices}, converts
 * amounts with {@code spend.fx-rates}, or rejects the row ({@code unknown-price}, {@code invalid-price},
 * {@code pricing-unit-mismatch}, {@code unknown-currency}, {@code invalid-fx-rate}, {@code absurd-amount}).
 *
 * <p>Money arithmetic is exact and rounded once: an amount in the reporting currency is {@code amount x rate}
 * (metered: {@code PricingQuantity x unitPrice x rate}) computed exactly from the values as received, then put at the
 * wire scale with {@link Money#of(BigDecimal)} (12 decimal places, half-even). The reporting currency needs no rate
 * (rate 1, no rounding). A metered row's original amount ({@code originalEffectiveCost}, price currency) is
 * {@code PricingQuantity x unitPrice} rounded the same way, independently of the converted amount.
 *
 * <p>Reference data comes in as lookups (key to the entry's bytes, null when absent), so the same logic serves the
 * topology ({@link ChargeValuation}) and tests. The entries' parsed form is kept ({@link ParsedEntries}) while their
 * bytes do not change, so an instance belongs to one task.
 */
final class ChargeValuer {

    /** Parsed entries kept per reference topic: far more SKUs than a price list usually has, a few MiB at most. */
    static final int PARSED_ENTRIES = 10_000;

    private final String reportingCurrency;
    private final String pricesTopic;
    private final String fxRatesTopic;
    private final ParsedEntries<SkuPrice> priceEntries;
    private final ParsedEntries<FxRate> rateEntries;
    private final ParsedEntries<ModelPrice> modelEntries;

    /** The topic names only appear in dead-letter messages, so that they name the topics actually configured. */
    ChargeValuer(String reportingCurrency, String pricesTopic, String fxRatesTopic) {
        this.reportingCurrency = reportingCurrency;
        this.pricesTopic = pricesTopic;
        this.fxRatesTopic = fxRatesTopic;
        this.priceEntries = new ParsedEntries<>(PARSED_ENTRIES,
                (sku, json) -> SkuPrice.parse(pricesTopic + " entry " + JsonText.quote(sku), json));
        this.modelEntries = new ParsedEntries<>(PARSED_ENTRIES,
                (model, json) -> ModelPrice.parse(pricesTopic + " entry " + JsonText.quote(model), json));
        this.rateEntries = new ParsedEntries<>(PARSED_ENTRIES,
                (currency, json) -> FxRate.parse(fxRatesTopic + " entry " + JsonText.quote(currency), json));
    }

    ValuedCharge value(ParsedRow row, Function<String, byte[]> prices, Function<String, byte[]> fxRates) {
        if (row.call() != null) {
            return priceModelCall(row.call(), prices, fxRates);
        }
        return value(row.record(), prices, fxRates);
    }

    ValuedCharge value(CostRecord parsed, Function<String, byte[]> prices, Function<String, byte[]> fxRates) {
        return FocusRowParser.isUnpriced(parsed) ? priceMetered(parsed, prices, fxRates) : convert(parsed, fxRates);
    }

    private ValuedCharge convert(CostRecord parsed, Function<String, byte[]> fxRates) {
        String currency = parsed.getOriginalCurrency();
        BigDecimal rate = rate(currency, "BillingCurrency " + JsonText.quote(currency), fxRates);
        BigDecimal effectiveCost = inReportingCurrency(parsed.getOriginalEffectiveCost(), rate, "EffectiveCost");
        BigDecimal billedCost = inReportingCurrency(parsed.getBilledCost(), rate, "BilledCost");
        BigDecimal listCost = inReportingCurrency(parsed.getListCost(), rate, "ListCost");
        CostRecord record = CostRecordCopy.of(parsed);
        record.setEffectiveCost(effectiveCost);
        record.setBilledCost(billedCost);
        record.setListCost(listCost);
        record.setCurrency(reportingCurrency);
        return new ValuedCharge(record, parsed.getBilledCost(), parsed.getListCost());
    }

    private ValuedCharge priceMetered(CostRecord parsed, Function<String, byte[]> prices,
            Function<String, byte[]> fxRates) {
        String sku = parsed.getSkuPriceId();
        byte[] entry = prices.apply(sku);
        if (entry == null) {
            throw new RejectedRecordException(Ingest.UNKNOWN_PRICE, "SkuPriceId " + JsonText.quote(sku)
                    + " has no price on " + pricesTopic + "; metered usage is never priced at zero");
        }
        SkuPrice price = priceEntries.get(sku, entry);
        String rowUnit = parsed.getPricingUnit();
        if (rowUnit != null && price.pricingUnit() != null && !rowUnit.equalsIgnoreCase(price.pricingUnit())) {
            throw new RejectedRecordException(Ingest.PRICING_UNIT_MISMATCH, "PricingUnit "
                    + JsonText.quote(rowUnit) + " differs from the pricingUnit " + JsonText.quote(price.pricingUnit())
                    + " of SkuPriceId " + JsonText.quote(sku) + " on " + pricesTopic);
        }
        BigDecimal exact = parsed.getPricingQuantity().multiply(price.unitPrice());
        return priced(CostRecordCopy.of(parsed), exact, "PricingQuantity x unitPrice", price.currency(),
                "SkuPriceId " + JsonText.quote(sku), fxRates);
    }

    /**
     * Prices a GenAI model call ({@link GenAiSpanParser}) from the {@link ModelPrice} entry of the first of its models
     * that has one ({@code <provider>/<model>} on {@code spend.prices}), or rejects it: {@code unknown-model} when
     * none has, never a zero cost. The model priced is the SKU (SkuId the model, SkuPriceId the price key) and, with
     * the calling service, the resource: {@code <provider>/<model>@<service>}, one resource per model and service,
     * like a provider's model deployment, so that estimate supersession (keyed by resource and SKU) reverses each
     * service's own estimates when the bill comes.
     */
    private ValuedCharge priceModelCall(ModelCall call, Function<String, byte[]> prices,
            Function<String, byte[]> fxRates) {
        if (call.problem() != null) {
            throw call.problem();
        }
        for (ModelCall.Model model : call.models()) {
            String key = ModelPrice.key(call.provider(), model.name());
            byte[] entry = prices.apply(key);
            if (entry == null) {
                continue;
            }
            ModelPrice price = modelEntries.get(key, entry);
            CostRecord record = CostRecordCopy.of(call.unpriced());
            record.setResourceId(key + "@" + call.service());
            record.setResourceName(model.name());
            record.setSkuId(model.name());
            record.setSkuPriceId(key);
            return priced(record, price.cost(call.tokens()), "tokens x model price", price.currency(),
                    "model " + JsonText.quote(key), fxRates);
        }
        throw new RejectedRecordException(Ingest.UNKNOWN_MODEL, call.models().stream()
                .map(m -> JsonText.quote(ModelPrice.key(call.provider(), m.name())) + " (" + m.attribute() + ")")
                .collect(Collectors.joining(" nor ", "No price on " + pricesTopic + " for ", ""))
                + "; a model call is never priced at zero");
    }

    /**
     * An estimate priced at {@code exact} in {@code currency} ({@code what} names its price in messages): the
     * original amount is {@code exact} rounded to the wire scale, the cost its conversion to the reporting currency.
     * Sets them on {@code record}, the caller's copy of the unpriced record ({@link CostRecordCopy}).
     */
    private ValuedCharge priced(CostRecord record, BigDecimal exact, String field, String currency,
            String what, Function<String, byte[]> fxRates) {
        BigDecimal original = checked(Money.of(exact), field, currency);
        BigDecimal rate = rate(currency, "currency " + JsonText.quote(currency) + " of " + what, fxRates);
        BigDecimal cost = inReportingCurrency(exact, rate, field);
        record.setEffectiveCost(cost);
        record.setBilledCost(cost);
        record.setListCost(null);
        record.setCurrency(reportingCurrency);
        record.setOriginalEffectiveCost(original);
        record.setOriginalCurrency(currency);
        return new ValuedCharge(record, original, null);
    }

    /** Units of reporting currency per unit of {@code currency}; {@code what} names the currency in messages. */
    private BigDecimal rate(String currency, String what, Function<String, byte[]> fxRates) {
        if (currency.equals(reportingCurrency)) {
            return BigDecimal.ONE;
        }
        byte[] entry = fxRates.apply(currency);
        if (entry == null) {
            throw new RejectedRecordException(Ingest.UNKNOWN_CURRENCY, what
                    + " has no rate on " + fxRatesTopic + " to the reporting currency " + reportingCurrency);
        }
        return rateEntries.get(currency, entry).rate();
    }

    private BigDecimal inReportingCurrency(BigDecimal amount, BigDecimal rate, String field) {
        if (amount == null) {
            return null;
        }
        return checked(Money.of(amount.multiply(rate)), field, reportingCurrency);
    }

    private static BigDecimal checked(BigDecimal amount, String field, String currency) {
        if (amount.abs().compareTo(JsonDecimals.MAX_AMOUNT) > 0) {
            throw new RejectedRecordException(Ingest.ABSURD_AMOUNT, field + ": " + amount.toPlainString()
                    + " " + currency + " exceeds the plausible maximum of "
                    + JsonDecimals.MAX_AMOUNT.toPlainString() + " per record");
        }
        return amount;
    }
}
