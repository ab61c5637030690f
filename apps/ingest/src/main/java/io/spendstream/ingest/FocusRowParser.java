package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/**
 * Parses one FOCUS row (1.0 to 1.3 column names, a JSON object from {@code spend.usage.raw}) into a
 * {@link CostRecord} in the row's own currency, or rejects it with a reason from {@link Ingest DeadLetterReasons.Ingest}. Pricing,
 * currency conversion and restatements need reference data and state, and happen later in the topology
 * ({@link ChargeValuer}, {@link RestatementProcessor}).
 *
 * <p>What Spendstream requires of a row: {@code ChargePeriodStart} and {@code ChargePeriodEnd} (forms of
 * {@link FocusTimestamps}, rules of {@link EventTimeRules}) and either
 * <ul>
 *   <li>a <b>billed</b> row: a cost ({@code EffectiveCost}, or {@code BilledCost} when EffectiveCost is absent) and
 *       {@code BillingCurrency}. The record's {@code currency} and {@code originalCurrency} are the BillingCurrency
 *       (upper case) and its amounts are the row's, at the wire scale; or</li>
 *   <li>a <b>metered</b> row: no EffectiveCost and no BilledCost, but {@code SkuPriceId} and
 *       {@code PricingQuantity}. It comes back <em>unpriced</em>: {@code costSource} {@value #COST_SOURCE_METERED},
 *       amounts zero and currencies empty. {@link ChargeValuer} prices it from {@code spend.prices} or rejects it
 *       ({@code unknown-price}); an unpriced record is never written to a topic.</li>
 * </ul>
 * Everything else is optional and carried when present. A negative {@code PricingQuantity}/{@code ConsumedQuantity}
 * is accepted only on a refund or correction, i.e. when the cost is not positive or {@code ChargeClass} is
 * {@code Correction} (the FOCUS 1.0 sample's Microsoft rows reverse usage this way; a metered row has no cost yet,
 * so only a correction may be negative); otherwise it is {@code negative-quantity}. ChargeCategory, ChargeClass and
 * the cost they allow are checked by {@link FocusCharge} (EffectiveCost is what counts, so a commitment is counted
 * once). FOCUS 1.3 columns are carried: ServiceProviderName and HostProviderName (ProviderName, deprecated in 1.3,
 * falls back to ServiceProviderName), ContractApplied and AllocatedMethodDetails as JSON text, and the split cost
 * allocation columns, with {@code providerSplit} set when any Allocated* column is present.
 *
 * <p>Stateless and thread-safe; the same instance may serve the topology and a command-line loader.
 */
public final class FocusRowParser implements RecordParser<byte[], CostRecord> {

    /** {@link CostRecord#getCostSource()} of rows whose cost comes from their own cost columns. */
    public static final String COST_SOURCE_BILLING = "billing";

    /** {@link CostRecord#getCostSource()} of metered rows, priced from {@code spend.prices}. */
    public static final String COST_SOURCE_METERED = "metered";

    private final InputLimits limits;
    private final Duration spreadLimit;

    public FocusRowParser() {
        this(InputLimits.DEFAULTS);
    }

    public FocusRowParser(InputLimits limits) {
        this(limits, IngestSettings.DEFAULT_SPREAD_LIMIT);
    }

    /**
     * Text columns and times are checked against {@code limits} ({@link FocusRow}, {@link EventTimeRules}); charge
     * periods up to {@code spreadLimit} (attribution's max-spread) must end within the future tolerance.
     */
    public FocusRowParser(InputLimits limits, Duration spreadLimit) {
        this.limits = limits;
        this.spreadLimit = spreadLimit;
    }

    /**
     * Kept for callers written when the parser checked the currency itself; the currency is now checked against
     * {@code spend.fx-rates} in the topology, so {@code reportingCurrency} is not used.
     *
     * @deprecated use {@link #FocusRowParser()}
     */
    @Deprecated(forRemoval = true)
    public FocusRowParser(String reportingCurrency) {
        this();
    }

    /** True for a record of a metered row that still has to be priced ({@link ChargeValuer}). */
    public static boolean isUnpriced(CostRecord record) {
        return COST_SOURCE_METERED.equals(record.getCostSource()) && record.getOriginalCurrency().isEmpty();
    }

    @Override
    public CostRecord parse(byte[] key, byte[] value, long timestamp) {
        return parse(value, timestamp);
    }

    /** Parses a row whose Kafka record timestamp (or, for a loader, the time it is read) is {@code recordTimestamp}. */
    public CostRecord parse(byte[] value, long recordTimestamp) {
        FocusRow row = new FocusRow(JsonObjects.parse(value), limits);

        Instant start = row.requiredTimestamp("ChargePeriodStart");
        Instant end = row.requiredTimestamp("ChargePeriodEnd");
        EventTimeRules.checkChargePeriod(limits, spreadLimit, start, end, recordTimestamp);

        BigDecimal effectiveCost = row.amount("EffectiveCost");
        BigDecimal billedCost = row.amount("BilledCost");
        BigDecimal listCost = row.amount("ListCost");
        BigDecimal cost = effectiveCost != null ? effectiveCost : billedCost;
        BigDecimal pricingQuantity = row.quantity("PricingQuantity");
        BigDecimal consumedQuantity = row.quantity("ConsumedQuantity");

        String category = FocusCharge.category(row);
        String chargeClass = FocusCharge.chargeClass(row);

        CostRecord.Builder record = CostRecord.newBuilder();
        if (cost != null) {
            String currency = row.requiredText("BillingCurrency").toUpperCase(Locale.ROOT);
            FocusCharge.checkCost(row, category, chargeClass, effectiveCost, cost);
            checkQuantitySign(row, "PricingQuantity", pricingQuantity, cost);
            checkQuantitySign(row, "ConsumedQuantity", consumedQuantity, cost);
            record.setEffectiveCost(cost).setBilledCost(billedCost).setListCost(listCost)
                    .setCurrency(currency).setOriginalEffectiveCost(cost).setOriginalCurrency(currency)
                    .setCostSource(COST_SOURCE_BILLING);
        } else if (row.text("SkuPriceId") != null && pricingQuantity != null) {
            checkMeteredQuantitySign(row, "PricingQuantity", pricingQuantity);
            checkMeteredQuantitySign(row, "ConsumedQuantity", consumedQuantity);
            record.setEffectiveCost(Money.ZERO).setCurrency("").setOriginalEffectiveCost(Money.ZERO)
                    .setOriginalCurrency("").setCostSource(COST_SOURCE_METERED);
        } else {
            throw new RejectedRecordException(Ingest.MISSING_COST, "Neither EffectiveCost nor BilledCost is"
                    + " present, and the row is not metered usage (SkuPriceId and PricingQuantity)");
        }

        return record
                .setChargeId(ChargeIdentity.of(row, start, end))
                .setRevision(1)
                .setChargePeriodStart(start)
                .setChargePeriodEnd(end)
                .setChargeCategory(category)
                .setChargeClass(chargeClass)
                // FOCUS 1.3 deprecates ProviderName for ServiceProviderName: either fills providerName.
                .setProviderName(firstPresent(row, "ProviderName", "ServiceProviderName"))
                .setServiceProviderName(row.text("ServiceProviderName"))
                .setHostProviderName(row.text("HostProviderName"))
                .setCommitmentDiscountId(row.text("CommitmentDiscountId"))
                .setCommitmentDiscountStatus(row.text("CommitmentDiscountStatus"))
                .setContractApplied(row.jsonText("ContractApplied"))
                .setAllocatedMethodId(row.text("AllocatedMethodId"))
                .setAllocatedMethodDetails(row.jsonText("AllocatedMethodDetails"))
                .setAllocatedResourceId(row.text("AllocatedResourceId"))
                .setAllocatedResourceName(row.text("AllocatedResourceName"))
                .setAllocatedTags(row.keyValues("AllocatedTags"))
                .setProviderSplit(ChargeIdentity.isProviderSplit(row))
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

    private static String firstPresent(FocusRow row, String column, String otherwise) {
        String text = row.text(column);
        return text != null ? text : row.text(otherwise);
    }

    private static void checkMeteredQuantitySign(FocusRow row, String column, BigDecimal quantity) {
        if (quantity != null && quantity.signum() < 0 && !FocusCharge.isCorrection(row)) {
            throw new RejectedRecordException(Ingest.NEGATIVE_QUANTITY, column + " "
                    + JsonText.quote(JsonText.any(row.value(column))) + " is negative on metered usage; only corrections"
                    + " (ChargeClass Correction) may have negative quantities");
        }
    }

    private static void checkQuantitySign(FocusRow row, String column, BigDecimal quantity, BigDecimal cost) {
        if (quantity == null || quantity.signum() >= 0) {
            return;
        }
        boolean refundOrCorrection = cost.signum() <= 0 || FocusCharge.isCorrection(row);
        if (!refundOrCorrection) {
            throw new RejectedRecordException(Ingest.NEGATIVE_QUANTITY, column + " "
                    + JsonText.quote(JsonText.any(row.value(column))) + " is negative on a charge costing "
                    + cost.stripTrailingZeros().toPlainString()
                    + "; only refunds and corrections may have negative quantities");
        }
    }
}
