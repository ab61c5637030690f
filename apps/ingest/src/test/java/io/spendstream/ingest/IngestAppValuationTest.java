package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/** Currency conversion (spend.fx-rates) and metered pricing (spend.prices) through the ingest topology. */
class IngestAppValuationTest {

    @Test
    void shouldConvertEveryAmountToTheReportingCurrencyKeepingTheOriginal() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            rate(fixture, "EUR", "{\"rate\":\"1.0842\",\"asOf\":\"2026-11-23T00:00:00Z\"}");
            ObjectNode row = TestRows.focus();
            row.put("BillingCurrency", "EUR");
            row.put("EffectiveCost", "100.123456789");
            row.put("BilledCost", 200);
            row.put("ListCost", "0.5");
            usage(fixture).pipeInput(null, TestRows.bytes(row));

            CostRecord cost = costs(fixture).readValue();
            // 100.123456789 x 1.0842 = 108.5538518506338 exactly, rounded half-even to 12 places.
            assertThat(cost.getEffectiveCost()).isEqualTo(Money.of("108.553851850634"));
            assertThat(cost.getBilledCost()).isEqualTo(Money.of("216.84"));
            assertThat(cost.getListCost()).isEqualTo(Money.of("0.5421"));
            assertThat(cost.getCurrency()).isEqualTo("USD");
            assertThat(cost.getOriginalEffectiveCost()).isEqualTo(Money.of("100.123456789"));
            assertThat(cost.getOriginalCurrency()).isEqualTo("EUR");
            assertThat(cost.getCostSource()).isEqualTo(FocusRowParser.COST_SOURCE_BILLING);
        }
    }

    @Test
    void shouldRoundHalfEvenOnceAfterMultiplying() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            rate(fixture, "GBP", "{\"rate\":1.5}");
            rate(fixture, "CHF", "{\"rate\":\"0.5\"}");
            TestInputTopic<byte[], byte[]> in = usage(fixture);
            in.pipeInput(null, billed("a", "GBP", "0.000000000005"));
            in.pipeInput(null, billed("b", "CHF", "0.000000000005"));

            List<CostRecord> out = costs(fixture).readValuesToList();
            // 0.0000000000075 rounds up to ...08 (8 is even); 0.0000000000025 rounds down to ...02.
            assertThat(out).extracting(CostRecord::getEffectiveCost)
                    .containsExactly(Money.of("0.000000000008"), Money.of("0.000000000002"));
        }
    }

    @Test
    void shouldUseTheLatestRateAndDeadLetterACurrencyWhoseRateWasDeleted() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = usage(fixture);
            rate(fixture, "EUR", "{\"rate\":\"1.1\"}");
            in.pipeInput(null, billed("a", "EUR", "10"));
            rate(fixture, "EUR", "{\"rate\":\"1.2\"}");
            in.pipeInput(null, billed("b", "EUR", "10"));
            fixture.input(fixture.topics().fxRates).pipeInput("EUR", null);
            byte[] orphan = billed("c", "EUR", "10");
            in.pipeInput(null, orphan);

            assertThat(costs(fixture).readValuesToList()).extracting(CostRecord::getEffectiveCost)
                    .containsExactly(Money.of("11"), Money.of("12"));
            DeadLetter dead = fixture.output(fixture.topics().dlq).readValue();
            assertThat(dead.getReason()).isEqualTo(Ingest.UNKNOWN_CURRENCY);
            assertThat(dead.getMessage()).contains("BillingCurrency 'EUR'", "spend.fx-rates", "USD");
            assertThat(IngestAppFocusFilesTest.bytes(dead)).isEqualTo(orphan);
            assertThat(dead.getSourceTopic()).isEqualTo(fixture.topics().usageRaw.name());
        }
    }

    @Test
    void shouldHonourAConfiguredReportingCurrency() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp(),
                java.util.Map.of(IngestSettings.REPORTING_CURRENCY, "eur"))) {
            rate(fixture, "USD", "{\"rate\":\"0.92\"}");
            usage(fixture).pipeInput(null, billed("a", "EUR", "10"));
            usage(fixture).pipeInput(null, billed("b", "USD", "10"));

            List<CostRecord> out = costs(fixture).readValuesToList();
            assertThat(out).extracting(CostRecord::getEffectiveCost).containsExactly(Money.of("10"), Money.of("9.2"));
            assertThat(out).extracting(CostRecord::getCurrency).containsOnly("EUR");
        }
    }

    @Test
    void shouldPriceMeteredUsageExactlyFromSpendPrices() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            price(fixture, "SQS-REQ", "{\"unitPrice\":\"0.0000004\",\"currency\":\"USD\",\"pricingUnit\":\"Requests\"}");
            usage(fixture).pipeInput(null, metered("m-1", "SQS-REQ", "1234567"));

            CostRecord cost = costs(fixture).readValue();
            assertThat(cost.getEffectiveCost()).isEqualTo(Money.of("0.4938268"));
            assertThat(cost.getBilledCost()).isEqualTo(Money.of("0.4938268"));
            assertThat(cost.getListCost()).isNull();
            assertThat(cost.getOriginalEffectiveCost()).isEqualTo(Money.of("0.4938268"));
            assertThat(cost.getOriginalCurrency()).isEqualTo("USD");
            assertThat(cost.getCurrency()).isEqualTo("USD");
            assertThat(cost.getCostSource()).isEqualTo(FocusRowParser.COST_SOURCE_METERED);
            assertThat(cost.getPricingQuantity()).isEqualTo(Money.of("1234567"));
        }
    }

    @Test
    void shouldPriceEachRowWithThePriceStoredWhenItArrivesThoughParsedPricesAreKept() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = usage(fixture);
            price(fixture, "VM", "{\"unitPrice\":\"2\",\"currency\":\"USD\"}");
            in.pipeInput(null, metered("m-1", "VM", "10"));
            in.pipeInput(null, metered("m-2", "VM", "10"));
            price(fixture, "VM", "{\"unitPrice\":\"3\",\"currency\":\"USD\"}");
            in.pipeInput(null, metered("m-3", "VM", "10"));
            price(fixture, "VM", "{\"unitPrice\":\"-1\",\"currency\":\"USD\"}");
            in.pipeInput(null, metered("m-4", "VM", "10"));
            in.pipeInput(null, metered("m-5", "VM", "10"));
            price(fixture, "VM", "{\"unitPrice\":\"2\",\"currency\":\"USD\"}");
            in.pipeInput(null, metered("m-6", "VM", "10"));

            assertThat(costs(fixture).readValuesToList()).extracting(CostRecord::getEffectiveCost)
                    .containsExactly(Money.of("20"), Money.of("20"), Money.of("30"), Money.of("20"));
            // A malformed entry is never kept: every row that needs it is dead-lettered until it is fixed.
            assertThat(fixture.output(fixture.topics().dlq).readValuesToList()).extracting(DeadLetter::getReason)
                    .containsExactly(Ingest.INVALID_PRICE, Ingest.INVALID_PRICE);
        }
    }

    @Test
    void shouldPriceThenConvertMeteredUsageRoundingOnlyOnce() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            price(fixture, "TINY", "{\"unitPrice\":\"0.0000000000035\",\"currency\":\"EUR\"}");
            rate(fixture, "EUR", "{\"rate\":\"3\"}");
            usage(fixture).pipeInput(null, metered("m-1", "TINY", "1"));

            CostRecord cost = costs(fixture).readValue();
            // 1 x 0.0000000000035 x 3 = 0.0000000000105, rounded half-even: ...10. Rounding the EUR amount first
            // (...04) and converting that would give ...12.
            assertThat(cost.getEffectiveCost()).isEqualTo(Money.of("0.000000000010"));
            assertThat(cost.getOriginalEffectiveCost()).isEqualTo(Money.of("0.000000000004"));
            assertThat(cost.getOriginalCurrency()).isEqualTo("EUR");
        }
    }

    @Test
    void shouldNeverPriceUnknownMeteredUsageAtZero() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            byte[] row = metered("m-1", "NOT-PRICED", "5");
            usage(fixture).pipeInput(null, row);

            assertThat(costs(fixture).isEmpty()).isTrue();
            DeadLetter dead = fixture.output(fixture.topics().dlq).readValue();
            assertThat(dead.getReason()).isEqualTo(Ingest.UNKNOWN_PRICE);
            assertThat(IngestAppFocusFilesTest.bytes(dead)).isEqualTo(row);
            assertThat(fixture.count("spendstream.records.dead.lettered", "reason", Ingest.UNKNOWN_PRICE))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldKeepTheFirstValuationOfAnIdenticalResendAndConvertARestatementAtTheNewRate() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = usage(fixture);
            rate(fixture, "EUR", "{\"rate\":\"1.1\"}");
            in.pipeInput(null, billed("line-1", "EUR", "100"));
            rate(fixture, "EUR", "{\"rate\":\"1.2\"}");
            in.pipeInput(null, billed("line-1", "EUR", "100"));
            in.pipeInput(null, billed("line-1", "EUR", "150"));

            List<CostRecord> out = costs(fixture).readValuesToList();
            assertThat(out).extracting(CostRecord::getEffectiveCost)
                    .as("110, nothing for the identical re-send, then 150 x 1.2 - 110")
                    .containsExactly(Money.of("110"), Money.of("70"));
            assertThat(out).extracting(CostRecord::getOriginalEffectiveCost)
                    .containsExactly(Money.of("100"), Money.of("50"));
            assertThat(out).extracting(CostRecord::getOriginalCurrency).containsOnly("EUR");
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldExpressARestatementThatChangesCurrencyInTheReportingCurrency() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = usage(fixture);
            rate(fixture, "EUR", "{\"rate\":\"1.1\"}");
            in.pipeInput(null, billed("line-1", "EUR", "100"));
            in.pipeInput(null, billed("line-1", "USD", "100"));

            List<CostRecord> out = costs(fixture).readValuesToList();
            assertThat(out).extracting(CostRecord::getEffectiveCost).containsExactly(Money.of("110"), Money.of("-10"));
            assertThat(out.get(1).getOriginalEffectiveCost()).isEqualTo(Money.of("-10"));
            assertThat(out.get(1).getOriginalCurrency()).isEqualTo("USD");
        }
    }

    private static byte[] billed(String lineItemId, String currency, String effectiveCost) {
        ObjectNode row = TestRows.focus();
        row.put("x_LineItemId", lineItemId);
        row.put("BillingCurrency", currency);
        row.put("EffectiveCost", effectiveCost);
        row.remove(List.of("BilledCost", "ListCost"));
        return TestRows.bytes(row);
    }

    private static byte[] metered(String lineItemId, String skuPriceId, String quantity) {
        ObjectNode row = TestRows.focus();
        row.put("x_LineItemId", lineItemId);
        row.remove(List.of("EffectiveCost", "BilledCost", "ListCost", "BillingCurrency"));
        row.put("SkuPriceId", skuPriceId);
        row.put("PricingQuantity", quantity);
        return TestRows.bytes(row);
    }

    private static void rate(TopologyFixture fixture, String currency, String json) {
        fixture.input(fixture.topics().fxRates).pipeInput(currency, TestRows.utf8(json));
    }

    private static void price(TopologyFixture fixture, String skuPriceId, String json) {
        fixture.input(fixture.topics().prices).pipeInput(skuPriceId, TestRows.utf8(json));
    }

    private static TestInputTopic<byte[], byte[]> usage(TopologyFixture fixture) {
        return fixture.input(fixture.topics().usageRaw);
    }

    private static TestOutputTopic<String, CostRecord> costs(TopologyFixture fixture) {
        return fixture.output(fixture.topics().cost);
    }
}
