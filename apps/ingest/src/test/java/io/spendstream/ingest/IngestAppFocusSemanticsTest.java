package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/**
 * FOCUS semantics that move money, through the ingest topology built from the production config: EffectiveCost is
 * the cost that counts, so a commitment Purchase and its amortised Usage are counted once; Credits are negative; Tax
 * counts; a Correction is a delta of its own; FOCUS 1.3 rows (provider columns, ContractApplied, split cost
 * allocation) load with every money column exact.
 */
class IngestAppFocusSemanticsTest {

    private static final String SAAS = "focus_1.2_spec_saas_spend_agreements_b2.csv";

    /**
     * The FOCUS 1.3 sample in this module's test resources, built from the specification's examples (FinOps FOCUS_Spec
     * repository, FOCUS 1.3):
     * <ul>
     *   <li>rows 1-3: a commitment Purchase (EffectiveCost 0, "MUST be 0 when ChargeCategory is Purchase and the
     *       purchase is intended to cover future eligible charges", column EffectiveCost) and its amortised Used and
     *       Unused Usage rows (CommitmentDiscountStatus);</li>
     *   <li>rows 4-5: Tax and Credit (column ChargeCategory; a Credit's EffectiveCost matches its BilledCost);</li>
     *   <li>rows 6-7: two allocated charges of one origin charge, section "Data Generator-Calculated Split Cost
     *       Allocation Handling" (attribute, introduced in 1.3) with the columns AllocatedMethodId,
     *       AllocatedMethodDetails (its Object Example: AllocatedRatio / UsageUnit / UsageQuantity elements),
     *       AllocatedResourceId, AllocatedResourceName and AllocatedTags; the AllocatedRatio of the two sum to 1;</li>
     *   <li>row 8: a marketplace charge with ServiceProviderName (seller) apart from HostProviderName and
     *       InvoiceIssuerName, and ContractApplied (column ContractApplied, Elements with ContractCommitmentID and
     *       ContractCommitmentAppliedCost; the SaaS spend agreement example's contract C-004);</li>
     *   <li>rows 9-12: Appendix "Correction Handling Examples", "Corrections to Closed Billing Period", Scenario 1
     *       (partial reallocation): the original May 2025 row and the Ledger-style correction issued in June
     *       (negation of R-111, corrected R-111, corrected R-222, ChargeClass Correction). The original and its
     *       negation share an x_LineItemId here, to show a correction never replaces the row it corrects.</li>
     * </ul>
     */
    private static final String FOCUS_13_SAMPLE = "/focus/focus_1.3_sample.csv";

    static FocusCsv focus13() {
        try {
            return FocusCsv.read(Path.of(IngestAppFocusSemanticsTest.class.getResource(FOCUS_13_SAMPLE).toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldCountACommitmentPurchaseOnlyThroughItsAmortisedUsage() {
        FocusCsv saas = FocusCsv.read(FocusData.file(SAAS));
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, saas.rows().stream().map(saas::toJson).toList());

            BigDecimal usageOnly = sumWhere(saas, "Usage", "EffectiveCost");
            assertThat(usageOnly).as("amortised usage and unused fees of the 1200 prepaid").isEqualByComparingTo("1200");
            assertThat(sum(cost, CostRecord::getEffectiveCost)).as("EffectiveCost over spend.cost")
                    .isEqualByComparingTo(usageOnly);
            List<CostRecord> purchases = cost.stream().filter(c -> "Purchase".equals(c.getChargeCategory())).toList();
            assertThat(purchases).hasSize(1);
            assertThat(purchases.get(0).getEffectiveCost()).isEqualByComparingTo("0");
            assertThat(purchases.get(0).getBilledCost()).as("the payment itself is kept as billed")
                    .isEqualByComparingTo("1200");
        }
        FocusCsv sample = focus13();
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, sample.rows().subList(0, 3).stream().map(sample::toJson).toList());
            assertThat(sum(cost, CostRecord::getEffectiveCost)).as("1.00 used + 0.25 unused; the 10950 purchase adds 0")
                    .isEqualByComparingTo("1.25");
            assertThat(cost).extracting(CostRecord::getCommitmentDiscountStatus).containsExactly(null, "Used", "Unused");
            assertThat(cost).extracting(CostRecord::getCommitmentDiscountId).containsOnly("CD-1");
        }
    }

    @Test
    void shouldDeadLetterACommitmentPurchaseThatIsNotAmortisedInsteadOfCountingItTwice() {
        ObjectNode purchase = row("Purchase", "1200.00", "1200.00");
        purchase.put("CommitmentDiscountId", "CD-1");
        ObjectNode amortised = row("Usage", "1200.00", "0");
        amortised.put("CommitmentDiscountId", "CD-1");
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, List.of(purchase, amortised));
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();

            assertThat(dead).extracting(DeadLetter::getReason).containsExactly(Ingest.UNAMORTISED_PURCHASE);
            assertThat(sum(cost, CostRecord::getEffectiveCost)).isEqualByComparingTo("1200.00");
        }
    }

    @Test
    void shouldCountACreditAsNegativeSpend() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, List.of(row("Usage", "10.00", "10.00"),
                    row("Credit", "-2.50", "-2.50"), row("credit", "-0.50", null)));

            assertThat(cost).extracting(CostRecord::getChargeCategory).containsExactly("Usage", "Credit", "Credit");
            assertThat(sum(cost.subList(1, 3), CostRecord::getEffectiveCost)).isEqualByComparingTo("-3.00");
            assertThat(sum(cost, CostRecord::getEffectiveCost)).isEqualByComparingTo("7.00");
            assertThat(fixture.count("spendstream.records.dead.lettered")).isZero();
        }
    }

    @Test
    void shouldCountTaxAsCharged() {
        ObjectNode tax = row("Tax", "0.80", "0.80");
        tax.remove(List.of("ResourceId", "SkuId", "SkuPriceId", "PricingQuantity", "PricingUnit"));
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, List.of(row("Usage", "10.00", "10.00"), tax));

            assertThat(cost.get(1).getChargeCategory()).isEqualTo("Tax");
            assertThat(cost.get(1).getEffectiveCost()).isEqualByComparingTo("0.80");
            assertThat(cost.get(1).getBilledCost()).isEqualByComparingTo("0.80");
            assertThat(sum(cost, CostRecord::getEffectiveCost)).isEqualByComparingTo("10.80");
        }
    }

    /**
     * A correction reuses every identifying column of the row it corrects (even its line-item id here) and names a
     * later billing period: it is a delta of its own, so the original stays counted and the restatement counter does
     * not move. A ledger-style reversal and re-charge with the same description are two corrections, not one.
     */
    @Test
    void shouldCountACorrectionAsItsOwnDeltaWithoutReplacingTheRowItCorrects() {
        ObjectNode original = row("Usage", "1500", "1500");
        original.put("x_LineItemId", "LI-1");
        original.put("BillingPeriodStart", "2026-10-01T00:00:00Z");
        ObjectNode decrement = original.deepCopy();
        decrement.put("ChargeClass", "Correction");
        decrement.put("BillingPeriodStart", "2026-11-01T00:00:00Z");
        decrement.put("EffectiveCost", "-300");
        decrement.put("BilledCost", "-300");
        decrement.put("PricingQuantity", "-200");
        ObjectNode reversal = row("Usage", "-1500", "-1500");
        reversal.put("ChargeClass", "Correction");
        reversal.put("BillingPeriodStart", "2026-11-01T00:00:00Z");
        reversal.put("PricingQuantity", "-1000");
        ObjectNode recharge = reversal.deepCopy();
        recharge.put("EffectiveCost", "1200");
        recharge.put("BilledCost", "1200");
        recharge.put("PricingQuantity", "800");
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, List.of(original, decrement, reversal, recharge));

            assertThat(cost).hasSize(4);
            assertThat(cost).extracting(CostRecord::getChargeId).doesNotHaveDuplicates();
            assertThat(cost.get(1).getChargeId()).isEqualTo("LI-1#correction@2026-11-01T00:00:00Z:credit");
            assertThat(cost).extracting(CostRecord::getChargeClass)
                    .containsExactly(null, "Correction", "Correction", "Correction");
            assertThat(cost).extracting(CostRecord::getRevision).containsOnly(1);
            assertThat(sum(cost.subList(0, 2), CostRecord::getEffectiveCost)).as("original + its delta")
                    .isEqualByComparingTo("1200");
            assertThat(sum(cost.subList(2, 4), CostRecord::getEffectiveCost)).as("reversal + re-charge")
                    .isEqualByComparingTo("-300");
            assertThat(fixture.count(RestatementProcessor.RESTATEMENTS)).isZero();

            // The same correction delivered again is recognised as a re-send, not counted twice.
            load(fixture, List.of(decrement));
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldLoadTheFocus13SampleWithEveryMoneyColumnExact() {
        FocusCsv csv = focus13();
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, csv.rows().stream().map(csv::toJson).toList());

            assertThat(fixture.output(fixture.topics().dlq).readValuesToList()).isEmpty();
            assertThat(cost).hasSize(csv.rows().size()).hasSize(12);
            for (int i = 0; i < cost.size(); i++) {
                FocusCsv.Row row = csv.rows().get(i);
                CostRecord record = cost.get(i);
                String line = "line " + row.line();
                assertThat(record.getEffectiveCost()).as(line).isEqualTo(Money.of(csv.cell(row, "EffectiveCost")));
                assertThat(record.getBilledCost()).as(line).isEqualTo(Money.of(csv.cell(row, "BilledCost")));
                assertThat(record.getListCost()).as(line).isEqualTo(Money.of(csv.cell(row, "ListCost")));
                assertThat(record.getOriginalEffectiveCost()).as(line).isEqualTo(record.getEffectiveCost());
                assertThat(record.getCurrency()).as(line).isEqualTo("USD");
                assertThat(record.getOriginalCurrency()).as(line).isEqualTo("USD");
                assertThat(record.getRevision()).as(line).isEqualTo(1);
            }
            assertThat(sum(cost, CostRecord::getEffectiveCost))
                    .as("0 + 1 + 0.25 + 0.10 - 0.50 + 3 + 2 + 4 + 1500 - 1500 + 1200 + 300")
                    .isEqualByComparingTo("1509.85");
            assertThat(sum(cost, CostRecord::getBilledCost)).isEqualByComparingTo("12458.60");
            assertThat(sum(cost, CostRecord::getListCost)).isEqualByComparingTo("12961.00");
            assertThat(sum(cost.subList(8, 12), CostRecord::getEffectiveCost))
                    .as("the corrected May charge: 1200 on R-111 + 300 on R-222").isEqualByComparingTo("1500");
            assertThat(fixture.count(RestatementProcessor.RESTATEMENTS)).isZero();
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isZero();
        }
    }

    @Test
    void shouldCarryTheFocus13ProviderContractAndAllocationColumns() {
        FocusCsv csv = focus13();
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, csv.rows().stream().map(csv::toJson).toList());

            CostRecord marketplace = cost.get(7);
            assertThat(marketplace.getServiceProviderName()).isEqualTo("Acme Co");
            assertThat(marketplace.getHostProviderName()).isEqualTo("Aura Web");
            assertThat(marketplace.getProviderName()).as("deprecated ProviderName absent: ServiceProviderName")
                    .isEqualTo("Acme Co");
            assertThat(marketplace.getContractApplied()).isEqualTo("{\"Elements\":[{\"ContractID\":\"C-004\","
                    + "\"ContractCommitmentID\":\"C-004-0\",\"ContractCommitmentAppliedCost\":4.00}]}");
            assertThat(marketplace.getProviderSplit()).isFalse();

            CostRecord checkout = cost.get(5);
            CostRecord search = cost.get(6);
            assertThat(checkout.getProviderSplit()).isTrue();
            assertThat(search.getProviderSplit()).isTrue();
            assertThat(checkout.getResourceId()).as("the origin charge's resource").isEqualTo("cluster-1/node-1");
            assertThat(checkout.getAllocatedResourceId()).isEqualTo("cluster-1/ns/checkout");
            assertThat(checkout.getAllocatedResourceName()).isEqualTo("checkout");
            assertThat(checkout.getAllocatedMethodId()).isEqualTo("CPU-MEMORY-RATIO");
            assertThat(checkout.getAllocatedMethodDetails()).startsWith("{\"Elements\":[{\"AllocatedRatio\":0.45,");
            assertThat(checkout.getAllocatedTags()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("team", "payments", "service", "checkout"));
            assertThat(checkout.getTags()).containsEntry("shared", "true");
            assertThat(search.getAllocatedTags()).containsEntry("team", "discovery");
            assertThat(checkout.getChargeId()).as("two allocated charges of one origin charge are two charges")
                    .isNotEqualTo(search.getChargeId());
            assertThat(cost.get(1).getProviderSplit()).isFalse();
            assertThat(cost.get(1).getAllocatedTags()).isEmpty();
        }
    }

    /** A row without EffectiveCost is counted at its BilledCost, except where that would miss the amortisation. */
    @Test
    void shouldDeadLetterAPurchaseWithoutEffectiveCostRatherThanCountItsPayment() {
        ObjectNode purchase = row("Purchase", null, "1200.00");
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            List<CostRecord> cost = load(fixture, List.of(purchase, row("Adjustment", null, "-0.25")));
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();

            assertThat(dead).extracting(DeadLetter::getReason).containsExactly(Ingest.MISSING_EFFECTIVE_COST);
            assertThat(dead.get(0).getMessage()).contains("Purchase row");
            assertThat(cost).hasSize(1);
            assertThat(cost.get(0).getChargeCategory()).isEqualTo("Adjustment");
            assertThat(cost.get(0).getEffectiveCost()).as("an adjustment counts at its BilledCost, negative too")
                    .isEqualByComparingTo("-0.25");
        }
    }

    /** A row of {@link TestRows#focus()} with another category and cost columns (null removes the column). */
    private static ObjectNode row(String category, String effectiveCost, String billedCost) {
        ObjectNode row = TestRows.focus();
        row.put("ChargeCategory", category);
        row.put("ChargeDescription", category + " " + effectiveCost + " " + billedCost);
        row.remove("ListCost");
        putOrRemove(row, "EffectiveCost", effectiveCost);
        putOrRemove(row, "BilledCost", billedCost);
        return row;
    }

    private static void putOrRemove(ObjectNode row, String column, String value) {
        if (value == null) {
            row.remove(column);
        } else {
            row.put(column, value);
        }
    }

    private static List<CostRecord> load(TopologyFixture fixture, List<ObjectNode> rows) {
        TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
        rows.forEach(row -> in.pipeInput(null, TestRows.bytes(row)));
        return fixture.output(fixture.topics().cost).readValuesToList();
    }

    private static BigDecimal sum(List<CostRecord> records, Function<CostRecord, BigDecimal> amount) {
        return records.stream().map(amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sumWhere(FocusCsv csv, String category, String column) {
        return csv.rows().stream().filter(r -> category.equals(csv.cell(r, "ChargeCategory")))
                .map(r -> new BigDecimal(csv.cell(r, column))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
