package io.spendstream.anomaly.burn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.spike.CostSpikeTopology;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.BurnDriver;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * The burn-rate path of {@link AnomalyApp} on hand-built {@code spend.burn-rate} records: the rule table of the
 * issue, the lifecycle (escalation, hysteresis, resolve, tombstone), the staged budget alerts and the settings.
 * Budget 30,000 USD for November (30 days), so 1.0x is 30000 / 43200 = 0.694444... USD a minute.
 */
class BurnRateRulesTest {

    private static final String SCOPE = "team:payments";
    private static final String DEDUP_KEY = "burn-rate:budget:team:payments";
    private static final Instant T0 = TopologyFixture.START;
    private static final BigDecimal BUDGET = new BigDecimal("30000");
    private static final Instant PERIOD_START = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant PERIOD_END = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void shouldPageWhenTheOneHourAndFiveMinuteBurnRatesBothExceedFourteenPointFour() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 15, "5m", 15));

            List<KeyValue<String, Anomaly>> anomalies = h.anomalies.readKeyValuesToList();
            List<KeyValue<String, Alert>> alerts = h.alerts.readKeyValuesToList();
            assertThat(anomalies).singleElement().satisfies(kv -> {
                assertThat(kv.key).isEqualTo(DEDUP_KEY);
                Anomaly a = kv.value;
                assertThat(a.getState()).isEqualTo(AnomalyState.OPEN);
                assertThat(a.getType()).isEqualTo(AnomalyType.BURN_RATE);
                assertThat(a.getSeverity()).isEqualTo(Severity.PAGE);
                assertThat(a.getScopeType()).isEqualTo("budget");
                assertThat(a.getScope()).isEqualTo(SCOPE);
                assertThat(a.getDedupKey()).isEqualTo(DEDUP_KEY);
                assertThat(a.getAnomalyId()).isEqualTo(DEDUP_KEY + ":" + T0.toEpochMilli());
                assertThat(a.getStartedAt()).isEqualTo(T0);
                assertThat(a.getCurrency()).isEqualTo("USD");
                // 1h spend at 15x = 15 x 60 x 0.694444... = 625; the 1h pace = 30000 x 1h / 720h = 41.666...
                assertThat(a.getObserved()).isEqualByComparingTo("625");
                assertThat(a.getExpected()).isEqualByComparingTo("41.666666666667");
                assertThat(a.getExcessCostPerHour()).isEqualByComparingTo("583.333333333333");
                assertThat(a.getExcessCost()).isEqualByComparingTo("0");
                assertThat(a.getScore()).isEqualTo(1.0);
                // Since when, and every window's rate: how long it has been burning.
                assertThat(a.getSummary()).isEqualTo("team:payments burning 15.0x budget (1h) and 15.0x (5m) since "
                        + "10:00Z: 30,000 USD/month budget, 625 USD spent in the last hour, projected 61,200 USD by "
                        + "period end; windows 5m 15.0x, 30m 0.0x, 1h 15.0x, 6h 0.0x, 3d 0.0x");
                assertThat(a.getTeam()).isEqualTo("payments");
            });
            assertThat(alerts).singleElement().satisfies(kv -> {
                assertThat(kv.key).isEqualTo(DEDUP_KEY);
                Alert alert = kv.value;
                assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(alert.getSeverity()).isEqualTo(Severity.PAGE);
                assertThat(alert.getAnomalyType()).isEqualTo("BURN_RATE");
                assertThat(alert.getScopeType()).isEqualTo("budget");
                assertThat(alert.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("severity", "page",
                        "type", "burn_rate", "budget", SCOPE, "team", "payments"));
                assertThat(alert.getStartsAt()).isEqualTo(T0);
                assertThat(alert.getEndsAt()).isNull();
                assertThat(alert.getAnomalyIds()).containsExactly(DEDUP_KEY + ":" + T0.toEpochMilli());
                assertThat(alert.getAnnotations()).containsEntry("budget", SCOPE).containsEntry("team", "payments")
                        .containsEntry("since", "10:00Z (" + T0 + ")")
                        .containsEntry("excess_per_hour", "583 USD/h above pace").containsEntry("incident_cost", "0 USD");
            });
            assertThat(h.openGauge()).isEqualTo(1.0);
        }
    }

    @Test
    void shouldNameTheServicesDrivingTheBurnWithTheirSharesAndSinceWhen() {
        try (Harness h = new Harness(Map.of())) {
            // 625 USD in the last hour (15x), 80/20: checkout 500, ledger 125, as attribution lists them.
            BurnRate rate = burnRate(T0, PERIOD_START, PERIOD_END, rates("1h", 15, "5m", 15).rates(), List.of());
            rate.getWindows().get(2).setDrivers(List.of(
                    new BurnDriver("service:checkout", Money.of("500"), T0.minus(Duration.ofMinutes(42))),
                    new BurnDriver("service:ledger", Money.of("125"), T0.minus(Duration.ofMinutes(41)))));
            h.input.pipeInput(SCOPE, rate, T0);

            String drivers = "service checkout 500 USD/h (80%, over pace since 09:18Z), service ledger 125 USD/h "
                    + "(20%, over pace since 09:19Z)";
            assertThat(h.anomalies.readValuesToList()).singleElement().satisfies(a -> assertThat(a.getSummary())
                    .endsWith("3d 0.0x; driven by " + drivers));
            assertThat(h.alerts.readValuesToList()).singleElement().satisfies(alert -> {
                assertThat(alert.getSeverity()).isEqualTo(Severity.PAGE);
                assertThat(alert.getSummary()).endsWith("; driven by " + drivers);
                assertThat(alert.getAnnotations()).containsEntry(BurnRateRecords.DRIVERS, drivers);
            });
        }
    }

    @Test
    void shouldNotPageWhenOnlyTheOneHourRateExceedsTheFastThreshold() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 15, "5m", 10));

            assertThat(h.anomalies.isEmpty()).isTrue();
            assertThat(h.alerts.isEmpty()).isTrue();
            assertThat(h.openGauge()).isZero();
        }
    }

    @Test
    void shouldPageWhenTheSixHourAndThirtyMinuteBurnRatesBothExceedSix() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("6h", 7, "30m", 7));

            Anomaly open = h.anomalies.readValue();
            assertThat(open.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(open.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(open.getSummary()).startsWith("team:payments burning 7.0x budget (6h) and 7.0x (30m) since ");
            assertThat(h.alerts.readValue().getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(h.anomalies.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldTicketWhenTheThreeDayAndSixHourBurnRatesBothExceedOne() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("3d", 1.5, "6h", 1.5));

            Anomaly open = h.anomalies.readValue();
            assertThat(open.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(open.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(open.getSummary()).startsWith("team:payments burning 1.5x budget (3d) and 1.5x (6h) since ");
            Alert alert = h.alerts.readValue();
            assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(alert.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(alert.getLabels()).containsEntry("severity", "ticket");
        }
    }

    @Test
    void shouldNotTicketWhenTheSixHourRateIsBelowOne() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("3d", 1.5, "6h", 0.9));

            assertThat(h.anomalies.isEmpty()).isTrue();
            assertThat(h.alerts.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldNotFireOnARateExactlyAtItsThreshold() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 14.4, "5m", 14.4, "3d", 1.0, "6h", 1.0));

            assertThat(h.anomalies.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldEscalateATicketToAPageWithAnUpdateAndASecondFiringAlert() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("3d", 1.5, "6h", 1.5));
            h.send(T0.plusSeconds(10), rates("3d", 1.5, "6h", 1.5));
            h.send(T0.plusSeconds(20), rates("3d", 1.6, "6h", 7, "30m", 8));

            List<Anomaly> events = h.anomalies.readValuesToList();
            List<Alert> alerts = h.alerts.readValuesToList();
            assertThat(events).extracting(Anomaly::getState).containsExactly(AnomalyState.OPEN, AnomalyState.UPDATE);
            assertThat(events).extracting(Anomaly::getSeverity).containsExactly(Severity.TICKET, Severity.PAGE);
            assertThat(events).extracting(Anomaly::getAnomalyId).containsOnly(DEDUP_KEY + ":" + T0.toEpochMilli());
            assertThat(events.get(1).getObservedAt()).isEqualTo(T0.plusSeconds(20));
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.FIRING);
            assertThat(alerts).extracting(Alert::getSeverity).containsExactly(Severity.TICKET, Severity.PAGE);
            assertThat(alerts).extracting(Alert::getDedupKey).containsOnly(DEDUP_KEY);
            assertThat(h.openGauge()).isEqualTo(1.0);
        }
    }

    @Test
    void shouldUpdateButNotAlertWhenAPageFallsBackToATicket() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 15, "5m", 15, "3d", 1.5, "6h", 1.5));
            h.send(T0.plusSeconds(10), rates("1h", 15, "5m", 2, "3d", 1.5, "6h", 1.5));

            assertThat(h.anomalies.readValuesToList()).extracting(Anomaly::getState, Anomaly::getSeverity)
                    .containsExactly(tuple(AnomalyState.OPEN, Severity.PAGE),
                            tuple(AnomalyState.UPDATE, Severity.TICKET));
            assertThat(h.alerts.readValuesToList()).extracting(Alert::getStatus, Alert::getSeverity)
                    .containsExactly(tuple(AlertStatus.FIRING, Severity.PAGE));
        }
    }

    @Test
    void shouldResolveWithAResolvedAlertOnceNoRuleHasFiredForFiveMinutes() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 15, "5m", 15));
            h.send(T0.plusSeconds(60), rates("1h", 15, "5m", 15));
            h.send(T0.plusSeconds(120), allAt(0.5));
            assertThat(h.anomalies.readValuesToList()).extracting(Anomaly::getState)
                    .containsExactly(AnomalyState.OPEN);
            h.send(T0.plusSeconds(400), allAt(0.5));
            assertThat(h.anomalies.isEmpty()).as("quiet for 4m40s only").isTrue();
            h.send(T0.plusSeconds(420), allAt(0.5));

            Anomaly resolved = h.anomalies.readValue();
            assertThat(resolved.getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(resolved.getEndedAt()).isEqualTo(T0.plusSeconds(120));
            assertThat(resolved.getObservedAt()).isEqualTo(T0.plusSeconds(420));
            assertThat(resolved.getScore()).isEqualTo(0.5 / 1.0);
            // Spend above pace, from each evaluation's shortest covering window: +60 s at 15x, +60 s at 0.5x,
            // +280 s at 0.5x, +20 s at 0.5x = pace/min x (14 - 0.5 - 2.333... - 0.1666...) = 11 x 0.694444...
            assertThat(resolved.getExcessCost().doubleValue()).isCloseTo(11 * 30000.0 / 43200, within(1e-9));
            assertThat(resolved.getPeakObserved()).isEqualByComparingTo("625");
            assertThat(resolved.getSummary())
                    .isEqualTo("team:payments burn rate back under the rules (0.5x 1h): ~8 USD above pace 10:00Z-10:02Z");
            List<Alert> alerts = h.alerts.readValuesToList();
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(alerts.get(1).getEndsAt()).isEqualTo(T0.plusSeconds(120));
            assertThat(alerts.get(1).getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(h.openGauge()).isZero();
            assertThat(h.store().get(SCOPE).getOpen()).isNull();
        }
    }

    @Test
    void shouldKeepOneAnomalyWhenARuleFlickersWithinTheResolveDelay() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 15, "5m", 15));
            h.send(T0.plusSeconds(30), rates("1h", 15, "5m", 14));
            h.send(T0.plusSeconds(200), rates("1h", 15, "5m", 15));
            h.send(T0.plusSeconds(400), rates("1h", 15, "5m", 16));

            assertThat(h.anomalies.readValuesToList()).extracting(Anomaly::getState)
                    .containsExactly(AnomalyState.OPEN);
            assertThat(h.alerts.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void shouldAlertEachBudgetStageOncePerPeriod() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, stages(0.5));
            h.send(T0.plusSeconds(10), stages(0.5, 0.75));
            h.send(T0.plusSeconds(20), stages(0.5, 0.75));
            h.send(T0.plusSeconds(30), stages(0.5));

            List<KeyValue<String, Alert>> alerts = h.alerts.readKeyValuesToList();
            assertThat(alerts).extracting(kv -> kv.key)
                    .containsExactly("budget-stage:team:payments:0.5", "budget-stage:team:payments:0.75");
            assertThat(alerts).extracting(kv -> kv.value.getStatus()).containsOnly(AlertStatus.FIRING);
            assertThat(alerts).extracting(kv -> kv.value.getSeverity()).containsOnly(Severity.TICKET);
            Alert half = alerts.get(0).value;
            assertThat(half.getDedupKey()).isEqualTo("budget-stage:team:payments:0.5");
            assertThat(half.getAnomalyType()).isEqualTo("BUDGET_STAGE");
            assertThat(half.getScope()).isEqualTo(SCOPE);
            assertThat(half.getStartsAt()).isEqualTo(T0);
            assertThat(half.getLabels()).containsEntry("stage", "0.5").containsEntry("team", "payments");
            assertThat(half.getSummary()).isEqualTo("team:payments consumed 50% of its 30,000 USD/month budget "
                    + "(15,600 USD), projected 61,200 USD by period end");
            assertThat(h.anomalies.isEmpty()).as("a stage is an alert, not an anomaly").isTrue();
        }
    }

    @Test
    void shouldPageWhenTheWholeBudgetIsConsumed() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, stages(0.5, 0.75, 0.9, 1.0));

            assertThat(h.alerts.readValuesToList()).extracting(Alert::getDedupKey, Alert::getSeverity).containsExactly(
                    tuple("budget-stage:team:payments:0.5", Severity.TICKET),
                    tuple("budget-stage:team:payments:0.75", Severity.TICKET),
                    tuple("budget-stage:team:payments:0.9", Severity.TICKET),
                    tuple("budget-stage:team:payments:1.0", Severity.PAGE));
        }
    }

    @Test
    void shouldResolveLastPeriodsStagesAndAlertThemAgainInANewPeriod() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, stages(0.5));
            Instant december = PERIOD_END.plusSeconds(600);
            h.input.pipeInput(SCOPE, burnRate(december, PERIOD_END, Instant.parse("2027-01-01T00:00:00Z"),
                    Map.of(), List.of(0.5)), december);

            List<Alert> alerts = h.alerts.readValuesToList();
            assertThat(alerts).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.FIRING);
            assertThat(alerts).extracting(Alert::getDedupKey).containsOnly("budget-stage:team:payments:0.5");
            assertThat(alerts.get(1).getEndsAt()).isEqualTo(PERIOD_END);
            assertThat(alerts.get(2).getStartsAt()).isEqualTo(december);
        }
    }

    @Test
    void shouldResolveAnOpenAnomalyAndItsStagesWhenTheBudgetIsDeleted() {
        try (Harness h = new Harness(Map.of())) {
            h.input.pipeInput("team:unknown", null, T0);
            h.send(T0, rates("1h", 15, "5m", 15).withStages(0.5));
            h.input.pipeInput(SCOPE, null, T0.plusSeconds(30));

            List<Anomaly> events = h.anomalies.readValuesToList();
            assertThat(events).extracting(Anomaly::getState).containsExactly(AnomalyState.OPEN, AnomalyState.RESOLVED);
            assertThat(events.get(1).getEndedAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(events.get(1).getSummary()).startsWith("team:payments budget deleted: burn-rate anomaly since "
                    + "10:00Z closed");
            assertThat(h.alerts.readValuesToList()).extracting(Alert::getDedupKey, Alert::getStatus).containsExactly(
                    tuple(DEDUP_KEY, AlertStatus.FIRING),
                    tuple("budget-stage:team:payments:0.5", AlertStatus.FIRING),
                    tuple(DEDUP_KEY, AlertStatus.RESOLVED),
                    tuple("budget-stage:team:payments:0.5", AlertStatus.RESOLVED));
            assertThat(h.store().get(SCOPE)).isNull();
            assertThat(h.openGauge()).isZero();
        }
    }

    @Test
    void shouldIgnoreAnEvaluationOlderThanTheLastOne() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0.plusSeconds(60), allAt(0.5));
            h.send(T0, rates("1h", 15, "5m", 15));

            assertThat(h.anomalies.isEmpty()).isTrue();
            assertThat(h.fixture.count(BurnRateProcessor.STALE)).isEqualTo(1);
        }
    }

    @Test
    void shouldTakeItsThresholdsAndResolveDelayFromSettings() {
        Map<String, String> settings = Map.of(BurnRateSettings.FAST_PAGE, "20", BurnRateSettings.TICKET, "0.5",
                BurnRateSettings.RESOLVE_AFTER, "0s");
        try (Harness h = new Harness(settings)) {
            h.send(T0, rates("1h", 15, "5m", 15));
            assertThat(h.anomalies.isEmpty()).as("15x is below a fast-page threshold of 20").isTrue();

            h.send(T0.plusSeconds(10), rates("3d", 0.8, "6h", 0.8));
            h.send(T0.plusSeconds(20), allAt(0.1));

            List<Anomaly> events = h.anomalies.readValuesToList();
            assertThat(events).extracting(Anomaly::getState).containsExactly(AnomalyState.OPEN, AnomalyState.RESOLVED);
            assertThat(events.get(0).getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(events.get(1).getEndedAt()).isEqualTo(T0.plusSeconds(20));
        }
    }

    @Test
    void shouldLeaveTheCostSpikePathAlone() {
        try (Harness h = new Harness(Map.of())) {
            h.send(T0, rates("1h", 15, "5m", 15));

            assertThat(h.fixture.count("spendstream.records.in", "stage", "anomaly")).isEqualTo(1);
            assertThat(h.fixture.driver().getKeyValueStore(CostSpikeTopology.STORE).approximateNumEntries()).isZero();
        }
    }

    // --- hand-built spend.burn-rate records ---

    /** One evaluation's window rates by name (windows not named run at 0x) and its crossed stages. */
    private record Eval(Map<String, Double> rates, List<Double> stages) {

        Eval withStages(double... fractions) {
            List<Double> list = new ArrayList<>();
            for (double f : fractions) {
                list.add(f);
            }
            return new Eval(rates, list);
        }
    }

    /** e.g. {@code rates("1h", 15, "5m", 15)}. */
    private static Eval rates(Object... nameRate) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (int i = 0; i < nameRate.length; i += 2) {
            rates.put((String) nameRate[i], ((Number) nameRate[i + 1]).doubleValue());
        }
        return new Eval(rates, List.of());
    }

    private static Eval allAt(double rate) {
        return rates("5m", rate, "30m", rate, "1h", rate, "6h", rate, "3d", rate);
    }

    /** Quiet windows (0.5x) with these stages crossed. */
    private static Eval stages(double... fractions) {
        return allAt(0.5).withStages(fractions);
    }

    /**
     * A November evaluation of the 30,000 USD budget: each window's spend is its rate x its length x 0.694444... USD
     * a minute; consumed 15,600, projected 61,200.
     */
    private static BurnRate burnRate(Instant evaluatedAt, Instant periodStart, Instant periodEnd,
            Map<String, Double> rates, List<Double> stagesCrossed) {
        long periodMinutes = Duration.between(periodStart, periodEnd).toMinutes();
        List<BurnWindow> windows = new ArrayList<>();
        for (String name : List.of("5m", "30m", "1h", "6h", "3d")) {
            double rate = rates.getOrDefault(name, 0.0);
            long minutes = switch (name) {
                case "5m" -> 5;
                case "30m" -> 30;
                case "1h" -> 60;
                case "6h" -> 360;
                default -> 4320;
            };
            BigDecimal spend = BigDecimal.valueOf(rate).multiply(BigDecimal.valueOf(minutes)).multiply(BUDGET)
                    .divide(BigDecimal.valueOf(periodMinutes), Money.SCALE, RoundingMode.HALF_EVEN);
            windows.add(BurnWindow.newBuilder().setWindow(name).setSpend(Money.of(spend)).setBurnRate(rate).build());
        }
        return BurnRate.newBuilder()
                .setScope(SCOPE)
                .setCurrency("USD")
                .setBudgetAmount(Money.of(BUDGET))
                .setPeriod("MONTH")
                .setPeriodStart(periodStart)
                .setPeriodEnd(periodEnd)
                .setEvaluatedAt(evaluatedAt)
                .setConsumed(Money.of("15600"))
                .setProjectedPeriodSpend(Money.of("61200"))
                .setWindows(windows)
                .setStagesCrossed(stagesCrossed)
                .build();
    }

    /** The app under test with its burn-rate input, both outputs and the burn-rate store. */
    private static final class Harness implements AutoCloseable {
        final TopologyFixture fixture;
        final TestInputTopic<String, BurnRate> input;
        final TestOutputTopic<String, Anomaly> anomalies;
        final TestOutputTopic<String, Alert> alerts;

        Harness(Map<String, String> overrides) {
            // What the rules raise, unhidden by the alert gate's cooldown (AlertGateTest covers the gate).
            Map<String, String> settings = new HashMap<>(Map.of(AlertGateSettings.COOLDOWN, "0s"));
            settings.putAll(overrides);
            fixture = TopologyFixture.of(new AnomalyApp(), settings);
            input = fixture.input(fixture.topics().burnRate);
            anomalies = fixture.output(fixture.topics().anomalies);
            alerts = fixture.output(fixture.topics().alerts);
        }

        void send(Instant evaluatedAt, Eval eval) {
            input.pipeInput(SCOPE, burnRate(evaluatedAt, PERIOD_START, PERIOD_END, eval.rates(), eval.stages()),
                    evaluatedAt);
        }

        KeyValueStore<String, BurnRateStateRecord> store() {
            return fixture.driver().getKeyValueStore(BurnRateTopology.STORE);
        }

        double openGauge() {
            return fixture.meters().get(OpenAnomalies.GAUGE).gauge().value();
        }

        @Override
        public void close() {
            fixture.close();
        }
    }
}
