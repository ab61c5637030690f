package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.dlq.RejectedRecordException;

/**
 * Parses one FOCUS row (1.0 to 1.2 column names, a JSON object from {@code spend.usage.raw}) into the
 * {@link CostRecord} written to {@code spend.cost}, or rejects it with a reason from {@link IngestReasons}.
 *
 * <p>What Spendstream requires of a row: {@code ChargePeriodStart} and {@code ChargePeriodEnd} (forms of
 * {@link FocusTimestamps}, rules of {@link EventTimeRules}), {@code BillingCurrency} equal to the reporting currency
 * (until FX conversion lands), and a cost: {@code EffectiveCost}, or {@code BilledCost} when EffectiveCost is absent.
 * Everything else is optional and carried when present. A negative {@code PricingQuantity}/{@code ConsumedQuantity}
 * is accepted only on a refund or correction, i.e. when the cost is not positive or {@code ChargeClass} is
 * {@code Correction} (the FOCUS 1.0 sample's Microsoft rows reverse usage this way); a negative quantity with a
 * positive cost is {@code negative-quantity}.
 *
 * <p>Stateless and thread-safe; the same instance may serve the topology and a command-line loader.
 */
public final class FocusRowParser implements RecordParser<byte[], CostRecord> {

    /** {@link CostRecord#getCostSource()} of rows whose cost comes from their own cost columns. */
    public static final String COST_SOURCE_BILLING = "billing";

    private final String reportingCurrency;

    public FocusRowParser(String reportingCurrency) {
        this.reportingCurrency = reportingCurrency;
    }

    @Override
    public CostRecord parse(byte[] key, byte[] value, long timestamp) {
        return parse(value, timestamp);
    }

    /** Parses a row whose Kafka record timestamp (or, for a loader, the time it is read) is {@code recordTimestamp}. */
    public CostRecord parse(byte[] value, long recordTimestamp) {
        FocusRow row = new FocusRow(JsonObjects.parse(value));

        Instant start = row.requiredTimestamp("ChargePeriodStart");
        Instant end = row.requiredTimestamp("ChargePeriodEnd");
        EventTimeRules.checkRange("ChargePeriodStart", start, "ChargePeriodEnd", end, recordTimestamp);

        String currency = row.requiredText("BillingCurrency").toUpperCase(Locale.ROOT);
        if (!currency.equals(reportingCurrency)) {
            throw new RejectedRecordException(IngestReasons.UNKNOWN_CURRENCY, "BillingCurrency "
                    + JsonText.quote(currency) + " has no known rate to the reporting currency " + reportingCurrency);
        }

        BigDecimal effectiveCost = row.amount("EffectiveCost");
        BigDecimal billedCost = row.amount("BilledCost");
        BigDecimal listCost = row.amount("ListCost");
        BigDecimal cost = effectiveCost != null ? effectiveCost : billedCost;
        if (cost == null) {
            throw new RejectedRecordException(IngestReasons.MISSING_COST,
                    "Neither EffectiveCost nor BilledCost is present; pricing metered rows is not supported yet");
        }

        BigDecimal pricingQuantity = row.quantity("PricingQuantity");
        checkQuantitySign(row, "PricingQuantity", pricingQuantity, cost);
        checkQuantitySign(row, "ConsumedQuantity", row.quantity("ConsumedQuantity"), cost);

        return CostRecord.newBuilder()
                .setChargeId(ChargeIdentity.of(row, start, end))
                .setRevision(1)
                .setChargePeriodStart(start)
                .setChargePeriodEnd(end)
                .setEffectiveCost(cost)
                .setBilledCost(billedCost)
                .setListCost(listCost)
                .setCurrency(reportingCurrency)
                .setOriginalEffectiveCost(cost)
                .setOriginalCurrency(currency)
                .setCostSource(COST_SOURCE_BILLING)
                .setChargeCategory(row.text("ChargeCategory"))
                .setProviderName(row.text("ProviderName"))
                .setServiceName(row.text("ServiceName"))
                .setServiceCategory(row.text("ServiceCategory"))
                .setResourceId(row.text("ResourceId"))
                .setResourceName(row.text("ResourceName"))
                .setSkuId(row.text("SkuId"))
                .setSkuPriceId(row.text("SkuPriceId"))
                .setRegionId(row.text("RegionId"))
                .setSubAccountId(row.text("SubAccountId"))
                .setPricingQuantity(pricingQuantity)
                .setPricingUnit(row.text("PricingUnit"))
                .setTags(row.tags())
                .setExtensions(row.extensions())
                .build();
    }

    private static void checkQuantitySign(FocusRow row, String column, BigDecimal quantity, BigDecimal cost) {
        if (quantity == null || quantity.signum() >= 0) {
            return;
        }
        boolean refundOrCorrection = cost.signum() <= 0 || "Correction".equalsIgnoreCase(row.text("ChargeClass"));
        if (!refundOrCorrection) {
            throw new RejectedRecordException(IngestReasons.NEGATIVE_QUANTITY, column + " "
                    + JsonText.quote(row.text(column)) + " is negative on a charge costing "
                    + cost.stripTrailingZeros().toPlainString()
                    + "; only refunds and corrections may have negative quantities");
        }
    }
}
