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

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons;
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

        Drained out = drain();
        UnitCost last = lastOf(out.minutes());
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
        UnitCost hour = lastOf(out.hours());
        assertThat(hour.getWindowStart()).isEqualTo(T0);
        assertThat(hour.getWindowEnd()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(hour.getWindowSize()).isEqualTo("PT1H");
        assertThat(hour.getCost()).isEqualTo(Money.of("0.30"));
        assertThat(hour.getRequests()).isEqualTo(4000);
        assertThat(hour.getCostPerRequest()).isEqualTo(Money.of("0.000075"));
        assertThat(hour.getLatencyP95Ms()).isEqualTo(175.0);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldEmitAnUpdateEachTimeTheWindowChanges() {
        pipeCost(cost("checkout", "1.00", T0, Duration.ofSeconds(30)));
        Drained first = drain();
        assertThat(first.hours()).singleElement()
                .satisfies(u -> assertThat(u.getCost()).isEqualTo(Money.of("1.00")));
        assertThat(first.minutes()).singleElement().satisfies(u -> {
            assertThat(u.getCost()).isEqualTo(Money.of("1.00"));
            assertThat(u.getRequests()).isZero();
        });

        pipeApm(apm("checkout", T0.plusSeconds(10), 200, 0));
        Drained second = drain();
        assertThat(second.hours()).singleElement()
                .satisfies(u -> assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.005")));
        assertThat(second.minutes()).singleElement().satisfies(u -> {
            assertThat(u.getRequests()).isEqualTo(200);
            assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.005"));
        });

        pipeCost(cost("checkout", "1.00", T0.plusSeconds(30), Duration.ofSeconds(30)));
        Drained third = drain();
        assertThat(third.minutes()).singleElement()
                .satisfies(u -> assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.01")));
        assertThat(third.hours()).singleElement()
                .satisfies(u -> assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.01")));
    }

    @Test
    void shouldNameTheTeamOfTheLatestCostRowAndUnallocatedForARowWithoutOne() {
        pipeApm(apm("checkout", T0, 100, 0));
        assertThat(drain().minutes()).singleElement().satisfies(u -> assertThat(u.getTeam()).isNull());

        pipeCost(cost("checkout", "payments", null, "1.00", T0.plusSeconds(5), Duration.ofSeconds(1)));
        assertThat(drain().minutes()).singleElement().satisfies(u -> assertThat(u.getTeam()).isEqualTo("payments"));

        // An APM summary carries no team: the window keeps the one it has.
        pipeApm(apm("checkout", T0.plusSeconds(10), 100, 0));
        assertThat(drain().minutes()).singleElement().satisfies(u -> assertThat(u.getTeam()).isEqualTo("payments"));

        // Re-tagged mid-window: the window is the latest row's team's, as of that row's event time.
        pipeCost(cost("checkout", "storefront", null, "1.00", T0.plusSeconds(20), Duration.ofSeconds(1)));
        assertThat(drain().minutes()).singleElement()
                .satisfies(u -> assertThat(u.getTeam()).isEqualTo("storefront"));

        pipeCost(cost("search", "1.00", T0.plusSeconds(30), Duration.ofSeconds(1)));
        assertThat(drain().minutes()).singleElement().satisfies(u -> {
            assertThat(u.getService()).isEqualTo("search");
            assertThat(u.getTeam()).isEqualTo(UnitCostAccumulator.UNALLOCATED_TEAM);
        });
    }

    @Test
    void shouldSpreadHourlyRowOverSixtyMinuteWindowsThatSumToTheRow() {
        pipeCost(cost("search", "1.000000000007", T0, Duration.ofHours(1)));

        Drained drained = drain();
        List<KeyValue<String, UnitCost>> out = drained.keyValues("PT1M");
        assertThat(out).hasSize(60);
        assertThat(out).extracting(kv -> kv.key).containsOnly("search");
        assertThat(out).extracting(kv -> kv.value.getWindowStart())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 60)
                        .mapToObj(i -> T0.plus(Duration.ofMinutes(i))).toList());
        assertThat(out.get(0).value.getCost()).isEqualTo(Money.of("0.016666666667"));
        assertThat(out.stream().map(kv -> kv.value.getCost()).reduce(Money.ZERO, Money::add))
                .isEqualTo(Money.of("1.000000000007"));
        assertThat(drained.keyValues("PT1H")).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("search");
            assertThat(kv.value.getCost()).isEqualTo(Money.of("1.000000000007"));
        });
    }

    @Test
    void shouldComputeCostPerRequestPerHour() {
        pipeCost(cost("checkout", "36.00", T0, Duration.ofHours(1)));
        pipeApm(apm("checkout", T0, 1000, 10));
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(30)), 2000, 0));
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(59)).plusSeconds(50), 3000, 20));

        Drained out = drain();
        UnitCost hour = lastOf(out.hours());
        assertThat(hour.getWindowStart()).isEqualTo(T0);
        assertThat(hour.getWindowEnd()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(hour.getWindowSize()).isEqualTo("PT1H");
        assertThat(hour.getCost()).isEqualTo(Money.of("36.00"));
        assertThat(hour.getRequests()).isEqualTo(6000);
        assertThat(hour.getErrors()).isEqualTo(30);
        assertThat(hour.getCostPerRequest()).isEqualTo(Money.of("0.006"));
        // 36 / 5970 = 0.0060301507537688..., at 12 places half-even.
        assertThat(hour.getCostPerSuccessfulRequest()).isEqualTo(Money.of("0.006030150754"));
        assertThat(hour.getCostRecords()).isEqualTo(1);
        assertThat(hour.getApmRecords()).isEqualTo(3);
        assertThat(out.minutes().stream().filter(u -> u.getWindowStart().equals(T0.plus(Duration.ofMinutes(30))))
                .reduce((a, b) -> b).orElseThrow().getCostPerRequest()).isEqualTo(Money.of("0.0003"));
    }

    @Test
    void shouldMakeEveryHourExactlyTheSumOfItsSixtyMinutes() {
        // A daily row: spread straight over hours, 1/24 would round differently from 60 x 1/1440.
        pipeCost(cost("search", "1", T0, Duration.ofDays(1)));
        pipeCost(cost("search", "1.000000000007", T0, Duration.ofHours(1)));
        pipeCost(cost("search", "0.333333333333", T0.plusSeconds(45), Duration.ofMinutes(2)));
        for (int minute = 0; minute < 60; minute += 7) {
            pipeCost(cost("search", "0.010000000001", T0.plus(Duration.ofMinutes(minute)), Duration.ofSeconds(10)));
            pipeApm(apm("search", T0.plus(Duration.ofMinutes(minute)).plusSeconds(20), 100 + minute, minute % 3));
        }
        pipeApm(apm("search", T0.plus(Duration.ofMinutes(61)), 5, 0));

        Drained out = drain();
        Map<Instant, UnitCost> minutes = new HashMap<>();
        out.minutes().forEach(u -> minutes.put(u.getWindowStart(), u));
        Map<Instant, UnitCost> hours = new HashMap<>();
        out.hours().forEach(u -> hours.put(u.getWindowStart(), u));
        assertThat(hours).hasSize(24);
        for (UnitCost hour : hours.values()) {
            List<UnitCost> itsMinutes = java.util.stream.IntStream.range(0, 60)
                    .mapToObj(i -> minutes.get(hour.getWindowStart().plus(Duration.ofMinutes(i)))).toList();
            assertThat(itsMinutes).as("minutes of %s", hour.getWindowStart()).doesNotContainNull();
            assertThat(itsMinutes.stream().map(UnitCost::getCost).reduce(Money.ZERO, Money::add))
                    .as("cost of %s", hour.getWindowStart()).isEqualTo(hour.getCost());
            assertThat(itsMinutes.stream().mapToLong(UnitCost::getRequests).sum()).isEqualTo(hour.getRequests());
            assertThat(itsMinutes.stream().mapToLong(UnitCost::getErrors).sum()).isEqualTo(hour.getErrors());
        }
        UnitCost first = hours.get(T0);
        // 1/24 of the day as 60 minutes of 0.000694444444, the hourly row whole, the 2-minute row, 9 small rows.
        assertThat(first.getCost()).isEqualTo(Money.of("0.041666666640").add(Money.of("1.000000000007"))
                .add(Money.of("0.333333333333")).add(Money.of("0.090000000009")));
        assertThat(first.getRequests()).isEqualTo(9 * 100 + (0 + 7 + 14 + 21 + 28 + 35 + 42 + 49 + 56));
        assertThat(first.getCostPerRequest()).isEqualTo(Money.divide(first.getCost(), first.getRequests()));
        assertThat(hours.get(T0.plus(Duration.ofHours(1))).getRequests()).isEqualTo(5);
        assertThat(out.hours().stream().filter(u -> u.getWindowStart().isAfter(T0)).map(UnitCost::getCost)
                .distinct()).as("the last hour holds the last minute, which takes the day's rounding remainder")
                .containsExactlyInAnyOrder(Money.of("0.041666666640"), Money.of("0.041666667280"));
    }

    @Test
    void shouldKeepOneMinuteRecordsByteForByteWhatTheOneMinuteOnlyAppWrites() {
        Map<String, String> minuteOnly = Map.of(AttributionSettings.GRACE, "10m", AttributionSettings.WINDOWS, "1m");
        try (TopologyFixture single = TopologyFixture.of(new AttributionApp(), minuteOnly)) {
            List<TestRecord<byte[], byte[]>> both = replayRaw(fixture);
            List<TestRecord<byte[], byte[]>> one = replayRaw(single);

            assertThat(sizesOf(one)).containsOnly("PT1M");
            assertThat(sizesOf(both)).contains("PT1M", "PT1H");
            List<TestRecord<byte[], byte[]>> minutesOfBoth = both.stream()
                    .filter(r -> sizeOf(r).equals("PT1M")).toList();
            assertThat(minutesOfBoth).hasSameSizeAs(one).hasSizeGreaterThan(60);
            for (int i = 0; i < one.size(); i++) {
                assertThat(minutesOfBoth.get(i).key()).as("key %d", i).isEqualTo(one.get(i).key());
                assertThat(minutesOfBoth.get(i).value()).as("value %d", i).isEqualTo(one.get(i).value());
                assertThat(minutesOfBoth.get(i).timestamp()).as("timestamp %d", i).isEqualTo(one.get(i).timestamp());
                assertThat(minutesOfBoth.get(i).headers()).as("headers %d", i).isEqualTo(one.get(i).headers());
            }
        }
    }

    @Test
    void shouldDivideCostBySuccessfulRequestsOnly() {
        pipeCost(cost("checkout", "0.90", T0, Duration.ofSeconds(60)));
        pipeApm(apm("checkout", T0, 100, 10));

        UnitCost last = lastOf(drain().minutes());
        assertThat(last.getErrors()).isEqualTo(10);
        assertThat(last.getCostPerRequest()).isEqualTo(Money.of("0.009"));
        assertThat(last.getCostPerSuccessfulRequest()).isEqualTo(Money.of("0.01"));
    }

    @Test
    void shouldLeaveRatiosNullWhenWindowHasNoRequests() {
        pipeCost(cost("batch", "5.00", T0, Duration.ofSeconds(60)));

        UnitCost last = lastOf(drain().minutes());
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

        UnitCost last = lastOf(drain().minutes());
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

        Drained out = drain();
        assertThat(out.minutes()).singleElement().satisfies(u -> {
            assertThat(u.getWindowStart()).isEqualTo(T0);
            assertThat(u.getCost()).isEqualTo(Money.of("3"));
        });
        assertThat(out.hours()).singleElement().satisfies(u -> {
            assertThat(u.getWindowStart()).isEqualTo(T0);
            assertThat(u.getCost()).isEqualTo(Money.of("3"));
            assertThat(u.getRequests()).isEqualTo(10);
        });
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldBookRecordsPastTheRealTimeGraceInTheirHourButNotInTheirMinutes() {
        pipeCost(cost("checkout", "1", T0, Duration.ofSeconds(60)));
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(30)), 10, 0));
        unitCost.readValuesToList();

        // 25 and 11 minutes behind stream time, with a 10-minute grace: a bill and a summary arriving late.
        pipeCost(cost("checkout", "7.5", T0.plus(Duration.ofMinutes(5)), Duration.ofHours(1)));
        pipeApm(apm("checkout", T0.plus(Duration.ofMinutes(19)), 10, 0));

        Drained out = drain();
        assertThat(out.minutes()).as("the minute windows, which the detectors read, are closed").isEmpty();
        assertThat(lastOf(out.hours())).satisfies(hour -> {
            assertThat(hour.getWindowStart()).isEqualTo(T0);
            assertThat(hour.getCost()).as("1 + the 55 minutes of 7.5 that fall in this hour").isEqualTo(
                    Money.of("7.875"));
            assertThat(hour.getRequests()).isEqualTo(20);
        });
        assertThat(dlq.isEmpty()).as("money inside the billing horizon is never dead-lettered").isTrue();
        assertThat(fixture.count(LatenessGate.PAST_REAL_TIME_METRIC, "stage", "attribution")).isEqualTo(2.0);
        assertThat(droppedRecords()).as("Kafka Streams dropped nothing silently").isZero();
    }

    @Test
    void shouldDeadLetterRecordsOlderThanTheBillingHorizonSayingHowToWidenIt() {
        try (TopologyFixture shortHorizon = TopologyFixture.of(new AttributionApp(), Map.of(
                AttributionSettings.GRACE, "10m", BillingHorizon.KEY, "2d"))) {
            TestInputTopic<String, AttributedCost> in = shortHorizon.input(shortHorizon.topics().costAttributed);
            TestInputTopic<String, ApmRecord> apmIn = shortHorizon.input(shortHorizon.topics().apm);
            TestOutputTopic<byte[], DeadLetter> dead = shortHorizon.output(shortHorizon.topics().dlq);
            Instant now = T0.plus(Duration.ofDays(3));
            in.pipeInput("checkout", cost("checkout", "1", now, Duration.ofHours(1)), now);
            AttributedCost old = cost("checkout", "7.5", T0.plus(Duration.ofMinutes(5)), Duration.ofHours(1));
            in.pipeInput("checkout", old, now);
            AttributedCost inside = cost("checkout", "2", now.minus(Duration.ofDays(2)), Duration.ofHours(1));
            in.pipeInput("checkout", inside, now);
            apmIn.pipeInput("checkout", apm("checkout", T0, 10, 0), now);

            List<KeyValue<byte[], DeadLetter>> letters = dead.readKeyValuesToList();
            assertThat(letters).hasSize(2);
            DeadLetter letter = letters.get(0).value;
            assertThat(letter.getReason()).isEqualTo(DeadLetterReasons.Attribution.OUTSIDE_BILLING_HORIZON);
            assertThat(letter.getPhase()).isEqualTo(FailurePhase.VALIDATION);
            assertThat(letter.getStage()).isEqualTo("attribution");
            assertThat(letter.getSourceTopic()).isEqualTo("spend.cost.attributed");
            assertThat(letter.getMessage()).contains("2026-11-23T10:05:00Z", "2d", BillingHorizon.KEY);
            assertThat(shortHorizon.topics().costAttributed.valueSerde().deserializer()
                    .deserialize("spend.cost.attributed", bytes(letter.getRawValue()))).isEqualTo(old);
            assertThat(letters.get(1).value.getSourceTopic()).isEqualTo("spend.apm");
            assertThat(shortHorizon.count("spendstream.records.dead.lettered", "reason",
                    DeadLetterReasons.Attribution.OUTSIDE_BILLING_HORIZON)).isEqualTo(2.0);
            assertThat(shortHorizon.output(shortHorizon.topics().unitCost).readValuesToList())
                    .filteredOn(u -> u.getWindowSize().equals("PT1H"))
                    .extracting(UnitCost::getWindowStart)
                    .as("the row exactly at the horizon still lands in its hour").contains(now.minus(Duration.ofDays(2)));
        }
    }

    @Test
    void shouldKeepAcceptingCurrentRecordsAfterADailyRowReachesAheadOfStreamTime() {
        pipeCost(cost("platform", "14.40", T0, Duration.ofDays(1)));
        Drained day = drain();
        assertThat(day.minutes()).hasSize(1440);
        assertThat(day.hours()).hasSize(24).extracting(UnitCost::getCost).containsOnly(Money.of("0.60"));

        pipeApm(apm("platform", T0.plus(Duration.ofMinutes(2)), 100, 0));

        Drained out = drain();
        assertThat(out.hours()).singleElement().satisfies(u -> {
            assertThat(u.getWindowStart()).isEqualTo(T0);
            assertThat(u.getCostPerRequest()).isEqualTo(Money.of("0.006"));
        });
        assertThat(out.minutes()).singleElement().satisfies(u -> {
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

        Drained out = drain();
        Map<String, BigDecimal> minutes = finalCostByWindow(out.keyValues("PT1M"));
        Map<String, BigDecimal> hours = finalCostByWindow(out.keyValues("PT1H"));
        assertThat(minutes.values().stream().reduce(Money.ZERO, Money::add)).isEqualTo(input);
        assertThat(hours.values().stream().reduce(Money.ZERO, Money::add)).isEqualTo(input);
        Map<String, BigDecimal> minutesByHour = new HashMap<>();
        minutes.forEach((window, cost) -> minutesByHour.merge(hourOf(window), cost, Money::add));
        assertThat(hours).as("every hour is exactly the sum of its minutes").isEqualTo(minutesByHour);
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
                AttributionSettings.CURRENCY, "EUR", BillingHorizon.KEY, "1h"))) {
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
            assertThat(custom.output(custom.topics().dlq).readValuesToList()).as("zero grace: 10:04 misses its 5m window")
                    .isEmpty();
            assertThat(custom.count(LatenessGate.PAST_REAL_TIME_METRIC, "stage", "attribution")).isEqualTo(1.0);
            assertThat(custom.topology().describe().toString()).contains("unit-cost-5m");
        }
    }

    @Test
    void shouldNameEveryStateStoreAndInternalTopic() {
        String description = fixture.topology().describe().toString();
        assertThat(description).contains("unit-cost-1m", "unit-cost-1h", "unit-cost-contributions-1m",
                        "unit-cost-contributions-1h", "unit-cost-aggregate-1m", "unit-cost-aggregate-1h",
                        "unit-cost-to-record-1m", "unit-cost-to-record-1h", "unit-cost-sink-1m", "unit-cost-sink-1h",
                        LatenessGate.STREAM_TIME_STORE,
                        BurnRateProcessor.BUDGETS_STORE, BurnRateProcessor.SCOPES_STORE,
                        BurnRateProcessor.STREAM_TIME_STORE, ScopeSpend.BUCKETS_STORE, ScopeSpend.DAYS_STORE,
                        "burn-rate-by-scope-repartition", "allocation-by-month-repartition",
                        ShowbackProcessor.STORE)
                .doesNotContain("KSTREAM-", "KTABLE-");
    }

    /** What {@code spend.unit-cost} received since the last drain, per window size. */
    private record Drained(List<KeyValue<String, UnitCost>> all) {

        Drained {
            assertThat(all).extracting(kv -> kv.value.getWindowSize()).isSubsetOf("PT1M", "PT1H");
        }

        List<KeyValue<String, UnitCost>> keyValues(String size) {
            return all.stream().filter(kv -> kv.value.getWindowSize().equals(size)).toList();
        }

        List<UnitCost> minutes() {
            return keyValues("PT1M").stream().map(kv -> kv.value).toList();
        }

        List<UnitCost> hours() {
            return keyValues("PT1H").stream().map(kv -> kv.value).toList();
        }
    }

    private Drained drain() {
        return new Drained(unitCost.readKeyValuesToList());
    }

    /** The last cost of each {@code service@windowStart}: what a consumer keeping the latest record sees. */
    private static Map<String, BigDecimal> finalCostByWindow(List<KeyValue<String, UnitCost>> records) {
        Map<String, BigDecimal> costs = new HashMap<>();
        for (KeyValue<String, UnitCost> kv : records) {
            costs.put(kv.key + "@" + kv.value.getWindowStart(), kv.value.getCost());
        }
        return costs;
    }

    private static String hourOf(String serviceAtWindow) {
        int at = serviceAtWindow.indexOf('@');
        Instant start = Instant.parse(serviceAtWindow.substring(at + 1));
        return serviceAtWindow.substring(0, at) + "@" + start.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    }

    /** Pipes the same mix of rows into {@code target} and returns what it wrote to spend.unit-cost, as bytes. */
    private static List<TestRecord<byte[], byte[]>> replayRaw(TopologyFixture target) {
        TestInputTopic<String, AttributedCost> in = target.input(target.topics().costAttributed);
        TestInputTopic<String, ApmRecord> traffic = target.input(target.topics().apm);
        List<AttributedCost> rows = List.of(cost("search", "1.000000000007", T0, Duration.ofHours(1)),
                cost("checkout", "0.30", T0.plusSeconds(5), Duration.ofSeconds(10)),
                cost("checkout", "2", T0.plusSeconds(90), Duration.ofSeconds(150)),
                unallocatedRow());
        for (AttributedCost row : rows) {
            String key = row.getAttribution().getService() == null ? "unallocated"
                    : row.getAttribution().getService();
            in.pipeInput(key, row, row.getCost().getChargePeriodStart());
        }
        ApmRecord summary = withLatency(apm("checkout", T0.plusSeconds(10), 1000, 3), 120.0);
        summary.setConversionCount(4L);
        summary.setRevenue(Money.of("12.5"));
        summary.setCurrency("USD");
        traffic.pipeInput("checkout", summary, summary.getWindowStart());
        traffic.pipeInput("search", apm("search", T0.plusSeconds(70), 400, 0), T0.plusSeconds(70));
        return target.driver().createOutputTopic(target.topics().unitCost.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
    }

    private static AttributedCost unallocatedRow() {
        return TestRecords.unallocated("untagged", "0.07", T0.plusSeconds(30), Duration.ofMinutes(3));
    }

    private List<String> sizesOf(List<TestRecord<byte[], byte[]>> records) {
        return records.stream().map(this::sizeOf).distinct().toList();
    }

    private String sizeOf(TestRecord<byte[], byte[]> record) {
        return fixture.topics().unitCost.valueSerde().deserializer()
                .deserialize(fixture.topics().unitCost.name(), record.value()).getWindowSize();
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
