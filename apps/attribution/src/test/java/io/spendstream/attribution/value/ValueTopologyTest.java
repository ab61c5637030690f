package io.spendstream.attribution.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.attribution.avro.ValueMinute;
import io.spendstream.attribution.avro.ValueState;
import io.spendstream.avro.Evidence;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.SloFigures;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * {@code spend.value} on synthetic minute windows with a known truth, piped into {@code spend.unit-cost} as the
 * attribution app reads it back: the latency sensitivity and the revenue effect of a regression recovered, pure noise
 * reported as not enough evidence, the marginal cost of a linear and of a fixed cost, the SLO figures against a hand
 * computation, bounded state and late updates.
 */
class ValueTopologyTest {

    private static final Instant DAY = Instant.parse("2026-11-23T00:00:00Z");
    private static final BigDecimal REVENUE_PER_CONVERSION = new BigDecimal("40.00");
    /** Conversion rate at the baseline latency, and its fall per +100 ms of p95 (one percentage point). */
    private static final double BASE_RATE = 0.10;
    private static final double RATE_PER_100_MS = -0.01;
    private static final double BASE_LATENCY = 300;

    private TopologyFixture fixture;
    private TestInputTopic<String, UnitCost> unitCost;
    private TestOutputTopic<String, ServiceValue> value;

    private void start(Map<String, String> overrides) {
        fixture = TopologyFixture.of(new AttributionApp(), overrides);
        unitCost = fixture.input(fixture.topics().unitCost);
        value = fixture.output(fixture.topics().value);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** One minute of a service's traffic. */
    private record Minute(long requests, long errors, double p95, long conversions, BigDecimal cost) {
    }

    private void pipe(String service, int minute, Minute m) {
        Instant start = DAY.plus(Duration.ofMinutes(minute));
        BigDecimal revenue = REVENUE_PER_CONVERSION.multiply(BigDecimal.valueOf(m.conversions));
        unitCost.pipeInput(service, UnitCost.newBuilder()
                .setService(service).setWindowStart(start).setWindowEnd(start.plus(Duration.ofMinutes(1)))
                .setWindowSize("PT1M").setCurrency("USD").setCost(Money.of(m.cost)).setRequests(m.requests)
                .setErrors(m.errors).setLatencyP95Ms(m.p95).setConversionCount(m.conversions)
                .setRevenue(Money.of(revenue)).setMargin(Money.of(revenue.subtract(m.cost)))
                .setCostRecords(1).setApmRecords(1).setTeam("payments").build(), start);
    }

    /** Pipes minutes 0 .. minutes-1; hour h closes once minute 60 (h + 1) + 3 is in (the settle time, 2m, passed). */
    private List<ServiceValue> run(String service, int minutes, IntFunction<Minute> traffic) {
        for (int minute = 0; minute < minutes; minute++) {
            pipe(service, minute, traffic.apply(minute));
        }
        List<ServiceValue> out = new ArrayList<>();
        value.readValuesToList().forEach(out::add);
        return out;
    }

    /** Conversions of {@code requests} at rate {@code rate}: binomial, by its normal approximation (n p ~ 100). */
    private static long conversions(Random random, long requests, double rate) {
        double mean = requests * rate;
        double sd = Math.sqrt(requests * rate * (1 - rate));
        return Math.max(0, Math.round(mean + sd * random.nextGaussian()));
    }

    private static double trueRate(double p95) {
        return BASE_RATE + RATE_PER_100_MS * (p95 - BASE_LATENCY) / 100;
    }

    /** Latency varying around the baseline, +regression in the given hour. */
    private static IntFunction<Minute> latencyDriven(Random random, int regressionHour, double regressionMs) {
        return minute -> {
            long requests = 900 + random.nextInt(201);
            double p95 = BASE_LATENCY + 100 * (2 * random.nextDouble() - 1)
                    + (minute / 60 == regressionHour ? regressionMs : 0);
            return new Minute(requests, 0, p95, conversions(random, requests, trueRate(p95)), new BigDecimal("0.50"));
        };
    }

    @Test
    void shouldRecoverAConversionRateFallingOnePointPer100MsWithinTenPercentAfterADay() {
        start(Map.of());
        List<ServiceValue> hours = run("checkout", 25 * 60 + 4, latencyDriven(new Random(42), -1, 0));

        assertThat(hours).hasSize(25);
        ServiceValue day = hours.get(24);
        assertThat(day.getHourStart()).isEqualTo(DAY.plus(Duration.ofHours(24)));
        assertThat(day.getSensitivity().getEvidence()).isEqualTo(Evidence.ESTIMATED);
        assertThat(day.getSensitivity().getMinutes()).isEqualTo(24 * 60);
        // Truth: 1 point of conversion rate per 100 ms x requests per hour (1,000 a minute on average) x 40.00.
        double requestsPerHour = day.getSensitivity().getRequests() * 60.0 / day.getSensitivity().getMinutes();
        double truth = 0.01 * requestsPerHour * 40;
        double estimate = day.getSensitivity().getRevenuePerHourPer100Ms().doubleValue();
        assertThat(estimate).as("revenue per hour lost per +100 ms").isCloseTo(truth, within(truth * 0.10));
        assertThat(day.getSensitivity().getConversionRatePer100Ms()).isCloseTo(RATE_PER_100_MS, within(0.001));
        assertThat(day.getSensitivity().getLow95().doubleValue()).isLessThan(truth);
        assertThat(day.getSensitivity().getHigh95().doubleValue()).isGreaterThan(truth);
        assertThat(day.getSensitivity().getTValue()).isLessThan(-3);
        assertThat(hours.get(0).getSensitivity().getEvidence()).as("one hour of minutes is too thin")
                .isEqualTo(Evidence.NOT_ENOUGH_EVIDENCE);
        assertThat(hours.get(0).getSensitivity().getReason()).contains("60 minutes").contains("needs 120");
        assertThat(hours.get(0).getSensitivity().getRevenuePerHourPer100Ms()).isNull();
    }

    @Test
    void shouldValueAnHourOf200MsRegressionWithinTenPercentOfTheTrueLoss() {
        start(Map.of());
        Random random = new Random(7);
        List<Minute> regressionHour = new ArrayList<>();
        IntFunction<Minute> traffic = latencyDriven(random, 24, 200);
        List<ServiceValue> hours = run("checkout", 25 * 60 + 4, minute -> {
            Minute m = traffic.apply(minute);
            if (minute / 60 == 24) {
                regressionHour.add(m);
            }
            return m;
        });

        // The true loss: each minute's requests x (rate at the baseline - rate at its p95) x revenue per conversion.
        double trueLoss = regressionHour.stream()
                .mapToDouble(m -> m.requests * (trueRate(BASE_LATENCY) - trueRate(m.p95)) * 40).sum();
        ServiceValue hour = hours.get(24);
        assertThat(hour.getLatencyP95Ms()).isCloseTo(BASE_LATENCY + 200, within(20.0));
        assertThat(hour.getSensitivity().getEvidence()).isEqualTo(Evidence.ESTIMATED);
        assertThat(hour.getSensitivity().getBaselineLatencyP95Ms()).isCloseTo(BASE_LATENCY, within(5.0));
        double effect = hour.getSensitivity().getRevenueEffect().doubleValue();
        assertThat(-effect).as("revenue lost to the regression (true %.2f)", trueLoss)
                .isCloseTo(trueLoss, within(trueLoss * 0.10));
        assertThat(hour.getSensitivity().getRevenueEffectStandardError().signum()).isPositive();
        // An ordinary hour's effect is small next to it.
        assertThat(hours.get(23).getSensitivity().getRevenueEffect().abs().doubleValue()).isLessThan(trueLoss / 5);
    }

    @Test
    void shouldReportNotEnoughEvidenceWhenConversionsDoNotDependOnLatency() {
        start(Map.of());
        Random random = new Random(11);
        List<ServiceValue> hours = run("search", 30 * 60 + 4, minute -> {
            long requests = 900 + random.nextInt(201);
            double p95 = BASE_LATENCY + 100 * (2 * random.nextDouble() - 1);
            return new Minute(requests, 0, p95, conversions(random, requests, BASE_RATE), new BigDecimal("0.50"));
        });

        assertThat(hours).hasSize(30).allSatisfy(hour -> {
            assertThat(hour.getSensitivity().getEvidence()).isEqualTo(Evidence.NOT_ENOUGH_EVIDENCE);
            assertThat(hour.getSensitivity().getRevenueEffect()).isNull();
            assertThat(hour.getSensitivity().getRevenuePerHourPer100Ms()).isNull();
        });
        assertThat(hours.get(29).getSensitivity().getReason()).contains("beyond noise");
        assertThat(Math.abs(hours.get(29).getSensitivity().getTValue())).isLessThan(3);
    }

    @Test
    void shouldRecoverALinearMarginalCostWithinFivePercentAndNoneForAFixedCost() {
        start(Map.of());
        Random random = new Random(3);
        BigDecimal slope = new BigDecimal("0.0004");
        List<ServiceValue> linear = run("api", 7 * 60 + 4, minute -> {
            long requests = 500 + random.nextInt(1001);
            BigDecimal noise = BigDecimal.valueOf(random.nextGaussian() * 0.01).setScale(6, Money.ROUNDING);
            BigDecimal cost = new BigDecimal("0.30").add(slope.multiply(BigDecimal.valueOf(requests))).add(noise);
            return new Minute(requests, 0, BASE_LATENCY, 0, cost);
        });
        List<ServiceValue> fixed = run("batch", 7 * 60 + 4, minute ->
                new Minute(500 + random.nextInt(1001), 0, BASE_LATENCY, 0, new BigDecimal("0.50")));

        ServiceValue last = linear.get(6);
        assertThat(last.getMarginalCost().getEvidence()).isEqualTo(Evidence.ESTIMATED);
        assertThat(last.getMarginalCost().getMinutes()).isEqualTo(6 * 60);
        assertThat(last.getMarginalCost().getPerRequest().doubleValue())
                .isCloseTo(slope.doubleValue(), within(slope.doubleValue() * 0.05));
        assertThat(last.getMarginalCost().getExceedsRevenuePerRequest()).as("no revenue: nothing to exceed").isFalse();
        ServiceValue flat = fixed.get(6);
        assertThat(flat.getMarginalCost().getEvidence()).isEqualTo(Evidence.ESTIMATED);
        assertThat(flat.getMarginalCost().getPerRequest().abs()).isLessThan(new BigDecimal("0.000000001"));
        assertThat(linear.get(0).getMarginalCost().getEvidence()).as("30 minutes are the minimum; the first hour has 60")
                .isEqualTo(Evidence.ESTIMATED);
    }

    @Test
    void shouldFlagAMarginalCostAboveRevenuePerRequest() {
        start(Map.of());
        Random random = new Random(5);
        List<ServiceValue> hours = run("render", 3 * 60 + 4, minute -> {
            long requests = 500 + random.nextInt(1001);
            // Each request costs 0.01 and brings 0.004 (one conversion of 40.00 per 10,000 requests).
            BigDecimal cost = new BigDecimal("0.01").multiply(BigDecimal.valueOf(requests));
            return new Minute(requests, 0, BASE_LATENCY, requests / 10_000 + (minute % 10 == 0 ? 1 : 0), cost);
        });
        ServiceValue hour = hours.get(2);
        assertThat(hour.getMarginalCost().getPerRequest()).isEqualByComparingTo("0.01");
        assertThat(hour.getRevenuePerRequest()).isLessThan(new BigDecimal("0.01"));
        assertThat(hour.getMarginalCost().getExceedsRevenuePerRequest()).isTrue();
    }

    @Test
    void shouldComputeSloFiguresAsByHand() {
        start(Map.of(ValueSettings.SLO_LATENCY, "250", ValueSettings.SLO_SUCCESS + ".checkout", "0.99"));
        // Minute 0: 1,000 requests, 10 errors, p95 180 ms: compliant, 990 requests count.
        pipe("checkout", 0, new Minute(1000, 10, 180, 50, new BigDecimal("1.20")));
        // Minute 1: 1,200 requests, 0 errors, p95 320 ms (over 250): none of them count.
        pipe("checkout", 1, new Minute(1200, 0, 320, 40, new BigDecimal("1.30")));
        // Minute 2: 800 requests, 40 errors, p95 240 ms: 760 count.
        pipe("checkout", 2, new Minute(800, 40, 240, 30, new BigDecimal("1.00")));
        pipe("checkout", 63, new Minute(100, 0, 100, 0, BigDecimal.ZERO));
        pipe("checkout", 66, new Minute(100, 0, 100, 0, BigDecimal.ZERO));

        List<ServiceValue> hours = value.readValuesToList();
        assertThat(hours).hasSize(1);
        SloFigures slo = hours.get(0).getSlo();
        // 3,000 requests, 1,750 compliant, 3.50 cost.
        assertThat(slo.getLatencyThresholdMs()).isEqualTo(250.0);
        assertThat(slo.getSuccessTarget()).isEqualByComparingTo("0.99");
        assertThat(slo.getCompliantRequests()).isEqualTo(1750);
        assertThat(slo.getBadRequests()).isEqualTo(1250);
        assertThat(slo.getAttainment()).isEqualTo(1750 / 3000.0);
        assertThat(slo.getCostPerCompliantRequest()).isEqualTo(Money.of("0.002000000000"));
        assertThat(slo.getErrorBudgetRequests()).isEqualTo(Money.of("30"));
        assertThat(slo.getErrorBudgetBurnt()).isEqualTo(Money.of(new BigDecimal("1250").divide(new BigDecimal("30"),
                MathContext.DECIMAL128)));
        assertThat(slo.getErrorBudgetCost()).isEqualTo(Money.of("1.458333333333"));
        assertThat(hours.get(0).getCost()).isEqualTo(Money.of("3.50"));
        assertThat(hours.get(0).getRevenue()).isEqualTo(Money.of("4800.00"));
        assertThat(hours.get(0).getRevenuePerRequest()).isEqualTo(Money.of("1.6"));
        assertThat(hours.get(0).getTeam()).isEqualTo("payments");
    }

    /** docs/worked-example.md, "Expected: spend.value": checkout's three minutes, SLO 130 ms and 99%. */
    @Test
    void shouldMatchTheWorkedExamplesHandComputationOfCostPerSloCompliantRequest() {
        start(Map.of(ValueSettings.SLO_LATENCY + ".checkout", "130", ValueSettings.SLO_SUCCESS + ".checkout", "0.99"));
        // The worked example's checkout minutes 10:00-10:02 (spend.unit-cost), then the two summaries that close
        // the hour: 11:00, and 11:03 which settles 11:00 (2 minutes of settle time).
        pipe("checkout", 600, new Minute(2500, 5, 125.2, 0, new BigDecimal("0.0138889")));
        pipe("checkout", 601, new Minute(2400, 0, 118.0, 0, new BigDecimal("0.0211989")));
        pipe("checkout", 602, new Minute(2600, 5, 140.0, 0, new BigDecimal("0.0138889")));
        pipe("checkout", 660, new Minute(2500, 0, 120.0, 0, BigDecimal.ZERO));
        pipe("checkout", 663, new Minute(2500, 0, 120.0, 0, BigDecimal.ZERO));

        ServiceValue hour = value.readValue();
        assertThat(value.isEmpty()).isTrue();
        assertThat(hour.getHourStart()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(hour.getMinutes()).isEqualTo(3);
        assertThat(hour.getCost()).isEqualTo(Money.of("0.0489767"));
        assertThat(hour.getRequests()).isEqualTo(7500);
        SloFigures slo = hour.getSlo();
        // 10:00 (p95 125.2) and 10:01 (118) are within 130 ms: their 2495 + 2400 successful requests comply;
        // 10:02 (140) is not: none of its 2600.
        assertThat(slo.getCompliantRequests()).isEqualTo(4895);
        assertThat(slo.getBadRequests()).isEqualTo(2605);
        assertThat(slo.getAttainment()).isEqualTo(4895 / 7500.0);
        assertThat(slo.getCostPerCompliantRequest()).isEqualTo(Money.of("0.000010005455"));
        assertThat(slo.getErrorBudgetRequests()).isEqualTo(Money.of("75"));
        assertThat(slo.getErrorBudgetBurnt()).isEqualTo(Money.of("34.733333333333"));
        assertThat(slo.getErrorBudgetCost()).isEqualTo(Money.of("0.017011240467"));
    }

    @Test
    void shouldLeaveSloNullWithoutSettingsIgnoreLateUpdatesAndKeepStateBounded() {
        start(Map.of(ValueSettings.SENSITIVITY_WINDOW, "3h", ValueSettings.MARGINAL_COST_WINDOW, "2h"));
        List<ServiceValue> hours = run("checkout", 6 * 60 + 4, minute -> new Minute(1000, 0, 200, 10,
                new BigDecimal("0.40")));
        assertThat(hours).hasSize(6).allSatisfy(hour -> assertThat(hour.getSlo()).isNull());
        assertThat(hours.get(5).getSensitivity().getWindowHours()).isEqualTo(3);
        assertThat(hours.get(5).getSensitivity().getReason()).contains("did not vary");

        // An update of a settled minute: ignored, counted.
        pipe("checkout", 10, new Minute(5000, 0, 900, 0, new BigDecimal("9.00")));
        assertThat(fixture.count(ValueProcessor.LATE_METRIC)).isEqualTo(1.0);
        KeyValueStore<String, ValueState> store = fixture.driver().getKeyValueStore(ValueTopology.STORE);
        ValueState state = store.get("checkout");
        assertThat(state.getHours()).as("one hour per hour of the longest window").hasSize(3);
        KeyValueStore<String, ValueMinute> minutes = fixture.driver().getKeyValueStore(ValueTopology.MINUTES_STORE);
        try (KeyValueIterator<String, ValueMinute> unsettled = minutes.all()) {
            List<String> keys = new ArrayList<>();
            unsettled.forEachRemaining(kv -> keys.add(kv.key));
            assertThat(keys).as("minutes 6:01-6:03 wait, the rest settled").containsExactly(
                    ValueProcessor.minuteKey("checkout", DAY.plus(Duration.ofMinutes(361)).toEpochMilli()),
                    ValueProcessor.minuteKey("checkout", DAY.plus(Duration.ofMinutes(362)).toEpochMilli()),
                    ValueProcessor.minuteKey("checkout", DAY.plus(Duration.ofMinutes(363)).toEpochMilli()));
        }
    }

    @Test
    void shouldWaitForCostRowsThatLagBehindTheApmSummariesBeforeSettling() {
        start(Map.of());
        // A backlog: attribution sees three hours of APM summaries first (enrich's path is longer), then the cost.
        for (int minute = 0; minute < 180; minute++) {
            pipeSides("api", minute, 0, 1, BigDecimal.ZERO);
        }
        assertThat(value.isEmpty()).as("no hour closes while the cost side has not moved").isTrue();
        for (int minute = 0; minute < 180; minute++) {
            pipeSides("api", minute, 1, 1, new BigDecimal("0.25"));
        }
        List<ServiceValue> hours = value.readValuesToList();
        assertThat(hours).hasSize(2).allSatisfy(hour -> {
            assertThat(hour.getCost()).isEqualTo(Money.of("15.00"));
            assertThat(hour.getMarginalCost().getEvidence()).isEqualTo(Evidence.ESTIMATED);
        });
        assertThat(fixture.count(ValueProcessor.LATE_METRIC)).isZero();

        // A service that never shows cost rows: its minutes wait spendstream.value.max-wait (10m) of wall-clock
        // time for them, then settle on their APM data.
        for (int minute = 0; minute < 131; minute++) {
            pipeSides("web", minute, 0, 1, BigDecimal.ZERO);
        }
        assertThat(value.isEmpty()).isTrue();
        fixture.driver().advanceWallClockTime(Duration.ofMinutes(11));
        pipeSides("web", 131, 0, 1, BigDecimal.ZERO);
        assertThat(value.readValuesToList()).extracting(ServiceValue::getService, ServiceValue::getMinutes,
                ServiceValue::getRequests).containsExactly(tuple("web", 60, 68_700L), tuple("web", 60, 69_150L));
    }

    /** A minute of 1,000 requests at 200 ms with {@code costRecords} cost rows and {@code apmRecords} summaries. */
    private void pipeSides(String service, int minute, long costRecords, long apmRecords, BigDecimal cost) {
        Instant start = DAY.plus(Duration.ofMinutes(minute));
        unitCost.pipeInput(service, UnitCost.newBuilder()
                .setService(service).setWindowStart(start).setWindowEnd(start.plus(Duration.ofMinutes(1)))
                .setWindowSize("PT1M").setCurrency("USD").setCost(Money.of(cost)).setRequests(1000 + minute % 7 * 50)
                .setErrors(0).setLatencyP95Ms(200.0).setRevenue(Money.ZERO).setMargin(Money.of(cost.negate()))
                .setCostRecords(costRecords).setApmRecords(apmRecords).build(), start);
    }
}
