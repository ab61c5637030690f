package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/** Real FOCUS exports through the ingest topology: every row lands on spend.cost or spend.dlq, totals exact. */
class IngestAppFocusFilesTest {

    private static final String SAMPLE_1000 = "focus_1.0_sample_1000.csv";
    private static final String SAAS = "focus_1.2_spec_saas_spend_agreements_b2.csv";
    private static final String COMMITMENT_USAGE = "focus_1.2_spec_commitment_discount_usage_scenario_1.csv";
    private static final String FLEXIBILITY =
            "focus_1.2_spec_one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv";

    @Test
    void shouldLoadEveryRowOfTheFocus10SampleWithExactTotal() {
        FocusCsv csv = FocusCsv.read(FocusData.file(SAMPLE_1000));
        assertThat(csv.rows()).hasSize(1000);

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            Loaded loaded = load(fixture, csv, Map.of());

            assertThat(loaded.dead()).as("dead letters of a valid export").isEmpty();
            assertThat(loaded.cost()).hasSize(csv.rows().size());
            assertThat(sumEffectiveCost(loaded.cost())).isEqualByComparingTo(csvSum(csv, "EffectiveCost"))
                    .isEqualByComparingTo("14.97651418586");
            assertThat(sumBilledCost(loaded.cost())).isEqualByComparingTo(csvSum(csv, "BilledCost"));

            Set<String> chargeIds = new HashSet<>();
            for (TestRecord<String, CostRecord> record : loaded.cost()) {
                assertThat(record.key()).isEqualTo(record.value().getChargeId());
                assertThat(record.timestamp()).isEqualTo(record.value().getChargePeriodStart().toEpochMilli());
                chargeIds.add(record.key());
            }
            assertThat(chargeIds).as("distinct charge identities (the sample's Id column is unique)").hasSize(1000);

            CostRecord first = loaded.cost().get(0).value();
            assertThat(first.getChargePeriodStart()).isEqualTo(Instant.parse("2024-09-18T22:00:00Z"));
            assertThat(first.getChargePeriodEnd()).isEqualTo(Instant.parse("2024-09-18T23:00:00Z"));
            assertThat(first.getEffectiveCost()).isEqualTo(Money.of("0"));
            assertThat(first.getBilledCost()).isEqualTo(Money.of("0.00000080000"));
            assertThat(first.getServiceName()).isEqualTo("Amazon Simple Queue Service");
            assertThat(first.getSkuPriceId()).isEqualTo("G95FST5FTYV3JSRX.JRTCKXETXF.VXGXCWQKTY");
            assertThat(first.getPricingQuantity()).isEqualTo(Money.of("2"));
            assertThat(first.getCurrency()).isEqualTo("USD");
            assertThat(first.getTags()).isEmpty();
            CostRecord second = loaded.cost().get(1).value();
            assertThat(second.getTags()).containsEntry("application", "BrightLensMatrix")
                    .containsEntry("environment", "dev").containsEntry("business_unit", "ViennaAI");

            assertThat(fixture.count("spendstream.records.in", "stage", "ingest")).isEqualTo(1000.0);
            assertThat(fixture.count("spendstream.records.out", "topic", fixture.topics().cost.name()))
                    .isEqualTo(1000.0);
            assertThat(fixture.count("spendstream.records.dead.lettered")).isZero();
        }
    }

    @Test
    void shouldLoadTheFocus12SaasExampleWithUsStyleDates() {
        FocusCsv csv = FocusCsv.read(FocusData.file(SAAS));
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            Loaded loaded = load(fixture, csv, Map.of());

            assertThat(loaded.dead()).isEmpty();
            assertThat(loaded.cost()).hasSize(csv.rows().size()).hasSize(14);
            assertThat(sumEffectiveCost(loaded.cost())).isEqualByComparingTo(csvSum(csv, "EffectiveCost"))
                    .isEqualByComparingTo("1200");
            CostRecord purchase = loaded.cost().get(0).value();
            assertThat(purchase.getChargeCategory()).isEqualTo("Purchase");
            assertThat(purchase.getChargePeriodStart()).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
            assertThat(purchase.getChargePeriodEnd()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
            assertThat(purchase.getBilledCost()).isEqualTo(Money.of("1200"));
            assertThat(purchase.getEffectiveCost()).isEqualTo(Money.of("0"));
        }
    }

    /**
     * These two examples of the FOCUS 1.2 specification omit BillingCurrency, which FOCUS makes mandatory and
     * Spendstream needs: each row is dead-lettered as missing-field, none is lost.
     */
    @Test
    void shouldDeadLetterFocus12SpecExamplesThatLackBillingCurrency() {
        for (String file : List.of(COMMITMENT_USAGE, FLEXIBILITY)) {
            FocusCsv csv = FocusCsv.read(FocusData.file(file));
            try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
                Loaded loaded = load(fixture, csv, Map.of());

                assertThat(loaded.cost()).isEmpty();
                assertThat(loaded.dead()).hasSize(csv.rows().size());
                for (int i = 0; i < loaded.dead().size(); i++) {
                    DeadLetter dead = loaded.dead().get(i);
                    assertThat(dead.getReason()).isEqualTo(Ingest.MISSING_FIELD);
                    assertThat(dead.getMessage()).contains("BillingCurrency");
                    assertThat(bytes(dead)).isEqualTo(csv.toJsonBytes(csv.rows().get(i)));
                }
            }
        }
    }

    @Test
    void shouldLoadFocus12SpecExamplesOnceBillingCurrencyIsSupplied() {
        for (String file : List.of(COMMITMENT_USAGE, FLEXIBILITY)) {
            FocusCsv csv = FocusCsv.read(FocusData.file(file));
            try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
                Loaded loaded = load(fixture, csv, Map.of("BillingCurrency", "USD"));

                assertThat(loaded.dead()).as(file).isEmpty();
                assertThat(loaded.cost()).hasSize(csv.rows().size() - loaded.duplicates());
                assertThat(sumEffectiveCost(loaded.cost())).isEqualByComparingTo(distinctRowSum(csv, "EffectiveCost"));
                assertThat(sumBilledCost(loaded.cost())).isEqualByComparingTo(distinctRowSum(csv, "BilledCost"));
            }
        }
        FocusCsv flexibility = FocusCsv.read(FocusData.file(FLEXIBILITY));
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            CostRecord purchase = load(fixture, flexibility, Map.of("BillingCurrency", "USD")).cost().get(0).value();
            assertThat(purchase.getExtensions()).containsEntry("x_CommitmentDiscountUnitPrice", "2.00");
            assertThat(purchase.getSkuPriceId()).as("SkuPriceid, misspelt in the example")
                    .isEqualTo("VM_XLARGE_COMMITTED_PURCHASE_NO_UPFRONT");
            assertThat(purchase.getEffectiveCost()).isEqualTo(Money.of("0.00"));
            assertThat(purchase.getBilledCost()).isEqualTo(Money.of("2.00"));
        }
    }

    /**
     * The flexibility example lists the same charge twice (its two VMs are anonymised to one ResourceId, and it has
     * no line-item id), so the two rows share one identity: the second is an identical re-send, counted once.
     */
    @Test
    void shouldCountIdenticalRowsWithoutLineItemIdOnce() {
        FocusCsv flexibility = FocusCsv.read(FocusData.file(FLEXIBILITY));
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            Loaded loaded = load(fixture, flexibility, Map.of("BillingCurrency", "USD"));
            assertThat(flexibility.rows()).hasSize(3);
            assertThat(loaded.duplicates()).isEqualTo(1);
            assertThat(loaded.cost()).hasSize(2);
            assertThat(sumEffectiveCost(loaded.cost())).isEqualByComparingTo("1.00");
            assertThat(csvSum(flexibility, "EffectiveCost")).as("sum over rows, the repeated one twice")
                    .isEqualByComparingTo("2.00");
        }
    }

    private record Loaded(List<TestRecord<String, CostRecord>> cost, List<DeadLetter> dead, int duplicates) {
    }

    private static Loaded load(TopologyFixture fixture, FocusCsv csv, Map<String, String> extraColumns) {
        TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
        for (FocusCsv.Row row : csv.rows()) {
            ObjectNode json = csv.toJson(row);
            extraColumns.forEach(json::put);
            in.pipeInput(null, FocusCsv.bytes(json));
        }
        Loaded loaded = new Loaded(fixture.output(fixture.topics().cost).readRecordsToList(),
                fixture.output(fixture.topics().dlq).readValuesToList(),
                (int) fixture.count(RestatementProcessor.DUPLICATES));
        assertThat(loaded.cost().size() + loaded.dead().size() + loaded.duplicates()).as("rows accounted for")
                .isEqualTo(csv.rows().size());
        loaded.dead().forEach(d -> assertThat(d.getReason()).isNotBlank());
        return loaded;
    }

    private static BigDecimal csvSum(FocusCsv csv, String column) {
        return csv.rows().stream().map(r -> new BigDecimal(csv.cell(r, column))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Sum over the file's distinct rows: a row repeated verbatim is one charge. */
    private static BigDecimal distinctRowSum(FocusCsv csv, String column) {
        Set<String> seen = new HashSet<>();
        return csv.rows().stream().filter(r -> seen.add(csv.toJson(r).toString()))
                .map(r -> new BigDecimal(csv.cell(r, column))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sumEffectiveCost(List<TestRecord<String, CostRecord>> records) {
        return records.stream().map(r -> r.value().getEffectiveCost()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sumBilledCost(List<TestRecord<String, CostRecord>> records) {
        return records.stream().map(r -> r.value().getBilledCost()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static byte[] bytes(DeadLetter dead) {
        java.nio.ByteBuffer buffer = dead.getRawValue().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

}
