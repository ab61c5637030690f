package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * Metered estimates giving way to the bill through the ingest topology: {@code spend.cost} ends equal to the bill,
 * whatever the estimate was.
 */
class IngestAppEstimatesTest {

    static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");
    static final String PRICE_ID = "SQS.REQUESTS";
    static final String UNIT_PRICE = "0.0000004";

    @Test
    void shouldEndEqualToTheBillWhenHourlyBillsOfTwentyResourcesSupersedeTheirEstimates() {
        try (TopologyFixture fixture = fixture(Map.of())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            BigDecimal bill = BigDecimal.ZERO;
            BigDecimal estimates = BigDecimal.ZERO;
            for (int r = 0; r < 20; r++) {
                for (int h = 0; h < 24; h++) {
                    long quantity = 1_000_000L + r * 7_919L + h * 131L;
                    in.pipeInput(null, metered("m-" + r + "-" + h, resource(r), quantity, hour(h), hour(h + 1)));
                    BigDecimal estimate = new BigDecimal(UNIT_PRICE).multiply(BigDecimal.valueOf(quantity));
                    // -5% to +5%, a different share per row, with more decimals than the estimate.
                    BigDecimal share = BigDecimal.valueOf((r * 24 + h) % 1001 - 500, 4);
                    BigDecimal billed = Money.of(estimate.multiply(BigDecimal.ONE.add(share)));
                    estimates = estimates.add(estimate);
                    bill = bill.add(billed);
                }
            }
            for (int r = 0; r < 20; r++) {
                for (int h = 0; h < 24; h++) {
                    long quantity = 1_000_000L + r * 7_919L + h * 131L;
                    BigDecimal share = BigDecimal.valueOf((r * 24 + h) % 1001 - 500, 4);
                    BigDecimal billed = Money.of(new BigDecimal(UNIT_PRICE).multiply(BigDecimal.valueOf(quantity))
                            .multiply(BigDecimal.ONE.add(share)));
                    in.pipeInput(null, billed("b-" + r + "-" + h, resource(r), billed.toPlainString(), hour(h),
                            hour(h + 1)));
                }
            }

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(sum(out)).as("spend.cost = the bill").isEqualByComparingTo(bill);
            assertThat(sum(out)).isNotEqualByComparingTo(estimates);
            assertThat(out).filteredOn(c -> c.getCostSource().equals(EstimateSupersession.COST_SOURCE_REVERSAL))
                    .hasSize(480)
                    .allSatisfy(reversal -> assertThat(reversal.getEffectiveCost().signum()).isNegative());
            assertThat(out).filteredOn(c -> c.getCostSource().equals("billing"))
                    .hasSize(480).allSatisfy(b -> assertThat(b.getEstimateSku()).isEqualTo(PRICE_ID));
            assertThat(fixture.count(EstimateSupersession.REVERSALS)).isEqualTo(480.0);
            assertThat(fixture.output(fixture.topics().dlq).isEmpty()).isTrue();
            // Per resource and hour: estimate + reversal = 0, so the hour holds its bill alone.
            assertThat(sum(out.stream().filter(c -> resource(3).equals(c.getResourceId())
                    && c.getChargePeriodStart().equals(hour(5))).toList()))
                    .isEqualByComparingTo(out.stream().filter(c -> c.getChargeId().equals("b-3-5")).findFirst()
                            .orElseThrow().getEffectiveCost());
        }
    }

    @Test
    void shouldSupersedeTheTwentyFourHourlyEstimatesOfItsDayWithOneDailyBillRow() {
        try (TopologyFixture fixture = fixture(Map.of())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            for (int h = 0; h < 24; h++) {
                in.pipeInput(null, metered("m-" + h, resource(0), 1_000_000L + h, hour(h), hour(h + 1)));
            }
            TestOutputTopic<String, CostRecord> cost = fixture.output(fixture.topics().cost);
            BigDecimal estimates = sum(cost.readValuesToList());
            in.pipeInput(null, billed("daily", resource(0), "9.876543210987", DAY, DAY.plus(Duration.ofDays(1))));

            List<CostRecord> after = cost.readValuesToList();
            List<CostRecord> reversals = after.stream()
                    .filter(c -> c.getCostSource().equals(EstimateSupersession.COST_SOURCE_REVERSAL)).toList();
            assertThat(reversals).hasSize(24);
            assertThat(reversals).extracting(CostRecord::getChargePeriodStart)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 24).mapToObj(h -> hour(h)).toList());
            assertThat(reversals).allSatisfy(r -> {
                assertThat(r.getChargePeriodEnd()).isEqualTo(r.getChargePeriodStart().plus(Duration.ofHours(1)));
                assertThat(r.getResourceId()).isEqualTo(resource(0));
                assertThat(r.getTags()).containsEntry("application", "checkout");
                assertThat(r.getExtensions()).containsEntry(EstimateSupersession.SUPERSEDED_BY, "daily");
            });
            assertThat(sum(reversals)).isEqualByComparingTo(estimates.negate());
            assertThat(estimates.add(sum(after))).as("estimates + reversals + bill").isEqualByComparingTo("9.876543210987");
        }
    }

    @Test
    void shouldNotCountAnEstimateThatArrivesAfterTheBillOfItsHour() {
        try (TopologyFixture fixture = fixture(Map.of())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            in.pipeInput(null, billed("b-1", resource(0), "1.25", hour(3), hour(4)));
            in.pipeInput(null, metered("late", resource(0), 2_000_000L, hour(3), hour(4)));
            // Half in the billed hour 3, half in hour 4 that no bill covers yet: only hour 4's half counts.
            in.pipeInput(null, metered("straddling", resource(0), 1_000_000L, hour(3).plus(Duration.ofMinutes(30)),
                    hour(4).plus(Duration.ofMinutes(30))));

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(out).extracting(CostRecord::getChargeId)
                    .containsExactly("b-1", "straddling@" + hour(4));
            assertThat(out.get(0).getEstimateSku()).as("nothing estimated when the bill came").isNull();
            assertThat(out.get(1).getEffectiveCost()).isEqualTo(Money.of("0.2"));
            assertThat(out.get(1).getChargePeriodStart()).isEqualTo(hour(4));
            assertThat(sum(out)).isEqualByComparingTo("1.45");
            assertThat(fixture.count(EstimateSupersession.AFTER_BILL)).isEqualTo(2.0);
            assertThat(fixture.count(EstimateSupersession.HOUR_PIECES)).isEqualTo(1.0);
            assertThat(fixture.count("spendstream.records.in", "stage", "ingest")
                    + fixture.count(EstimateSupersession.REVERSALS) + fixture.count(EstimateSupersession.HOUR_PIECES))
                    .as("in + reversals + extra pieces = out + after-bill")
                    .isEqualTo(fixture.count("spendstream.records.out", "topic", fixture.topics().cost.name())
                            + fixture.count(EstimateSupersession.AFTER_BILL));
        }
    }

    @Test
    void shouldAddARestatedBillRowToTheBilledSideWithoutReversingTheEstimateTwice() {
        try (TopologyFixture fixture = fixture(Map.of())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            in.pipeInput(null, metered("m-1", resource(0), 2_500_000L, hour(7), hour(8)));
            in.pipeInput(null, billed("b-1", resource(0), "1.10", hour(7), hour(8)));
            in.pipeInput(null, billed("b-1", resource(0), "1.05", hour(7), hour(8)));
            in.pipeInput(null, billed("b-2", resource(0), "0.02", hour(7), hour(8)));

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(out).extracting(CostRecord::getCostSource)
                    .containsExactly("metered", "estimate-reversal", "billing", "billing", "billing");
            assertThat(out).extracting(CostRecord::getEffectiveCost).containsExactly(Money.of("1.0"),
                    Money.of("-1.0"), Money.of("1.10"), Money.of("-0.05"), Money.of("0.02"));
            assertThat(out).allSatisfy(c -> assertThat(c.getEstimateSku()).isEqualTo(PRICE_ID));
            assertThat(sum(out)).isEqualByComparingTo("1.07");
            assertThat(fixture.count(EstimateSupersession.REVERSALS)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldPassRowsWithoutResourceSkuOrUsageCategoryThroughUntouched() {
        try (TopologyFixture fixture = fixture(Map.of())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            ObjectNode noResource = meteredRow("m-no-resource", resource(0), 1_000_000L, hour(1), hour(2));
            noResource.remove("ResourceId");
            ObjectNode billNoResource = billedRow("b-no-resource", resource(0), "0.5", hour(1), hour(2));
            billNoResource.remove("ResourceId");
            ObjectNode tax = billedRow("tax", resource(0), "0.1", hour(1), hour(2));
            tax.put("ChargeCategory", "Tax");
            ObjectNode noSku = billedRow("b-no-sku", resource(0), "0.3", hour(1), hour(2));
            noSku.remove(List.of("SkuId", "SkuPriceId"));
            in.pipeInput(null, metered("m-1", resource(0), 1_000_000L, hour(1), hour(2)));
            for (ObjectNode row : List.of(noResource, billNoResource, tax, noSku)) {
                in.pipeInput(null, TestRows.bytes(row));
            }

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(out).extracting(CostRecord::getChargeId)
                    .containsExactlyInAnyOrder("m-1", "m-no-resource", "b-no-resource", "tax", "b-no-sku");
            assertThat(out).filteredOn(c -> !c.getChargeId().equals("m-1"))
                    .allSatisfy(c -> assertThat(c.getEstimateSku()).isNull());
            assertThat(sum(out)).as("0.4 + 0.4 + 0.5 + 0.1 + 0.3, nothing superseded").isEqualByComparingTo("1.7");
            assertThat(fixture.count(EstimateSupersession.REVERSALS)).isZero();
        }
    }

    @Test
    void shouldReportAnEstimateHourStillUnbilledOnceTheBillLagHasPassedAndKeepCountingIt() {
        try (TopologyFixture fixture = fixture(Map.of("spendstream.estimates.bill-lag", "1d"))) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            Instant now = TopologyFixture.START;
            in.pipeInput(null, metered("m-1", resource(0), 1_000_000L, hour(9), hour(10)), now.minus(Duration.ofHours(3)));
            in.pipeInput(null, metered("m-2", resource(1), 1_000_000L, hour(9), hour(10)), now.minus(Duration.ofHours(3)));
            in.pipeInput(null, billed("b-2", resource(1), "0.41", hour(9), hour(10)), now.minus(Duration.ofHours(3)));
            // Hour 9 of 2026-11-22 ended at 10:00; with a 1d lag it is overdue from 2026-11-23T10:00 of stream time
            // (the raw rows' timestamps). Stream time an hour short of that sweeps and reports nothing.
            in.pipeInput(null, metered("m-3", resource(2), 1L, hour(20), hour(21)), now.minus(Duration.ofHours(1)));
            assertThat(fixture.count(EstimateSupersession.UNBILLED)).isZero();

            in.pipeInput(null, metered("m-4", resource(2), 1L, hour(21), hour(22)), now.plus(Duration.ofHours(1)));
            assertThat(fixture.count(EstimateSupersession.UNBILLED)).as("resource 0's hour 9, not the billed resource 1")
                    .isEqualTo(1.0);
            in.pipeInput(null, metered("m-5", resource(3), 1L, hour(22), hour(23)), now.plus(Duration.ofHours(12)));
            assertThat(fixture.count(EstimateSupersession.UNBILLED)).as("hours 20 and 21 of resource 2, hour 9 once")
                    .isEqualTo(3.0);

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(out).extracting(CostRecord::getChargeId).as("the unbilled estimate stays counted")
                    .contains("m-1");
            assertThat(out).filteredOn(c -> c.getCostSource().equals(EstimateSupersession.COST_SOURCE_REVERSAL))
                    .extracting(CostRecord::getResourceId).containsExactly(resource(1));
        }
    }

    @Test
    void shouldCountEstimateAndBillBothWhenSupersessionIsTurnedOff() {
        try (TopologyFixture fixture = fixture(Map.of(EstimateSettings.SUPERSEDE, "false"))) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            in.pipeInput(null, metered("m-1", resource(0), 2_500_000L, hour(7), hour(8)));
            in.pipeInput(null, billed("b-1", resource(0), "1.10", hour(7), hour(8)));

            assertThat(sum(fixture.output(fixture.topics().cost).readValuesToList())).isEqualByComparingTo("2.10");
            assertThat(fixture.topology().describe().toString())
                    .doesNotContain(IngestApp.ESTIMATE_REPARTITION).doesNotContain(IngestApp.ESTIMATE_STORE);
        }
    }

    @Test
    void shouldMatchOnSkuIdWhenConfiguredSoABillWithAnotherPriceIdStillSupersedes() {
        try (TopologyFixture fixture = fixture(Map.of(EstimateSettings.MATCH, "sku-id"))) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            in.pipeInput(null, metered("m-1", resource(0), 2_500_000L, hour(7), hour(8)));
            ObjectNode bill = billedRow("b-1", resource(0), "1.10", hour(7), hour(8));
            bill.put("SkuPriceId", "SQS.REQUESTS.TIERED");
            in.pipeInput(null, TestRows.bytes(bill));

            List<CostRecord> out = fixture.output(fixture.topics().cost).readValuesToList();
            assertThat(sum(out)).isEqualByComparingTo("1.10");
            assertThat(out).extracting(CostRecord::getEstimateSku).containsOnly("G95FST5FTYV3JSRX");
        }
    }

    static TopologyFixture fixture(Map<String, String> overrides) {
        TopologyFixture fixture = TopologyFixture.of(new IngestApp(), overrides);
        fixture.input(fixture.topics().prices).pipeInput(PRICE_ID, TestRows.utf8(
                "{\"unitPrice\":\"" + UNIT_PRICE + "\",\"currency\":\"USD\",\"pricingUnit\":\"Requests\"}"));
        return fixture;
    }

    static Instant hour(int h) {
        return DAY.plus(Duration.ofHours(h));
    }

    static String resource(int r) {
        return "arn:aws:sqs:us-west-2:347410479675:queue-" + r;
    }

    static byte[] metered(String lineItemId, String resource, long quantity, Instant start, Instant end) {
        return TestRows.bytes(meteredRow(lineItemId, resource, quantity, start, end));
    }

    static ObjectNode meteredRow(String lineItemId, String resource, long quantity, Instant start, Instant end) {
        ObjectNode row = row(lineItemId, resource, start, end);
        row.remove(List.of("EffectiveCost", "BilledCost", "ListCost", "BillingCurrency"));
        row.put("PricingQuantity", quantity);
        return row;
    }

    static byte[] billed(String lineItemId, String resource, String cost, Instant start, Instant end) {
        return TestRows.bytes(billedRow(lineItemId, resource, cost, start, end));
    }

    static ObjectNode billedRow(String lineItemId, String resource, String cost, Instant start, Instant end) {
        ObjectNode row = row(lineItemId, resource, start, end);
        row.put("EffectiveCost", cost);
        row.put("BilledCost", cost);
        row.remove("ListCost");
        return row;
    }

    private static ObjectNode row(String lineItemId, String resource, Instant start, Instant end) {
        ObjectNode row = TestRows.focus();
        row.put("x_LineItemId", lineItemId);
        row.put("ResourceId", resource);
        row.put("SkuPriceId", PRICE_ID);
        row.put("ChargePeriodStart", start.toString());
        row.put("ChargePeriodEnd", end.toString());
        return row;
    }

    static BigDecimal sum(List<CostRecord> records) {
        return records.stream().map(CostRecord::getEffectiveCost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
