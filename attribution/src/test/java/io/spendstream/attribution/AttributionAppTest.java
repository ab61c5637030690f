package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.apm;
import static io.spendstream.attribution.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class AttributionAppTest {

    private static final Instant T0 = TopologyFixture.START;

    private TopologyFixture fixture;
    private TestInputTopic<String, AttributedCost> costs;
    private TestInputTopic<String, ApmRecord> apm;
    private TestOutputTopic<String, UnitCost> unitCost;
    private TestOutputTopic<byte[], DeadLetter> dlq;

    @BeforeEach
    void start() {
        // A short grace keeps the lateness tests readable; the default (2d) is checked in AttributionSettingsTest.
        fixture = TopologyFixture.of(new AttributionApp(), Map.of(AttributionSettings.GRACE, "10m"));
        costs = fixture.input(fixture.topics().costAttributed);
        apm = fixture.input(fixture.topics().apm);
        unitCost = fixture.output(fixture.topics().unitCost);
        dlq = fixture.output(fixture.topics().dlq);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldComputeExactCostPerRequestForCostAndTrafficInOneWindow() {
        pipeCost(cost("checkout", "0.30", T0.plusSeconds(5), Duration.ofSeconds(10)));
        pipeApm(withLatency(apm("checkout", T0.plusSeconds(10), 1000, 0), 100.0));
        pipeApm(withLatency(apm("checkout", T0.plusSeconds(20), 3000, 0), 200.0));

        UnitCost last = lastOf(unitCost.readValuesToList());
        assertThat(last.getService()).isEqualTo("checkout");
        assertThat(last.getWindowStart()).isEqualTo(T0);
        assertThat(last.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
        assertThat(last.getWindowSize()).isEqualTo("PT1M");
        assertThat(last.getCurrency()).isEqualTo("USD");
        assertThat(last.getCost()).isEqualTo(Money.of("0.30"));
        assertThat(last.getRequests()).isEqualTo(4000);
        assertThat(last.getCostPerRequest()).isEqualTo(Money.of("0.000075"));
        assertThat(last.getCostPerSuccessfulRequest()).isEqualTo(Money.of("0.000075"));
        assertThat(last.getLatencyP95Ms()).as("request-weighted mean of p95s").isEqualTo(175.0);
        assertThat(last.getCostRecords()).isEqualTo(1);
        assertThat(last.getApmRecords()).isEqualTo(2);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldEmitAnUpdateEachTimeTheWindowChanges() {
        pipeCost(cost("checkout", "1.00", T0, Duration.ofSeconds(30)));
        List<UnitCost> first = unitCost.readValuesToList();
        assertThat(first).singleElement().satisfies(u -> {
            assertThat(u.getCost()).isEqualTo(Money.of("1.00"));
            assertThat(u.getRequests()).isZero();
        });

        pipeApm(apm("checkout", T0.plusSeconds(10), 200, 0));
        List<UnitCost> second = unitCost.readValuesToList();
        assertThat(second).singleElement().satisfies(u -> {
            assertThat(u.getRequests()).isEqualTo(200);
            assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.005"));
        });

        pipeCost(cost("checkout", "1.00", T0.plusSeconds(30), Duration.ofSeconds(30)));
        assertThat(unitCost.readValuesToList()).singleElement()
                .satisfies(u -> assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.01")));
    }

    @Test
    void shouldSpreadHourlyRowOverSixtyMinuteWindowsThatSumToTheRow() {
        pipeCost(cost("search", "1.000000000007", T0, Duration.ofHours(1)));

        List<KeyValue<String, UnitCost>> out = unitCost.readKeyValuesToList();
        assertThat(out).hasSize(60);
        assertThat(out).extracting(kv -> kv.key).containsOnly("search");
        assertThat(out).extracting(kv -> kv.value.getWindowStart())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 60)
                        .mapToObj(i -> T0.plus(Duration.ofMinutes(i))).toList());
        assertThat(out.get(0).value.getCost()).isEqualTo(Money.of("0.016666666667"));
        assertThat(out.stream().map(kv -> kv.value.getCost()).reduce(Money.ZERO, Money::add))
                .isEqualTo(Money.of("1.000000000007"));
    }

    @Test
    void shouldDivideCostBySuccessfulRequestsOnly() {
        pipeCost(cost("checkout", "0.90", T0, Duration.ofSeconds(60)));
        pipeApm(apm("checkout", T0, 100, 10));

        UnitCost last = lastOf(unitCost.readValuesToList());
        assertThat(last.getErrors()).isEqualTo(10);
        assertThat(last.getCostPerRequest()).isEqualTo(Money.of("0.009"));
        assertThat(last.getCostPerSuccessfulRequest()).isEqualTo(Money.of("0.01"));
    }

    @Test
    void shouldLeaveRatiosNullWhenWindowHasNoRequests() {
        pipeCost(cost("batch", "5.00", T0, Duration.ofSeconds(60)));

        UnitCost last = lastOf(unitCost.readValuesToList());
        assertThat(last.getCost()).isEqualTo(Money.of("5.00"));
        assertThat(last.getCostPerRequest()).isNull();
        assertThat(last.getCostPerSuccessfulRequest()).isNull();
        assertThat(last.getCostPerConversion()).isNull();
        assertThat(last.getRevenuePerRequest()).isNull();
        assertThat(last.getLatencyP95Ms()).isNull();
        assertThat(last.getMargin()).isEqualTo(Money.of("-5.00"));
    }

    @Test
    void shouldComputeConversionsRevenueAndMargin() {
        pipeCost(cost("checkout", "10", T0, Duration.ofSeconds(60)));
        ApmRecord summary = apm("checkout", T0.plusSeconds(10), 400, 0);
        summary.setConversionCount(8L);
        summary.setRevenue(Money.of("250"));
        summary.setCurrency("USD");
        pipeApm(summary);

        UnitCost last = lastOf(unitCost.readValuesToList());
        assertThat(last.getConversionCount()).isEqualTo(8);
        assertThat(last.getRevenue()).isEqualTo(Money.of("250"));
        assertThat(last.getCostPerConversion()).isEqualTo(Money.of("1.25"));
        assertThat(last.getRevenuePerRequest()).isEqualTo(Money.of("0.625"));
        assertThat(last.getMargin()).isEqualTo(Money.of("240"));
    }

    @Test
    void shouldIncludeLateRecordWithinGraceAndCorrectTheWindow() {
        pipeCost(cost("checkout", "1", T0, Duration.ofSeconds(60)));
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(9)), 10, 0));
        unitCost.readValuesToList();

        pipeCost(cost("checkout", "2", T0.plusSeconds(30), Duration.ofSeconds(30)));

        assertThat(unitCost.readValuesToList()).singleElement().satisfies(u -> {
            assertThat(u.getWindowStart()).isEqualTo(T0);
            assertThat(u.getCost()).isEqualTo(Money.of("3"));
        });
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterRecordsBeyondGraceInsteadOfDroppingThem() {
        pipeCost(cost("checkout", "1", T0, Duration.ofSeconds(60)));
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(30)), 10, 0));
        unitCost.readValuesToList();

        AttributedCost late = cost("checkout", "7.5", T0.plus(Duration.ofMinutes(5)), Duration.ofHours(1));
        pipeCost(late);
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(19)), 10, 0));

        assertThat(unitCost.readValuesToList()).as("late records change no window").isEmpty();
        List<KeyValue<byte[], DeadLetter>> dead = dlq.readKeyValuesToList();
        assertThat(dead).hasSize(2);
        DeadLetter letter = dead.get(0).value;
        assertThat(letter.getReason()).isEqualTo("late");
        assertThat(letter.getPhase()).isEqualTo(FailurePhase.VALIDATION);
        assertThat(letter.getStage()).isEqualTo("attribution");
        assertThat(letter.getSourceTopic()).isEqualTo("spend.cost.attributed");
        assertThat(letter.getMessage()).contains("late", "2026-11-23T10:05:00Z", "PT10M");
        assertThat(fixture.topics().costAttributed.keySerde().deserializer()
                .deserialize("spend.cost.attributed", dead.get(0).key)).isEqualTo("checkout");
        assertThat(fixture.topics().costAttributed.valueSerde().deserializer()
                .deserialize("spend.cost.attributed", bytes(letter.getRawValue()))).isEqualTo(late);
        assertThat(dead.get(1).value.getReason()).isEqualTo("late");
        assertThat(dead.get(1).value.getSourceTopic()).isEqualTo("spend.apm");
        assertThat(fixture.count("spendstream.records.dead.lettered", "reason", "late")).isEqualTo(2.0);
        assertThat(droppedRecords()).as("Kafka Streams dropped nothing silently").isZero();
    }

    @Test
    void shouldKeepAcceptingCurrentRecordsAfterADailyRowReachesAheadOfStreamTime() {
        pipeCost(cost("platform", "14.40", T0, Duration.ofDays(1)));
        assertThat(unitCost.readValuesToList()).hasSize(1440);

        pipeApm(apm("platform", T0.plus(Duration.ofMinutes(2)), 100, 0));

        assertThat(unitCost.readValuesToList()).singleElement().satisfies(u -> {
            assertThat(u.getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
            assertThat(u.getCost()).isEqualTo(Money.of("0.01"));
            assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.0001"));
        });
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(droppedRecords()).isZero();
    }

    @Test
    void shouldReconcileTotalCostOfAllWindowsWithInputForThousandsOfRows() {
        Random random = new Random(7);
        List<String> services = List.of("checkout", "search", "cart", "unallocated");
        List<Duration> periods = List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofSeconds(150), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(2));
        BigDecimal input = Money.ZERO;
        Instant clock = T0;
        for (int i = 0; i < 3_000; i++) {
            clock = clock.plusMillis(random.nextInt(2_000));
            // Up to 5 minutes out of order: within the 10-minute grace, so every row counts.
            Instant start = clock.minusMillis(random.nextInt(300_000));
            int pick = random.nextInt(100);
            Duration period = periods.get(pick < 30 ? 0 : pick < 55 ? 1 : pick < 80 ? 2 : pick < 88 ? 3
                    : pick < 95 ? 4 : pick < 99 ? 5 : 6);
            BigDecimal amount = BigDecimal.valueOf(random.nextLong() % 100_000_000_000_000L, 12);
            input = Money.add(input, amount);
            String service = services.get(random.nextInt(services.size()));
            pipeCost(cost(service, amount.toPlainString(), start, period));
            if (i % 10 == 0) {
                pipeApm(apm(service, clock, random.nextInt(1_000), 0));
            }
        }

        Map<String, BigDecimal> finalCostByWindow = new HashMap<>();
        for (KeyValue<String, UnitCost> kv : unitCost.readKeyValuesToList()) {
            finalCostByWindow.put(kv.key + "@" + kv.value.getWindowStart(), kv.value.getCost());
        }
        BigDecimal output = finalCostByWindow.values().stream().reduce(Money.ZERO, Money::add);
        assertThat(output).isEqualTo(input);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(droppedRecords()).isZero();
        assertThat(fixture.count(ContributionProcessor.UNSPREAD_ROWS)).as("2-day rows booked whole").isPositive();
    }

    @Test
    void shouldDeadLetterKeylessRecordsInsteadOfLettingTheWindowSkipThem() {
        AttributedCost keyless = cost("checkout", "1", T0, Duration.ofSeconds(60));
        costs.pipeInput(null, keyless, T0);

        assertThat(unitCost.isEmpty()).isTrue();
        assertThat(dlq.readValuesToList()).singleElement()
                .satisfies(letter -> assertThat(letter.getReason()).isEqualTo("missing-key"));
        assertThat(droppedRecords()).isZero();
    }

    @Test
    void shouldUseConfiguredWindowGraceAndCurrency() {
        try (TopologyFixture custom = TopologyFixture.of(new AttributionApp(), Map.of(
                AttributionSettings.WINDOW, "5m", AttributionSettings.GRACE, "0s",
                AttributionSettings.CURRENCY, "EUR"))) {
            TestInputTopic<String, AttributedCost> in = custom.input(custom.topics().costAttributed);
            in.pipeInput("checkout", cost("checkout", "1.5", T0, Duration.ofMinutes(10)), T0);
            in.pipeInput("checkout", cost("checkout", "1", T0.plus(Duration.ofMinutes(5)), Duration.ofMinutes(1)),
                    T0.plus(Duration.ofMinutes(5)));
            in.pipeInput("checkout", cost("checkout", "9", T0.plus(Duration.ofMinutes(4)), Duration.ofMinutes(1)),
                    T0.plus(Duration.ofMinutes(4)));

            List<UnitCost> out = custom.output(custom.topics().unitCost).readValuesToList();
            assertThat(out).extracting(UnitCost::getWindowSize).containsOnly("PT5M");
            assertThat(out).extracting(UnitCost::getCurrency).containsOnly("EUR");
            assertThat(out).extracting(UnitCost::getCost)
                    .containsExactly(Money.of("0.75"), Money.of("0.75"), Money.of("1.75"));
            assertThat(custom.output(custom.topics().dlq).readValuesToList()).as("zero grace: 10:04 is late at 10:05")
                    .singleElement().satisfies(letter -> assertThat(letter.getReason()).isEqualTo("late"));
            assertThat(custom.topology().describe().toString()).contains("unit-cost-5m");
        }
    }

    @Test
    void shouldNameEveryStateStoreAndInternalTopic() {
        String description = fixture.topology().describe().toString();
        assertThat(description).contains("unit-cost-1m", LatenessGate.STREAM_TIME_STORE,
                        BurnRateProcessor.BUDGETS_STORE, BurnRateProcessor.SCOPES_STORE,
                        BurnRateProcessor.STREAM_TIME_STORE, ScopeSpend.BUCKETS_STORE, ScopeSpend.DAYS_STORE,
                        "burn-rate-by-scope-repartition", "allocation-by-day-repartition",
                        ShowbackProcessor.HOURS_STORE, ShowbackProcessor.DAYS_STORE)
                .doesNotContain("KSTREAM-", "KTABLE-");
    }

    private void pipeCost(AttributedCost value) {
        String key = value.getAttribution().getService() == null ? "unallocated" : value.getAttribution().getService();
        costs.pipeInput(key, value, value.getCost().getChargePeriodStart());
    }

    private void pipeApm(ApmRecord value) {
        apm.pipeInput(value.getService(), value, value.getWindowStart());
    }

    private static ApmRecord withLatency(ApmRecord record, double p95) {
        record.setLatencyP95Ms(p95);
        return record;
    }

    private static UnitCost lastOf(List<UnitCost> values) {
        assertThat(values).isNotEmpty();
        return values.get(values.size() - 1);
    }

    /** Kafka Streams' count of records it skipped (late for a window, null key, ...), summed over tasks. */
    private double droppedRecords() {
        List<Double> counts = fixture.driver().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total"))
                .map(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .toList();
        assertThat(counts).as("dropped-records-total is registered").isNotEmpty();
        return counts.stream().mapToDouble(Double::doubleValue).sum();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
