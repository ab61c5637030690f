package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.cost;
import static io.spendstream.attribution.TestRecords.unallocated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.BurnDriver;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * Burn rate against hand computations. November 2026 has 30 days, so a budget of 30,000 USD/month is 1,000 USD/day,
 * 41.666... USD/hour, 0.694444... USD/minute at 1.0x; burn rate = (spend in window / window) / (budget / 30 days).
 */
class BurnRateTopologyTest {

    private static final String BUDGET = "{\"amount\":\"30000.00\",\"currency\":\"USD\",\"period\":\"MONTH\","
            + "\"alertAt\":[0.5,0.75,0.9,1.0]}";
    /** 1,000 USD/day over 1,440 minutes, at the wire scale (the last digits are the only rounding). */
    private static final BigDecimal STEADY_PER_MINUTE = Money.divide(Money.of("1000"), 1440);
    private static final Instant NOW = TopologyFixture.START;
    private static final List<String> WINDOWS = List.of("5m", "30m", "1h", "6h", "3d");

    private TopologyFixture fixture;
    private TestInputTopic<String, AttributedCost> costs;
    private TestInputTopic<String, byte[]> budgets;
    private TestOutputTopic<String, BurnRate> burnRate;
    private TestOutputTopic<byte[], DeadLetter> dlq;
    private BurnRate lastRead;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> overrides) {
        start(new AttributionApp(), overrides);
    }

    /** Burn rate alone, for the tests that pipe days of minutes (the whole app would triple their time). */
    private void startBurnRateOnly() {
        stop();
        start(PartialApps.burnRateOnly(), Map.of());
    }

    private void start(StreamsApp app, Map<String, String> overrides) {
        fixture = TopologyFixture.of(app, overrides);
        costs = fixture.input(fixture.topics().costAttributed);
        budgets = fixture.input(fixture.topics().budgets);
        burnRate = fixture.output(fixture.topics().burnRate);
        dlq = fixture.output(fixture.topics().dlq);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldBurnAtOneTimesInEveryWindowForSteadySpendOfTheBudget() {
        startBurnRateOnly();
        budget("team:payments", BUDGET);
        steadySpend(NOW.minus(Duration.ofDays(3)), NOW);

        BurnRate last = last("team:payments");
        assertThat(last.getWindows()).extracting(BurnWindow::getWindow).containsExactlyElementsOf(WINDOWS);
        for (BurnWindow window : last.getWindows()) {
            assertThat(window.getBurnRate()).as(window.getWindow()).isCloseTo(1.0, within(1e-9));
        }
        assertThat(last.getPeriodStart()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(last.getPeriodEnd()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(last.getEvaluatedAt()).isEqualTo(NOW);
        assertThat(window(last, "1h").getSpend()).isEqualTo(Money.of(STEADY_PER_MINUTE.multiply(BigDecimal.valueOf(60))));
        // 4,320 minutes of 0.694444444444; projected = consumed + 6h spend x (182h left / 6h).
        assertThat(last.getConsumed()).isEqualTo(Money.of("2999.99999999808"));
        assertThat(last.getProjectedPeriodSpend()).isEqualTo(Money.of("10583.33333332656"));
        assertThat(last.getStagesCrossed()).isEmpty();
    }

    @Test
    void shouldShowATwentyTimesSpikeInTheShortWindowsFirst() {
        startBurnRateOnly();
        budget("team:payments", BUDGET);
        steadySpend(NOW.minus(Duration.ofDays(3)), NOW);
        burnRate.readValuesToList();

        BigDecimal spike = STEADY_PER_MINUTE.multiply(BigDecimal.valueOf(20));
        for (int minute = 0; minute < 10; minute++) {
            pipe(cost("checkout", "payments", "store", spike.toPlainString(), NOW.plus(Duration.ofMinutes(minute)),
                    Duration.ofMinutes(1)));
            BurnRate during = last("team:payments");
            lastRead = during;
            assertThat(rate(during, "5m")).as("minute %d", minute).isGreaterThan(rate(during, "30m"));
            assertThat(rate(during, "30m")).isGreaterThan(rate(during, "1h"));
            assertThat(rate(during, "1h")).isGreaterThan(rate(during, "6h"));
            assertThat(rate(during, "6h")).isGreaterThan(rate(during, "3d"));
        }
        // After 10 minutes at 20x: 5m = 20x; 30m = (10x20 + 20)/30; 1h = (200 + 50)/60; 6h = (200 + 350)/360;
        // 3d = (200 + 4310)/4320.
        BurnRate end = lastRead;
        assertThat(rate(end, "5m")).isCloseTo(20.0, within(1e-8));
        assertThat(rate(end, "30m")).isCloseTo(220.0 / 30, within(1e-8));
        assertThat(rate(end, "1h")).isCloseTo(250.0 / 60, within(1e-8));
        assertThat(rate(end, "6h")).isCloseTo(550.0 / 360, within(1e-8));
        assertThat(rate(end, "3d")).isCloseTo(4510.0 / 4320, within(1e-8));
    }

    @Test
    void shouldLetTheBurnRateOfAScopeWhoseSpendStoppedFallAsItsWindowsSlide() {
        startBurnRateOnly();
        budget("team:payments", BUDGET);
        budget("team:search", BUDGET);
        // Six hours at exactly the budget's pace, then payments stops; only search keeps spending.
        steadySpend(NOW.minus(Duration.ofHours(6)), NOW);
        BurnRate beforeStop = last("team:payments");
        assertThat(rate(beforeStop, "6h")).isCloseTo(1.0, within(1e-9));
        for (int minute = 0; minute < 60; minute++) {
            pipe(cost("search", "search", null, "0.01", NOW.plus(Duration.ofMinutes(minute)), Duration.ofMinutes(1)));
        }

        List<BurnRate> idle = burnRate.readKeyValuesToList().stream().filter(kv -> kv.key.equals("team:payments"))
                .map(kv -> kv.value).toList();
        // Re-evaluated once per minute of stream time from the first minute in which it had no row (10:01,
        // evaluated at 10:02) to the last (10:59, evaluated at 11:00), though it received nothing.
        assertThat(idle).extracting(BurnRate::getEvaluatedAt).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(2, 60).mapToObj(m -> NOW.plus(Duration.ofMinutes(m))).toList());
        // At 10:05 (cursor 10:04): 5m holds 10:00-10:04, empty; 30m holds 09:35-10:04, 25 minutes of 1x.
        BurnRate at1005 = idle.get(3);
        assertThat(at1005.getEvaluatedAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(rate(at1005, "5m")).isZero();
        assertThat(rate(at1005, "30m")).isCloseTo(25.0 / 30, within(1e-9));
        // At 11:00: 5m, 30m and 1h are empty; 6h holds 300 of its 360 minutes at 1x; 3d all 360 of 4,320.
        BurnRate at1100 = idle.get(idle.size() - 1);
        assertThat(rate(at1100, "5m")).isZero();
        assertThat(rate(at1100, "30m")).isZero();
        assertThat(rate(at1100, "1h")).isZero();
        assertThat(rate(at1100, "6h")).isCloseTo(300.0 / 360, within(1e-9));
        assertThat(rate(at1100, "3d")).isCloseTo(360.0 / 4320, within(1e-9));
        assertThat(at1100.getConsumed()).as("consumed does not slide").isEqualTo(beforeStop.getConsumed());

        // A jump of stream time longer than a window: the idle scope's sums are re-read, 6h is empty too.
        pipe(cost("search", "search", null, "0.01", NOW.plus(Duration.ofHours(7)), Duration.ofMinutes(1)));
        pipe(cost("search", "search", null, "0.01", NOW.plus(Duration.ofHours(7).plusMinutes(1)),
                Duration.ofMinutes(1)));
        BurnRate later = last("team:payments");
        assertThat(later.getEvaluatedAt()).isEqualTo(NOW.plus(Duration.ofHours(7).plusMinutes(2)));
        assertThat(rate(later, "6h")).isZero();
        assertThat(rate(later, "3d")).isCloseTo(360.0 / 4320, within(1e-9));
    }

    @Test
    void shouldLeaveAnIdleScopeToTheEmitIntervalAndAScopeWithRowsToItsRows() {
        stop();
        start(Map.of(BurnRateSettings.EMIT_INTERVAL, "5m"));
        budget("team:payments", BUDGET);
        budget("team:search", BUDGET);
        pipe(cost("checkout", "payments", "store", "1", NOW, Duration.ofMinutes(1)));
        for (int minute = 0; minute < 12; minute++) {
            pipe(cost("search", "search", null, "1", NOW.plus(Duration.ofMinutes(minute)), Duration.ofMinutes(1)));
        }

        List<KeyValue<String, BurnRate>> out = burnRate.readKeyValuesToList();
        assertThat(out.stream().filter(kv -> kv.key.equals("team:payments")).map(kv -> kv.value.getEvaluatedAt()))
                .as("its own row at 10:00, then swept at most once per 5 minutes")
                .containsExactly(NOW.plus(Duration.ofMinutes(1)), NOW.plus(Duration.ofMinutes(6)),
                        NOW.plus(Duration.ofMinutes(11)));
        assertThat(out.stream().filter(kv -> kv.key.equals("team:search")).map(kv -> kv.value.getEvaluatedAt()))
                .as("by its own rows, once per 5 minutes")
                .containsExactly(NOW.plus(Duration.ofMinutes(1)), NOW.plus(Duration.ofMinutes(6)),
                        NOW.plus(Duration.ofMinutes(11)));
    }

    @Test
    void shouldMatchAHandComputationOfConsumedProjectedAndStages() {
        budget("team:payments", BUDGET);
        pipe(cost("checkout", "payments", "store", "15000", Instant.parse("2026-11-01T00:00:00Z"),
                Duration.ofMinutes(1)));
        for (int minute = 0; minute < 60; minute++) {
            pipe(cost("checkout", "payments", "store", "10", NOW.minus(Duration.ofMinutes(60 - minute)),
                    Duration.ofMinutes(1)));
        }

        BurnRate at10 = last("team:payments");
        assertThat(at10.getEvaluatedAt()).isEqualTo(NOW);
        assertThat(at10.getBudgetAmount()).isEqualTo(Money.of("30000"));
        assertThat(at10.getConsumed()).isEqualTo(Money.of("15600"));
        // 10 USD/minute against 30000 / 43200 minutes = 14.4x in 5m, 30m and 1h; 600 in 6h = 2.4x; in 3d = 0.2x.
        assertThat(rate(at10, "5m")).isCloseTo(14.4, within(1e-12));
        assertThat(rate(at10, "30m")).isCloseTo(14.4, within(1e-12));
        assertThat(rate(at10, "1h")).isCloseTo(14.4, within(1e-12));
        assertThat(rate(at10, "6h")).isCloseTo(2.4, within(1e-12));
        assertThat(rate(at10, "3d")).isCloseTo(0.2, within(1e-12));
        assertThat(window(at10, "3d").getSpend()).as("the 1 Nov row is outside 3d").isEqualTo(Money.of("600"));
        // 15600 + 600 x (182h left until 1 Dec / 6h) = 15600 + 18200.
        assertThat(at10.getProjectedPeriodSpend()).isEqualTo(Money.of("33800"));
        assertThat(at10.getStagesCrossed()).containsExactly(0.5);

        pipe(cost("checkout", "payments", "store", "7000", NOW, Duration.ofMinutes(1)));
        BurnRate after = last("team:payments");
        assertThat(after.getConsumed()).isEqualTo(Money.of("22600"));
        assertThat(after.getStagesCrossed()).containsExactly(0.5, 0.75);
    }

    @Test
    void shouldEmitAtMostOncePerIntervalUnlessAStageIsCrossedOrTheBudgetChanges() {
        stop();
        start(Map.of(BurnRateSettings.EMIT_INTERVAL, "5m"));
        budget("service:checkout", "{\"amount\":\"1000\",\"alertAt\":[0.1]}");
        for (int minute = 0; minute < 10; minute++) {
            pipe(cost("checkout", "payments", "store", "1", NOW.plus(Duration.ofMinutes(minute)),
                    Duration.ofMinutes(1)));
        }
        assertThat(burnRate.readValuesToList()).as("at 10:00 and 10:05 only")
                .extracting(BurnRate::getEvaluatedAt)
                .containsExactly(NOW.plus(Duration.ofMinutes(1)), NOW.plus(Duration.ofMinutes(6)));

        pipe(cost("checkout", "payments", "store", "90", NOW.plus(Duration.ofMinutes(10)), Duration.ofMinutes(1)));
        assertThat(burnRate.readValuesToList()).as("stage 0.1 crossed at 10:10").singleElement()
                .satisfies(b -> assertThat(b.getStagesCrossed()).containsExactly(0.1));

        pipe(cost("checkout", "payments", "store", "1", NOW.plus(Duration.ofMinutes(11)), Duration.ofMinutes(1)));
        assertThat(burnRate.isEmpty()).isTrue();
        budget("service:checkout", "{\"amount\":\"2000\",\"period\":\"DAY\"}");
        assertThat(burnRate.readValuesToList()).as("budget changed").singleElement().satisfies(b -> {
            assertThat(b.getBudgetAmount()).isEqualTo(Money.of("2000"));
            assertThat(b.getPeriod()).isEqualTo("DAY");
            assertThat(b.getConsumed()).isEqualTo(Money.of("101"));
            assertThat(b.getPeriodEnd()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
        });
    }

    @Test
    void shouldFanEachCostOutToItsServiceTeamProductAndAll() {
        for (String scope : List.of("service:checkout", "team:payments", "product:store", "all", "team:search")) {
            budget(scope, BUDGET);
        }
        pipe(cost("checkout", "payments", "store", "3", NOW, Duration.ofMinutes(1)));
        pipe(cost("search", "search", null, "5", NOW, Duration.ofMinutes(1)));
        pipe(unallocated("untagged", "7", NOW, Duration.ofMinutes(1)));

        assertThat(last("service:checkout").getConsumed()).isEqualTo(Money.of("3"));
        pipe(cost("checkout", "payments", "store", "0", NOW.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1)));
        List<KeyValue<String, BurnRate>> out = burnRate.readKeyValuesToList();
        Map<String, BigDecimal> consumed = new java.util.HashMap<>();
        out.forEach(kv -> consumed.put(kv.key, kv.value.getConsumed()));
        assertThat(consumed).containsEntry("service:checkout", Money.of("3")).containsEntry("team:payments",
                Money.of("3")).containsEntry("product:store", Money.of("3")).containsEntry("all", Money.of("15"));
    }

    @Test
    void shouldSpreadAnHourlyRowOverTheMinutesItCovers() {
        budget("all", BUDGET);
        pipe(cost("checkout", "payments", "store", "60", NOW, Duration.ofHours(1)));
        BurnRate atStart = last("all");
        assertThat(atStart.getConsumed()).as("the whole row is booked in its period").isEqualTo(Money.of("60"));
        assertThat(window(atStart, "3d").getSpend()).as("only the minute reached so far").isEqualTo(Money.of("1"));

        pipe(cost("checkout", "payments", "store", "0", NOW.plus(Duration.ofMinutes(30)), Duration.ofMinutes(1)));
        BurnRate later = last("all");
        assertThat(window(later, "5m").getSpend()).isEqualTo(Money.of("5"));
        assertThat(window(later, "1h").getSpend()).isEqualTo(Money.of("31"));
    }

    @Test
    void shouldDeleteABudgetWithATombstoneAndDeadLetterBadBudgets() {
        budget("team:payments", BUDGET);
        pipe(cost("checkout", "payments", "store", "1", NOW, Duration.ofMinutes(1)));
        assertThat(last("team:payments").getConsumed()).isEqualTo(Money.of("1"));

        budget("team:payments", null);
        assertThat(burnRate.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("team:payments");
            assertThat(kv.value).isNull();
        });
        pipe(cost("checkout", "payments", "store", "1", NOW.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1)));
        assertThat(burnRate.isEmpty()).as("no budget, no burn rate").isTrue();

        budget("team:payments", "{not json");
        budget("team:payments", "{\"amount\":\"100\",\"currency\":\"EUR\"}");
        budget("team:payments", "{\"amount\":\"-5\"}");
        budget("region:eu", BUDGET);
        budget("team:" + "p".repeat(3000), BUDGET);
        budget("team:payments", "{\"amount\":\"100\",\"currency\":12}");
        assertThat(dlq.readValuesToList()).extracting(DeadLetter::getReason)
                .containsExactly("invalid-json", "currency-mismatch", "invalid-field", "invalid-scope",
                        "field-too-long", "invalid-field");
        assertThat(burnRate.isEmpty()).isTrue();
        assertThat(fixture.count("spendstream.records.dead.lettered", "reason", "invalid-json")).isEqualTo(1.0);
    }

    /**
     * What a budget's place among its scope's cost rows does (the README's promises; in a running app the place is
     * where the budget lands in the burn-rate repartition topic among cost rows written by the tasks of every
     * partition of {@code spend.cost.attributed}): a budget that arrives before any cost is kept until the first one,
     * and a budget that arrives after costs counts them (spend is tracked with or without a budget) and is emitted
     * at once.
     */
    @Test
    void shouldEmitABudgetSetBeforeAnyCostWithTheFirstCostAndCountTheSpendBeforeABudgetSetLater() {
        budget("team:payments", BUDGET);
        assertThat(burnRate.isEmpty()).as("no cost yet: nothing to evaluate").isTrue();
        pipe(cost("checkout", "payments", "store", "2.00", NOW, Duration.ofMinutes(1)));
        assertThat(last("team:payments").getConsumed()).isEqualTo(Money.of("2.00"));

        pipe(cost("checkout", "payments", "store", "3.00", NOW.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1)));
        burnRate.readKeyValuesToList();
        budget("service:checkout", BUDGET);
        assertThat(burnRate.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("service:checkout");
            assertThat(kv.value.getConsumed()).isEqualTo(Money.of("5.00"));
            assertThat(window(kv.value, "5m").getSpend()).isEqualTo(Money.of("5.00"));
        });
    }

    @Test
    void shouldStartANewPeriodAtTheMonthBoundary() {
        budget("all", BUDGET);
        pipe(cost("checkout", "payments", "store", "100", Instant.parse("2026-11-30T23:59:00Z"),
                Duration.ofMinutes(1)));
        pipe(cost("checkout", "payments", "store", "31", Instant.parse("2026-12-01T00:00:00Z"),
                Duration.ofMinutes(1)));

        BurnRate december = last("all");
        assertThat(december.getPeriodStart()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(december.getConsumed()).isEqualTo(Money.of("31"));
        assertThat(window(december, "5m").getSpend()).isEqualTo(Money.of("131"));
        // December has 31 days: 131 in 5 minutes against 30000 / 44640 minutes.
        assertThat(rate(december, "5m")).isCloseTo(131.0 / 5 * 44640 / 30000, within(1e-9));
    }

    @Test
    void shouldNameTheServicesDrivingATeamsBurnWithTheirSharesAndSinceWhen() {
        // Emitted on every row: the last record then holds the last row of the last minute too.
        stop();
        start(PartialApps.burnRateOnly(), Map.of(BurnRateSettings.EMIT_INTERVAL, "0s"));
        budget("team:payments", BUDGET);
        // Ten quiet minutes (0.30 + 0.20 USD/min, under the 0.694 USD/min pace together), then an hour driven 80/20:
        // checkout 8.00 USD/min, ledger 2.00 USD/min (600 USD/h, 14.4x).
        for (int minute = 0; minute < 70; minute++) {
            Instant at = NOW.plus(Duration.ofMinutes(minute));
            pipe(cost("checkout", "payments", "store", minute < 10 ? "0.30" : "8.00", at, Duration.ofMinutes(1)));
            pipe(cost("ledger", "payments", "store", minute < 10 ? "0.20" : "2.00", at, Duration.ofMinutes(1)));
        }

        BurnRate last = last("team:payments");
        BurnWindow hour = window(last, "1h");
        assertThat(hour.getSpend()).isEqualTo(Money.of("600"));
        assertThat(hour.getDrivers()).extracting(BurnDriver::getScope)
                .containsExactly("service:checkout", "service:ledger");
        assertThat(hour.getDrivers()).extracting(BurnDriver::getSpend)
                .containsExactly(Money.of("480"), Money.of("120"));
        // checkout's first 8.00 minute put its 5m spend (4 x 0.30 + 8.00 = 9.20) over the pace's 3.47 at once;
        // ledger's took two minutes (4 x 0.20 + 2.00 = 2.80, then 3 x 0.20 + 4.00 = 4.60).
        assertThat(hour.getDrivers()).extracting(BurnDriver::getOverPaceSince)
                .containsExactly(NOW.plus(Duration.ofMinutes(10)), NOW.plus(Duration.ofMinutes(11)));
        // The 3d window holds the quiet minutes too, all theirs.
        assertThat(window(last, "3d").getDrivers()).extracting(BurnDriver::getSpend)
                .containsExactly(Money.of("483.00"), Money.of("122.00"));
    }

    @Test
    void shouldNameAServicesResourcesAndPutSpendFromBeforeTheBudgetUnderOther() {
        // Emitted on every row: the last record then holds the last row of the last minute too.
        stop();
        start(PartialApps.burnRateOnly(), Map.of(BurnRateSettings.EMIT_INTERVAL, "0s"));
        pipe(withResource(cost("checkout", "payments", "store", "5.00", NOW, Duration.ofMinutes(1)), "db-1"));
        budget("service:checkout", BUDGET);
        for (int minute = 1; minute < 4; minute++) {
            Instant at = NOW.plus(Duration.ofMinutes(minute));
            pipe(withResource(cost("checkout", "payments", "store", "3.00", at, Duration.ofMinutes(1)), "db-1"));
            pipe(withResource(cost("checkout", "payments", "store", "1.00", at, Duration.ofMinutes(1)), "vm-1"));
        }

        BurnWindow fiveMinutes = window(last("service:checkout"), "5m");
        assertThat(fiveMinutes.getDrivers()).extracting(BurnDriver::getScope)
                .containsExactly("resource:db-1", "resource:vm-1", BurnDrivers.OTHER);
        assertThat(fiveMinutes.getDrivers()).extracting(BurnDriver::getSpend)
                .containsExactly(Money.of("9.00"), Money.of("3.00"), Money.of("5.00"));
        assertThat(fiveMinutes.getDrivers().get(2).getOverPaceSince()).isNull();
    }

    private static AttributedCost withResource(AttributedCost cost, String resource) {
        cost.getCost().setResourceId(resource);
        return cost;
    }

    private void steadySpend(Instant from, Instant to) {
        for (Instant minute = from; minute.isBefore(to); minute = minute.plus(Duration.ofMinutes(1))) {
            pipe(cost("checkout", "payments", "store", STEADY_PER_MINUTE.toPlainString(), minute,
                    Duration.ofMinutes(1)));
        }
    }

    private void budget(String scope, String json) {
        budgets.pipeInput(scope, json == null ? null : json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    private void pipe(AttributedCost value) {
        String key = value.getAttribution().getService() == null ? "unallocated" : value.getAttribution().getService();
        costs.pipeInput(key, value, value.getCost().getChargePeriodStart());
    }

    private BurnRate last(String scope) {
        List<KeyValue<String, BurnRate>> out = burnRate.readKeyValuesToList().stream()
                .filter(kv -> kv.key.equals(scope)).toList();
        assertThat(out).as("burn rates of " + scope).isNotEmpty();
        return out.get(out.size() - 1).value;
    }

    private static BurnWindow window(BurnRate burnRate, String window) {
        return burnRate.getWindows().stream().filter(w -> w.getWindow().equals(window)).findFirst().orElseThrow();
    }

    private static double rate(BurnRate burnRate, String window) {
        return window(burnRate, window).getBurnRate();
    }
}
