package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

class FocusRowParserTest {

    private static final long PRODUCED = TopologyFixture.START.toEpochMilli();

    private final FocusRowParser parser = new FocusRowParser();

    private CostRecord parse(ObjectNode row) {
        return parser.parse(TestRows.bytes(row), PRODUCED);
    }

    private String rejectionReason(ObjectNode row) {
        try {
            parse(row);
        } catch (RejectedRecordException e) {
            return e.reason();
        }
        return "accepted";
    }

    @Test
    void shouldReadDecimalsExactlyWhetherNumbersOrStrings() {
        ObjectNode asNumbers = TestRows.focus();
        asNumbers.put("EffectiveCost", new BigDecimal("0.00000080000"));
        asNumbers.put("BilledCost", 5);
        asNumbers.put("PricingQuantity", new BigDecimal("0.000235520300000"));
        ObjectNode asStrings = TestRows.focus();
        asStrings.put("EffectiveCost", "0.00000080000");
        asStrings.put("BilledCost", "5");
        asStrings.put("PricingQuantity", "0.000235520300000");

        for (CostRecord record : new CostRecord[] {parse(asNumbers), parse(asStrings)}) {
            assertThat(record.getEffectiveCost()).isEqualTo(new BigDecimal("0.000000800000"));
            assertThat(record.getOriginalEffectiveCost()).isEqualTo(new BigDecimal("0.000000800000"));
            assertThat(record.getBilledCost()).isEqualTo(new BigDecimal("5.000000000000"));
            assertThat(record.getPricingQuantity()).isEqualTo(new BigDecimal("0.000235520300"));
        }
    }

    @Test
    void shouldRoundBeyondTwelveDecimalPlacesHalfEven() {
        ObjectNode row = TestRows.focus();
        row.put("EffectiveCost", "0.0000000000005");
        row.put("BilledCost", "0.0000000000015");
        CostRecord record = parse(row);
        assertThat(record.getEffectiveCost()).isEqualTo(Money.of("0"));
        assertThat(record.getBilledCost()).isEqualTo(Money.of("0.000000000002"));
    }

    @Test
    void shouldFallBackToBilledCostWhenEffectiveCostIsAbsent() {
        ObjectNode row = TestRows.focus();
        row.put("EffectiveCost", "NULL");
        row.put("BilledCost", "12.34");
        assertThat(parse(row).getEffectiveCost()).isEqualTo(Money.of("12.34"));
    }

    @Test
    void shouldReadTagsFromAJsonStringOrObjectWithValuesStringified() {
        ObjectNode asString = TestRows.focus();
        asString.put("Tags", "{\"application\": \"checkout\", \"team\": \"payments\"}");
        assertThat(parse(asString).getTags()).containsExactly(
                java.util.Map.entry("application", "checkout"), java.util.Map.entry("team", "payments"));

        ObjectNode asObject = TestRows.focus();
        ObjectNode tags = asObject.putObject("Tags");
        tags.put("application", "checkout");
        tags.put("replicas", 3);
        tags.put("ratio", new BigDecimal("0.50"));
        tags.put("shared", true);
        tags.putNull("finops-flag");
        tags.putObject("nested").put("a", 1);
        assertThat(parse(asObject).getTags())
                .containsEntry("application", "checkout")
                .containsEntry("replicas", "3")
                .containsEntry("ratio", "0.50")
                .containsEntry("shared", "true")
                .containsEntry("finops-flag", "")
                .containsEntry("nested", "{\"a\":1}");

        ObjectNode none = TestRows.focus();
        none.put("Tags", "NULL");
        assertThat(parse(none).getTags()).isEmpty();
    }

    @Test
    void shouldKeepExtensionColumnsAsExactText() {
        ObjectNode row = TestRows.focus();
        row.put("x_CommitmentDiscountUnitPrice", new BigDecimal("0.00000080000"));
        row.put("x_Team", "payments");
        row.putObject("x_Details").put("tier", 1);
        row.putNull("x_Missing");
        row.put("x_Empty", "NULL");
        row.put("NotAnExtension", "ignored");
        assertThat(parse(row).getExtensions()).containsOnly(
                java.util.Map.entry("x_CommitmentDiscountUnitPrice", "0.00000080000"),
                java.util.Map.entry("x_Team", "payments"),
                java.util.Map.entry("x_Details", "{\"tier\":1}"));
    }

    @Test
    void shouldKeepABareNaNInAnExtensionAsText() {
        byte[] nanExtension = TestRows.utf8(new String(TestRows.bytes(TestRows.focus()), java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("^\\{", "{\"x_Score\":NaN,"));
        assertThat(parser.parse(nanExtension, PRODUCED).getExtensions()).containsEntry("x_Score", "NaN");
    }

    @Test
    void shouldCarryDescriptiveColumnsAndTheReportingCurrency() {
        CostRecord record = parse(TestRows.focus());
        assertThat(record.getChargePeriodStart()).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
        assertThat(record.getChargePeriodEnd()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(record.getCurrency()).isEqualTo("USD");
        assertThat(record.getOriginalCurrency()).isEqualTo("USD");
        assertThat(record.getCostSource()).isEqualTo("billing");
        assertThat(record.getRevision()).isEqualTo(1);
        assertThat(record.getServiceName()).isEqualTo("Amazon Simple Queue Service");
        assertThat(record.getProviderName()).isEqualTo("AWS");
        assertThat(record.getRegionId()).isEqualTo("us-west-2");
        assertThat(record.getSubAccountId()).isEqualTo("51738928782");
        assertThat(record.getPricingUnit()).isEqualTo("Requests");
        assertThat(record.getResourceName()).isNull();
        assertThat(record.getListCost()).isEqualTo(Money.of("0.0000008"));
    }

    @Test
    void shouldMatchColumnNamesIgnoringCaseAndTreatNullTextAsAbsent() {
        ObjectNode row = TestRows.focus();
        row.remove("SkuPriceId");
        row.put("SkuPriceid", "VM_MEDIUM_COMMITTED_HOUR");
        row.put("ResourceId", "null");
        CostRecord record = parse(row);
        assertThat(record.getSkuPriceId()).isEqualTo("VM_MEDIUM_COMMITTED_HOUR");
        assertThat(record.getResourceId()).isNull();
    }

    @Test
    void shouldAcceptNegativeQuantitiesOnlyOnRefundsAndCorrections() {
        ObjectNode refund = TestRows.focus();
        refund.put("PricingQuantity", "-1.00000000000");
        refund.put("ConsumedQuantity", "-1.000000000000000");
        refund.put("EffectiveCost", "-0.14900000000");
        assertThat(parse(refund).getPricingQuantity()).isEqualTo(Money.of("-1"));

        ObjectNode correction = TestRows.focus();
        correction.put("ConsumedQuantity", "-3");
        correction.put("ChargeClass", "Correction");
        assertThat(rejectionReason(correction)).isEqualTo("accepted");

        ObjectNode positiveCost = TestRows.focus();
        positiveCost.put("ConsumedQuantity", "-3");
        assertThat(rejectionReason(positiveCost)).isEqualTo(Ingest.NEGATIVE_QUANTITY);
    }

    @Test
    void shouldKeepTheRowsOwnCurrencyForTheTopologyToConvert() {
        ObjectNode row = TestRows.focus();
        row.put("BillingCurrency", "eur");
        CostRecord record = parse(row);
        assertThat(record.getCurrency()).isEqualTo("EUR");
        assertThat(record.getOriginalCurrency()).isEqualTo("EUR");
        assertThat(record.getEffectiveCost()).isEqualTo(record.getOriginalEffectiveCost())
                .isEqualTo(Money.of("0.00000080000"));
        assertThat(record.getCostSource()).isEqualTo(FocusRowParser.COST_SOURCE_BILLING);
        assertThat(FocusRowParser.isUnpriced(record)).isFalse();
    }

    @Test
    void shouldReturnAMeteredRowWithoutCostColumnsUnpriced() {
        ObjectNode row = TestRows.focus();
        row.remove(java.util.List.of("EffectiveCost", "BilledCost", "ListCost", "BillingCurrency"));
        CostRecord record = parse(row);
        assertThat(FocusRowParser.isUnpriced(record)).isTrue();
        assertThat(record.getCostSource()).isEqualTo(FocusRowParser.COST_SOURCE_METERED);
        assertThat(record.getPricingQuantity()).isEqualTo(Money.of("2"));
        assertThat(record.getSkuPriceId()).isEqualTo("G95FST5FTYV3JSRX.JRTCKXETXF.VXGXCWQKTY");

        row.put("PricingQuantity", "-2");
        assertThat(rejectionReason(row)).as("negative metered usage").isEqualTo(Ingest.NEGATIVE_QUANTITY);
        row.put("ChargeClass", "Correction");
        assertThat(rejectionReason(row)).as("a metered correction").isEqualTo("accepted");
        row.remove("SkuPriceId");
        assertThat(rejectionReason(row)).as("no cost and no price id").isEqualTo(Ingest.MISSING_COST);
    }

    @Test
    void shouldAcceptAChargeStartingWithinOneHourAfterTheRecordTimestamp() {
        // A monthly fee is booked whole at its start: only the start is held to the hour.
        ObjectNode row = TestRows.focus();
        row.put("ChargePeriodStart", "2026-11-23T11:00:00Z");
        row.put("ChargePeriodEnd", "2026-12-23T11:00:00Z");
        assertThat(rejectionReason(row)).isEqualTo("accepted");
        row.put("ChargePeriodStart", "2026-11-23T11:00:00.001Z");
        assertThat(rejectionReason(row)).isEqualTo(Ingest.TIMESTAMP_OUT_OF_RANGE);
        assertThat(parser.parse(TestRows.bytes(row), -1L).getChargePeriodStart())
                .as("no record timestamp: no future check").isEqualTo(Instant.parse("2026-11-23T11:00:00.001Z"));
    }

    @Test
    void shouldHoldTheEndOfAPeriodThatIsSpreadOverWindowsToTheHour() {
        // Attribution spreads a period of up to a day (max-spread) over its windows, each part stamped with its
        // window's start: an end more than an hour ahead makes parts the broker refuses (measured: it stopped
        // attribution).
        ObjectNode row = TestRows.focus();
        row.put("ChargePeriodStart", "2026-11-23T10:00:00Z");
        row.put("ChargePeriodEnd", "2026-11-23T11:00:00Z");
        assertThat(rejectionReason(row)).isEqualTo("accepted");
        row.put("ChargePeriodStart", "2026-11-23T00:00:00Z");
        row.put("ChargePeriodEnd", "2026-11-24T00:00:00Z");
        assertThatThrownBy(() -> parse(row)).isInstanceOfSatisfying(RejectedRecordException.class, e -> {
            assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE);
            assertThat(e.getMessage()).startsWith("ChargePeriodEnd 2026-11-24T00:00:00Z is more than 60 minutes after"
                    + " the record's timestamp 2026-11-23T10:00:00Z: a charge period of at most PT24H is spread");
        });
        assertThat(new FocusRowParser(InputLimits.DEFAULTS, Duration.ofHours(12)).parse(TestRows.bytes(row),
                TopologyFixture.START.toEpochMilli()).getChargePeriodEnd())
                .as("with a max-spread of 12h a day is booked whole at its start")
                .isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void shouldAcceptAPeriodEndingInTheFutureForAnUpfrontPurchase() {
        ObjectNode row = TestRows.focus();
        row.put("ChargeCategory", "Purchase");
        row.put("ChargePeriodEnd", "2029-11-23T09:00:00Z");
        assertThat(parse(row).getChargePeriodEnd()).isEqualTo(Instant.parse("2029-11-23T09:00:00Z"));
    }
}
