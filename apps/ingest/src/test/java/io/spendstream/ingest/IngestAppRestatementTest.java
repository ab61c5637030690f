package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * Re-sends and restatements through the ingest topology: spend.cost always sums to the latest version of every
 * charge, exactly, and identical re-sends emit nothing.
 */
class IngestAppRestatementTest {

    private static final String SAMPLE_1000 = "focus_1.0_sample_1000.csv";
    private static final BigDecimal SAMPLE_EFFECTIVE_TOTAL = new BigDecimal("14.97651418586");

    @Test
    void shouldLeaveTheTotalUnchangedWhenTheSameFileIsLoadedTwice() {
        FocusCsv csv = FocusCsv.read(FocusData.file(SAMPLE_1000));
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestOutputTopic<String, CostRecord> cost = fixture.output(fixture.topics().cost);
            load(fixture, csv, Map.of());
            List<CostRecord> first = cost.readValuesToList();
            load(fixture, csv, Map.of());
            List<CostRecord> second = cost.readValuesToList();

            assertThat(first).hasSize(1000);
            assertThat(second).as("an identical re-send emits nothing").isEmpty();
            assertThat(sum(first, CostRecord::getEffectiveCost)).isEqualByComparingTo(csvSum(csv, "EffectiveCost"))
                    .isEqualByComparingTo(SAMPLE_EFFECTIVE_TOTAL);
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isEqualTo(1000.0);
            assertThat(fixture.count(RestatementProcessor.RESTATEMENTS)).isZero();
            assertThat(fixture.count("spendstream.records.in", "stage", "ingest")).as("in = out + duplicates")
                    .isEqualTo(2000.0)
                    .isEqualTo(fixture.count("spendstream.records.out", "topic", fixture.topics().cost.name())
                            + fixture.count(RestatementProcessor.DUPLICATES));
            assertThat(fixture.count("spendstream.records.dead.lettered")).isZero();
        }
    }

    @Test
    void shouldMoveTheTotalByExactlyTheDifferencesOfTenRestatedRows() {
        FocusCsv csv = FocusCsv.read(FocusData.file(SAMPLE_1000));
        Map<Integer, BigDecimal> restated = new LinkedHashMap<>();
        BigDecimal expectedEffectiveDelta = BigDecimal.ZERO;
        BigDecimal expectedBilledDelta = BigDecimal.ZERO;
        List<Integer> costly = java.util.stream.IntStream.range(0, csv.rows().size())
                // Positive costs: a refund row (negative quantity) restated to a positive cost would be dead-lettered.
                .filter(i -> new BigDecimal(csv.cell(csv.rows().get(i), "EffectiveCost")).signum() > 0
                        && new BigDecimal(csv.cell(csv.rows().get(i), "BilledCost")).signum() > 0)
                .boxed().toList();
        for (int i = 0; i < 10; i++) {
            int index = costly.get(i * costly.size() / 10);
            // Up, down, to zero and negative, with up to 11 decimal places as in the export.
            BigDecimal newCost = switch (i % 4) {
                case 0 -> new BigDecimal("12.34567890123").multiply(BigDecimal.valueOf(i + 1));
                case 1 -> new BigDecimal("0.00000000001");
                case 2 -> BigDecimal.ZERO;
                default -> new BigDecimal("-3.5");
            };
            restated.put(index, newCost);
            FocusCsv.Row row = csv.rows().get(index);
            expectedEffectiveDelta = expectedEffectiveDelta.add(newCost.subtract(new BigDecimal(csv.cell(row, "EffectiveCost"))));
            expectedBilledDelta = expectedBilledDelta.add(newCost.subtract(new BigDecimal(csv.cell(row, "BilledCost"))));
        }

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestOutputTopic<String, CostRecord> cost = fixture.output(fixture.topics().cost);
            load(fixture, csv, Map.of());
            List<CostRecord> first = cost.readValuesToList();
            load(fixture, csv, restated);
            List<CostRecord> second = cost.readValuesToList();

            assertThat(fixture.output(fixture.topics().dlq).isEmpty()).isTrue();
            assertThat(second).hasSize(10).allSatisfy(delta -> assertThat(delta.getRevision()).isEqualTo(2));
            assertThat(sum(second, CostRecord::getEffectiveCost)).isEqualByComparingTo(expectedEffectiveDelta);
            assertThat(sum(first, CostRecord::getEffectiveCost).add(sum(second, CostRecord::getEffectiveCost)))
                    .as("total after the restatement")
                    .isEqualByComparingTo(SAMPLE_EFFECTIVE_TOTAL.add(expectedEffectiveDelta));
            assertThat(sum(first, CostRecord::getBilledCost).add(sum(second, CostRecord::getBilledCost)))
                    .isEqualByComparingTo(csvSum(csv, "BilledCost").add(expectedBilledDelta));
            for (CostRecord delta : second) {
                CostRecord original = first.stream().filter(c -> c.getChargeId().equals(delta.getChargeId()))
                        .findFirst().orElseThrow();
                assertThat(original.getEffectiveCost().add(delta.getEffectiveCost()))
                        .as("first version + difference = restated cost of %s", delta.getChargeId())
                        .isIn(restated.values().stream().map(Money::of).toList());
                assertThat(delta.getOriginalEffectiveCost()).isEqualTo(delta.getEffectiveCost());
                assertThat(delta.getOriginalCurrency()).isEqualTo("USD");
            }
            assertThat(fixture.count(RestatementProcessor.RESTATEMENTS)).isEqualTo(10.0);
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isEqualTo(990.0);
        }
    }

    @Test
    void shouldRestateTheSameChargeRepeatedlyWithIncreasingRevisions() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            TestOutputTopic<String, CostRecord> cost = fixture.output(fixture.topics().cost);
            in.pipeInput(TestRows.utf8("a"), version("10.00", "12.00", "15.00"));
            in.pipeInput(TestRows.utf8("b"), version("10.25", "12.00", null));
            in.pipeInput(TestRows.utf8("c"), version("10.25", "12.00", null));
            in.pipeInput(TestRows.utf8("d"), version("9.999999999999", "12.50", "15.00"));

            List<CostRecord> out = cost.readValuesToList();
            assertThat(out).extracting(CostRecord::getRevision).containsExactly(1, 2, 3);
            assertThat(out).extracting(CostRecord::getEffectiveCost)
                    .containsExactly(Money.of("10.00"), Money.of("0.25"), Money.of("-0.250000000001"));
            assertThat(out).extracting(CostRecord::getBilledCost)
                    .containsExactly(Money.of("12.00"), Money.of("0"), Money.of("0.50"));
            assertThat(out).extracting(CostRecord::getListCost)
                    .as("ListCost dropped, then back").containsExactly(Money.of("15.00"), Money.of("-15.00"),
                            Money.of("15.00"));
            assertThat(sum(out, CostRecord::getEffectiveCost)).isEqualByComparingTo("9.999999999999");
            assertThat(out).extracting(CostRecord::getChargeId).containsOnly("line-1");
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isEqualTo(1.0);
            assertThat(fixture.count("spendstream.records.out", "topic", fixture.topics().cost.name())).isEqualTo(3.0);
        }
    }

    @Test
    void shouldForgetAChargeIdentityAfterTheConfiguredRetention() {
        Instant start = TopologyFixture.START;
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp(),
                Map.of(IngestSettings.IDENTITY_RETENTION, "2h"))) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            TestOutputTopic<String, CostRecord> cost = fixture.output(fixture.topics().cost);
            byte[] row = version("10.00", "10.00", null);

            in.pipeInput(null, row, start);
            in.pipeInput(null, row, start.plus(Duration.ofMinutes(80)));
            assertThat(cost.readValuesToList()).as("re-sent within retention").hasSize(1);

            // Last seen at +80m; the stream time reaches +3h30m, more than 2h later, and the sweep forgets the charge.
            ObjectNode other = TestRows.focus();
            other.put("x_LineItemId", "line-2");
            in.pipeInput(null, TestRows.bytes(other), start.plus(Duration.ofMinutes(210)));
            assertThat(fixture.count(RestatementProcessor.EXPIRED)).isEqualTo(1.0);
            in.pipeInput(null, row, start.plus(Duration.ofMinutes(211)));

            List<CostRecord> out = cost.readValuesToList();
            assertThat(out).extracting(CostRecord::getChargeId).containsExactly("line-2", "line-1");
            assertThat(out.get(1).getRevision()).as("counted afresh after expiry").isEqualTo(1);
            assertThat(fixture.count(RestatementProcessor.DUPLICATES)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldRefuseAnIdentityRetentionShorterThanAnHour() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopologyFixture.of(new IngestApp(),
                Map.of(IngestSettings.IDENTITY_RETENTION, "30m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(IngestSettings.IDENTITY_RETENTION);
    }

    /** One version of charge {@code line-1}; a null ListCost leaves the column out. */
    private static byte[] version(String effectiveCost, String billedCost, String listCost) {
        ObjectNode row = TestRows.focus();
        row.put("x_LineItemId", "line-1");
        row.put("EffectiveCost", effectiveCost);
        row.put("BilledCost", billedCost);
        if (listCost == null) {
            row.remove("ListCost");
        } else {
            row.put("ListCost", listCost);
        }
        return TestRows.bytes(row);
    }

    /** Pipes every row of the file; {@code restated} replaces EffectiveCost and BilledCost of some rows by index. */
    private static void load(TopologyFixture fixture, FocusCsv csv, Map<Integer, BigDecimal> restated) {
        TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
        for (int i = 0; i < csv.rows().size(); i++) {
            ObjectNode json = csv.toJson(csv.rows().get(i));
            BigDecimal newCost = restated.get(i);
            if (newCost != null) {
                json.put("EffectiveCost", newCost);
                json.put("BilledCost", newCost.toPlainString());
            }
            in.pipeInput(null, FocusCsv.bytes(json));
        }
    }

    private static BigDecimal csvSum(FocusCsv csv, String column) {
        return csv.rows().stream().map(r -> new BigDecimal(csv.cell(r, column))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sum(List<CostRecord> records, java.util.function.Function<CostRecord, BigDecimal> amount) {
        return records.stream().map(amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
