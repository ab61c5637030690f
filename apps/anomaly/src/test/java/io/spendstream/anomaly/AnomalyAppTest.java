package io.spendstream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.UnitCostFeed.Update;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.gate.AlertGateTopology;
import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.SkewedDelivery;
import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.anomaly.spike.CostSpikeProcessor;
import io.spendstream.anomaly.spike.CostSpikeTopology;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.testing.TopologyFixture;

public class AnomalyAppTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final String DEDUP_KEY = "cost-spike:service:checkout";
    /** Event-time skew of the out-of-order deliveries: below the 10-minute settle horizon, as the brief says. */
    private static final Duration SKEW = Duration.ofMinutes(8);
    /** The alert gate's default cooldown: a RESOLVED goes out this long (wall clock) after the detector's. */
    private static final Duration COOLDOWN = AlertGateSettings.defaults().cooldown();
    /**
     * For tests that check the alerts of a whole spike: the test driver runs minutes of stream time while the wall
     * clock stands still, so the gate's group wait (wall clock) would still hold the FIRING when the spike resolves.
     * The group wait is {@code AlertGateTest}'s subject.
     */
    public static final Map<String, String> NO_GROUP_WAIT = Map.of(AlertGateSettings.GROUP_WAIT, "0s");
    /**
     * For tests of the service detector: their services name no team, so the default team scope would see them all
     * as team {@code unallocated} and raise its own anomaly on their spikes (checked in {@code ScopeDetectionTest}).
     */
    public static final Map<String, String> SERVICE_ONLY = Map.of(ScopeSettings.SCOPES, "service");
    public static final Map<String, String> SERVICE_ONLY_NO_GROUP_WAIT = Map.of(ScopeSettings.SCOPES, "service",
            AlertGateSettings.GROUP_WAIT, "0s");

    @Test
    public void shouldRaiseNothingOnSteadyNoisyCostsForHours() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 4);
            Random random = new Random(20261123);

            for (int m = 0; m < 6 * 60; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
                feed.window("search", minute(m), UnitCostFeed.noisy(random, 3.00, 0.05));
            }

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.output(fixture.topics().alerts).readValuesToList()).isEmpty();
            assertThat(openGauge(fixture)).isZero();
            assertThat(fixture.count("spendstream.records.in", "stage", "anomaly")).isEqualTo(6 * 60 * 4 * 2);
        }
    }

    @Test
    public void shouldOpenOneAnomalyWithinAMinuteOfATenfoldSpikeUpdateItAndResolveWhenItStops() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 6);
            Random random = new Random(5);
            List<KeyValue<String, Anomaly>> anomalies = new ArrayList<>();
            var anomalyTopic = fixture.output(fixture.topics().anomalies);
            var alertTopic = fixture.output(fixture.topics().alerts);

            for (int m = 0; m < 60; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
                feed.window("search", minute(m), UnitCostFeed.noisy(random, 3.00, 0.05));
            }
            assertThat(anomalyTopic.isEmpty()).isTrue();
            for (int m = 60; m < 70; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 10.00, 0.05));
                feed.window("search", minute(m), UnitCostFeed.noisy(random, 3.00, 0.05));
            }
            double openWhileSpiking = openGauge(fixture);
            for (int m = 70; m < 80; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
                feed.window("search", minute(m), UnitCostFeed.noisy(random, 3.00, 0.05));
            }
            anomalies.addAll(anomalyTopic.readKeyValuesToList());
            // The alert gate holds a RESOLVED for its cooldown (wall-clock time) before it goes out.
            fixture.driver().advanceWallClockTime(COOLDOWN);
            List<Alert> alerts = alertTopic.readValuesToList();

            assertThat(anomalies).extracting(kv -> kv.key).containsOnly(DEDUP_KEY);
            List<Anomaly> events = anomalies.stream().map(kv -> kv.value).toList();
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).hasSize(1);
            assertThat(events.get(0).getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(events.get(events.size() - 1).getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(events.subList(1, events.size() - 1)).extracting(Anomaly::getState)
                    .containsOnly(AnomalyState.UPDATE).hasSizeGreaterThanOrEqualTo(10);
            assertThat(events).extracting(Anomaly::getAnomalyId).containsOnly(DEDUP_KEY + ":" + minute(60).toEpochMilli());

            Anomaly open = events.get(0);
            assertThat(open.getObservedAt()).isBefore(minute(60).plusSeconds(60));
            assertThat(open.getStartedAt()).isEqualTo(minute(60));
            assertThat(open.getType()).isEqualTo(AnomalyType.COST_SPIKE);
            assertThat(open.getScopeType()).isEqualTo("service");
            assertThat(open.getScope()).isEqualTo("checkout");
            assertThat(open.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(open.getScore()).isGreaterThan(0.99);
            assertThat(open.getTopContributors()).singleElement().satisfies(c -> {
                assertThat(c.getKind()).isEqualTo("service");
                assertThat(c.getName()).isEqualTo("checkout");
                assertThat(c.getShare()).isEqualTo(1.0);
                assertThat(c.getExcess()).isEqualByComparingTo(c.getObserved().subtract(c.getExpected()));
            });
            assertThat(open.getSummary()).startsWith("checkout cost ~").contains(" USD/min vs 1.")
                    .contains("USD/h excess since 11:00Z");

            Anomaly lastUpdate = events.get(events.size() - 2);
            assertThat(lastUpdate.getPeakObserved()).isGreaterThan(new BigDecimal("9"));
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getEndedAt()).isEqualTo(minute(70));
            // Ten minutes at ~9 USD a minute above a ~1 USD baseline.
            assertThat(resolved.getExcessCost()).isBetween(new BigDecimal("80"), new BigDecimal("100"));
            assertThat(resolved.getSummary()).contains("spike 11:00Z-11:10Z cost");

            // The OPEN read the first part of its window; the next window's figures, more than 1.5x higher, re-send
            // the same alert (same key and labels: receivers update it in place).
            assertThat(alerts).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(alerts.get(1).getLabels()).isEqualTo(alerts.get(0).getLabels());
            assertThat(alerts.get(1).getAnnotations()).containsKey("figures_updated");
            double sent = PageContentTest.perHourIn(alerts.get(0).getAnnotations().get("excess_per_hour"));
            assertThat(PageContentTest.perHourIn(alerts.get(1).getAnnotations().get("excess_per_hour")))
                    .isGreaterThan(1.5 * sent);
            Alert firing = alerts.get(0);
            assertThat(firing.getDedupKey()).isEqualTo(DEDUP_KEY);
            assertThat(firing.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(firing.getLabels()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("severity", "page", "service", "checkout", "type", "cost_spike"));
            assertThat(firing.getStartsAt()).isEqualTo(minute(60));
            assertThat(firing.getEndsAt()).isNull();
            assertThat(firing.getAnomalyIds()).containsExactly(open.getAnomalyId());
            assertThat(alerts.get(2).getEndsAt()).isEqualTo(minute(70));

            assertThat(openWhileSpiking).isEqualTo(1.0);
            assertThat(openGauge(fixture)).isZero();
        }
    }

    @Test
    public void shouldIgnoreWindowsThatHaveOnlyApmDataSoFar() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            var input = fixture.input(fixture.topics().unitCost);
            UnitCostFeed feed = new UnitCostFeed(input, 4);
            Random random = new Random(11);
            // While catching up, APM summaries (one hop) reach attribution long before the cost lines (three hops):
            // an hour of APM-only windows (cost 0, no cost line) first, then the costs of the same hour.
            for (int m = 0; m < 60; m++) {
                input.pipeInput("checkout", apmOnly("checkout", minute(m)), minute(m));
            }
            for (int m = 0; m < 60; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
            }

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.count("spendstream.anomaly.no.cost.updates")).isEqualTo(60);
            assertThat(fixture.count("spendstream.anomaly.late.updates")).isZero();
        }
    }

    @Test
    public void shouldLearnFromOneMinuteWindowsOnlyAndIgnoreHourlyOnes() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            var input = fixture.input(fixture.topics().unitCost);
            UnitCostFeed feed = new UnitCostFeed(input, 4);
            Random random = new Random(3);
            for (int m = 0; m < 90; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
                if (m == 62) {
                    // Attribution's running total of the hour that started at minute 60 (three minutes so far):
                    // taken as the minute window starting at the same time, it would look like a 3x spike.
                    io.spendstream.avro.UnitCost hour = UnitCostFeed.unitCost("checkout", minute(60),
                            new BigDecimal("3.00"));
                    hour.setWindowSize("PT1H");
                    hour.setWindowEnd(minute(120));
                    input.pipeInput("checkout", hour, minute(m));
                }
            }

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
        }
    }

    private static io.spendstream.avro.UnitCost apmOnly(String service, Instant windowStart) {
        io.spendstream.avro.UnitCost update = UnitCostFeed.unitCost(service, windowStart, BigDecimal.ZERO);
        update.setCostRecords(0);
        return update;
    }

    @Test
    public void shouldRaiseNothingDuringWarmUp() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 6);

            for (int m = 0; m < 5; m++) {
                feed.window("checkout", minute(m), new BigDecimal("1.00"));
            }
            for (int m = 5; m < 9; m++) {
                feed.window("checkout", minute(m), new BigDecimal("10.00"));
            }

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.output(fixture.topics().alerts).readValuesToList()).isEmpty();
        }
    }

    @Test
    public void shouldCarryOnAcrossAGapAndStillCatchTheNextSpike() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY)) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 3);
            Random random = new Random(11);

            for (int m = 0; m < 30; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
            }
            // 20 minutes with no cost at all, then back to normal for an hour.
            for (int m = 50; m < 110; m++) {
                feed.window("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05));
            }
            var anomalyTopic = fixture.output(fixture.topics().anomalies);
            List<Anomaly> afterGap = anomalyTopic.readValuesToList();
            feed.window("checkout", minute(110), new BigDecimal("10.00"));

            KeyValueStore<String, DetectorState> store = fixture.driver().getKeyValueStore(CostSpikeTopology.STORE);
            // 30 windows, then 50 of the 60 after the gap: the gap is skipped, not learned as 20 zero-cost windows
            // (it used to be), and the 10 newest windows have not settled yet.
            assertThat(store.get("checkout").baseline().learnedWindows()).isEqualTo(30 + 50);
            assertThat(store.get("checkout").baseline().level()).isCloseTo(1.0, within(0.05));
            assertThat(anomalyTopic.readValuesToList()).extracting(Anomaly::getState)
                    .containsExactly(AnomalyState.OPEN);
            // Cost coming back after an outage is a return to normal, not a spike worth a page.
            assertThat(afterGap).isEmpty();
        }
    }

    @Test
    public void shouldIgnoreAndCountLateUpdatesOfAnOlderWindow() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 2);
            for (int m = 0; m < 30; m++) {
                feed.window("checkout", minute(m), new BigDecimal("1.00"));
            }

            feed.update("checkout", minute(12), new BigDecimal("50.00"), minute(12).plusSeconds(59));

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.count(CostSpikeProcessor.LATE_UPDATES)).isEqualTo(1.0);
        }
    }

    @Test
    public void shouldContinueAnOpenAnomalyFromRestoredState() {
        List<KeyValue<String, DetectorState>> saved = new ArrayList<>();
        List<KeyValue<String, AlertGateStateRecord>> savedGate = new ArrayList<>();
        String anomalyId;
        try (TopologyFixture before = TopologyFixture.of(new AnomalyApp(), NO_GROUP_WAIT)) {
            UnitCostFeed feed = new UnitCostFeed(before.input(before.topics().unitCost), 6);
            for (int m = 0; m < 30; m++) {
                feed.window("checkout", minute(m), new BigDecimal("1.00"));
            }
            feed.window("checkout", minute(30), new BigDecimal("10.00"));
            anomalyId = before.output(before.topics().anomalies).readValuesToList().get(0).getAnomalyId();
            KeyValueStore<String, DetectorState> store = before.driver().getKeyValueStore(CostSpikeTopology.STORE);
            try (KeyValueIterator<String, DetectorState> all = store.all()) {
                all.forEachRemaining(saved::add);
            }
            KeyValueStore<String, AlertGateStateRecord> gate =
                    before.driver().getKeyValueStore(AlertGateTopology.GATE_STORE);
            try (KeyValueIterator<String, AlertGateStateRecord> all = gate.all()) {
                all.forEachRemaining(savedGate::add);
            }
        }

        try (TopologyFixture after = TopologyFixture.of(new AnomalyApp(), NO_GROUP_WAIT)) {
            // What a restart restores from the store's changelog, written through the store's own serde.
            KeyValueStore<String, DetectorState> store = after.driver().getKeyValueStore(CostSpikeTopology.STORE);
            saved.forEach(kv -> store.put(kv.key, kv.value));
            // The alert gate's store too: it knows the alert fired, so it lets the RESOLVED through.
            KeyValueStore<String, AlertGateStateRecord> gate =
                    after.driver().getKeyValueStore(AlertGateTopology.GATE_STORE);
            savedGate.forEach(kv -> gate.put(kv.key, kv.value));
            UnitCostFeed feed = new UnitCostFeed(after.input(after.topics().unitCost), 6);
            feed.window("checkout", minute(31), new BigDecimal("10.00"));
            for (int m = 32; m < 36; m++) {
                feed.window("checkout", minute(m), new BigDecimal("1.00"));
            }

            List<Anomaly> events = after.output(after.topics().anomalies).readValuesToList();
            assertThat(events).extracting(Anomaly::getState).containsExactly(AnomalyState.UPDATE,
                    AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.RESOLVED);
            assertThat(events).extracting(Anomaly::getAnomalyId).containsOnly(anomalyId);
            // Two windows at 10 over a baseline of exactly 1: the incident's windows settle only 10 minutes later, so
            // they have not nudged the baseline (they used to, being learned as soon as the next window came).
            assertThat(events.get(3).getExcessCost()).isEqualByComparingTo("18");
            after.driver().advanceWallClockTime(COOLDOWN);
            // The restored gate knows what it sent: minute 31's whole window, far above the partial one the OPEN
            // read, re-sends the alert once (same key), then the RESOLVED.
            assertThat(after.output(after.topics().alerts).readValuesToList()).extracting(Alert::getStatus,
                    Alert::getDedupKey).containsExactly(tuple(AlertStatus.FIRING, DEDUP_KEY),
                    tuple(AlertStatus.RESOLVED, DEDUP_KEY));
        }
    }

    @Test
    public void shouldRaiseNothingOnSteadyNoisyCostsOfSeveralServicesDeliveredOutOfOrder() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 4);
            Random random = new Random(1927);
            List<Update> inOrder = new ArrayList<>();
            for (int m = 0; m < 120; m++) {
                inOrder.addAll(steadyMinute(feed, random, m));
            }
            List<Update> delivered = SkewedDelivery.shuffle(inOrder, Update::eventTime, SKEW.toMillis(), random);

            delivered.forEach(feed::pipe);

            assertThat(SkewedDelivery.maxSkew(delivered, Update::eventTime))
                    .isGreaterThan(Duration.ofMinutes(7).toMillis());
            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.output(fixture.topics().alerts).readValuesToList()).isEmpty();
            assertThat(fixture.count(CostSpikeProcessor.LATE_UPDATES)).isZero();
            KeyValueStore<String, DetectorState> store = fixture.driver().getKeyValueStore(CostSpikeTopology.STORE);
            assertThat(store.get("checkout").baseline().level()).isCloseTo(1.00, within(0.05));
            assertThat(store.get("search").baseline().level()).isCloseTo(3.00, within(0.15));
            assertThat(store.get("ledger").baseline().level()).isCloseTo(0.40, within(0.04));
        }
    }

    @Test
    public void shouldOpenOneAnomalyOnATenfoldSpikeDeliveredOutOfOrderAndResolveItAfterItStops() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 4);
            Random random = new Random(1948);
            List<Update> inOrder = new ArrayList<>();
            for (int m = 0; m < 120; m++) {
                List<Update> minute = steadyMinute(feed, random, m);
                if (m >= 60 && m < 65) {
                    minute = new ArrayList<>(minute.stream().filter(u -> !u.service().equals("checkout")).toList());
                    minute.addAll(feed.updatesOf("checkout", minute(m), UnitCostFeed.noisy(random, 10.00, 0.05)));
                }
                inOrder.addAll(minute);
            }
            List<Update> delivered = SkewedDelivery.shuffle(inOrder, Update::eventTime, SKEW.toMillis(), random);
            var anomalyTopic = fixture.output(fixture.topics().anomalies);
            List<KeyValue<String, Anomaly>> anomalies = new ArrayList<>();
            long streamTime = Long.MIN_VALUE;
            long firstSpikeAt = -1;
            long openedAt = -1;

            for (Update update : delivered) {
                feed.pipe(update);
                streamTime = Math.max(streamTime, update.eventTime());
                boolean spike = update.service().equals("checkout") && !update.windowStart().isBefore(minute(60))
                        && update.windowStart().isBefore(minute(65));
                if (spike && firstSpikeAt < 0) {
                    firstSpikeAt = streamTime;
                }
                anomalies.addAll(anomalyTopic.readKeyValuesToList());
                if (openedAt < 0 && !anomalies.isEmpty()) {
                    openedAt = streamTime;
                }
            }
            fixture.driver().advanceWallClockTime(COOLDOWN);
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList();

            assertThat(anomalies).extracting(kv -> kv.key).containsOnly(DEDUP_KEY);
            List<Anomaly> events = anomalies.stream().map(kv -> kv.value).toList();
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).hasSize(1);
            assertThat(events.get(0).getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(events.get(events.size() - 1).getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(events.subList(1, events.size() - 1)).extracting(Anomaly::getState)
                    .containsOnly(AnomalyState.UPDATE).isNotEmpty();
            assertThat(events).extracting(Anomaly::getAnomalyId).containsOnly(events.get(0).getAnomalyId());
            // Opened within the first minute of stream time after the spike first showed up (on its first update),
            // however late the spike's first window was delivered.
            assertThat(openedAt - firstSpikeAt).isLessThan(Duration.ofMinutes(1).toMillis());
            assertThat(Instant.ofEpochMilli(openedAt)).isBefore(minute(60).plus(SKEW).plus(Duration.ofMinutes(1)));
            Anomaly open = events.get(0);
            assertThat(open.getStartedAt()).isBetween(minute(60), minute(64));
            assertThat(open.getSeverity()).isEqualTo(Severity.PAGE);
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getEndedAt()).isAfter(minute(60)).isBeforeOrEqualTo(minute(65));
            assertThat(resolved.getObservedAt()).isAfter(minute(65));
            assertThat(resolved.getExcessCost()).isGreaterThan(new BigDecimal("9"));
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(openGauge(fixture)).isZero();
        }
    }

    @Test
    public void shouldRaiseNothingWhenAServiceResumesNormallyAfterHalfAnHourWithoutData() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            UnitCostFeed feed = new UnitCostFeed(fixture.input(fixture.topics().unitCost), 4);
            Random random = new Random(30);
            List<Update> inOrder = new ArrayList<>();
            for (int m = 0; m < 130; m++) {
                if (m < 40 || m >= 70) {
                    inOrder.addAll(feed.updatesOf("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05)));
                }
            }

            SkewedDelivery.shuffle(inOrder, Update::eventTime, SKEW.toMillis(), random).forEach(feed::pipe);

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.output(fixture.topics().alerts).readValuesToList()).isEmpty();
            DetectorState checkout = fixture.driver().<String, DetectorState>getKeyValueStore(CostSpikeTopology.STORE)
                    .get("checkout");
            // The 30 missing windows were skipped: learned are 0..39 and 70..110. The rest has not settled: the
            // horizon is the skew seen (8 minutes) plus settle (SettleHorizon), so 8 windows more than in order.
            assertThat(checkout.baseline().learnedWindows()).isEqualTo(40 + 41);
            assertThat(checkout.baseline().level()).isCloseTo(1.00, within(0.05));
        }
    }

    /** One minute of steady noisy cost of the three services the out-of-order tests use. */
    private static List<Update> steadyMinute(UnitCostFeed feed, Random random, int m) {
        List<Update> updates = new ArrayList<>();
        updates.addAll(feed.updatesOf("checkout", minute(m), UnitCostFeed.noisy(random, 1.00, 0.05)));
        updates.addAll(feed.updatesOf("search", minute(m), UnitCostFeed.noisy(random, 3.00, 0.05)));
        updates.addAll(feed.updatesOf("ledger", minute(m), UnitCostFeed.noisy(random, 0.40, 0.10)));
        return updates;
    }

    private static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    private static double openGauge(TopologyFixture fixture) {
        return fixture.meters().get(OpenAnomalies.GAUGE).gauge().value();
    }

}
