package io.spendstream.anomaly.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.AnomalyAppTest;
import io.spendstream.anomaly.ServiceWindows;
import io.spendstream.anomaly.UnitCostFeed;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.gate.AlertGateTopology;
import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * COST_PER_REQUEST_DRIFT end to end through the anomaly app: {@code spend.unit-cost} in, {@code spend.anomalies}
 * and (through the alert gate) {@code spend.alerts} out. The service {@code checkout} costs ~1.00 USD a minute
 * (web 0.60, db 0.40, 5% noise) for ~1,000 requests (2% noise): ~0.001 USD per request.
 */
class CostPerRequestDriftTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final String DEDUP_KEY = "cost-per-request-drift:service:checkout";
    private static final Duration COOLDOWN = AlertGateSettings.defaults().cooldown();
    /** Minutes of normal history before anything changes. */
    private static final int HISTORY = 90;
    private static final int DRIFT_MINUTES = 10;

    private final Random random = new Random(20261124);
    private final Map<Integer, Long> requestsByMinute = new HashMap<>();

    @Test
    void shouldOpenOneDriftWhenCostPerRequestDoublesWithFlatRequestsAndResolveWhenItComesBack() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            ServiceWindows windows = new ServiceWindows(fixture.input(fixture.topics().unitCost), 3);
            // The database got expensive (a missing index, a bigger instance): +1.00 a minute, same traffic.
            scenario(windows, HISTORY + 40, m -> window(windows, m, 1.00, 0.60, 1.40));
            List<Anomaly> drift = drift(fixture.output(fixture.topics().anomalies).readKeyValuesToList());
            fixture.driver().advanceWallClockTime(COOLDOWN);
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList().stream()
                    .filter(a -> a.getDedupKey().equals(DEDUP_KEY)).toList();

            String anomalyId = DEDUP_KEY + ":" + minute(HISTORY).toEpochMilli();
            assertThat(drift).extracting(Anomaly::getAnomalyId).containsOnly(anomalyId);
            assertThat(drift).extracting(Anomaly::getState).containsExactly(AnomalyState.OPEN, AnomalyState.UPDATE,
                    AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.UPDATE,
                    AnomalyState.UPDATE, AnomalyState.RESOLVED);
            Anomaly open = drift.get(0);
            // Opened on the fifth settled window of the drift (min-windows 5), which ends at minute 95.
            assertThat(open.getStartedAt()).isEqualTo(minute(HISTORY));
            assertThat(open.getObservedAt()).isEqualTo(minute(HISTORY + 5));
            assertThat(open.getType()).isEqualTo(AnomalyType.COST_PER_REQUEST_DRIFT);
            assertThat(open.getScopeType()).isEqualTo("service");
            assertThat(open.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(open.getObserved()).isBetween(new BigDecimal("0.0018"), new BigDecimal("0.0022"));
            assertThat(open.getExpected()).isBetween(new BigDecimal("0.00095"), new BigDecimal("0.00105"));
            assertThat(open.getSummary()).startsWith("checkout: cost per request 0.00").contains(" USD vs 0.00")
                    .contains("expected (+").contains(") for 5 min, requests flat; ").endsWith(" USD extra so far");
            // What explains it: the database's cost moved (and with it the service's one SKU), the web tier's did not.
            assertThat(open.getTopContributors()).extracting(c -> c.getKind() + ":" + c.getName())
                    .containsExactlyInAnyOrder("resource:db-checkout", "sku:m6i.large");

            // The excess reconciles exactly: each active UPDATE adds (observed - expected) x its window's requests.
            BigDecimal added = Money.ZERO;
            for (Anomaly update : drift.subList(1, drift.size() - 1)) {
                if (update.getScore() >= 0.9) {
                    int m = minuteOf(update.getObservedAt()) - 1;
                    added = added.add(update.getObserved().subtract(update.getExpected())
                            .multiply(BigDecimal.valueOf(requestsByMinute.get(m))));
                }
            }
            Anomaly resolved = drift.get(drift.size() - 1);
            assertThat(resolved.getExcessCost()).isEqualByComparingTo(open.getExcessCost().add(added));
            // The first quiet window: an UPDATE that says the cost per request is back, the excess unchanged.
            Anomaly quiet = drift.get(drift.size() - 2);
            assertThat(quiet.getSummary()).startsWith("checkout: cost per request back to 0.00")
                    .contains("expected in the last window, requests flat; drift since 11:30Z cost ");
            assertThat(quiet.getExcessCost()).isEqualByComparingTo(resolved.getExcessCost());
            // Ten minutes of ~1,000 requests at ~0.001 USD above the usual cost per request.
            assertThat(resolved.getExcessCost()).isBetween(new BigDecimal("9"), new BigDecimal("11"));
            assertThat(resolved.getEndedAt()).isEqualTo(minute(HISTORY + DRIFT_MINUTES));
            assertThat(resolved.getSummary()).startsWith("checkout: cost per request back to 0.00")
                    .contains("drift 11:30Z-11:40Z cost ");
            assertThat(resolved.getPeakObserved()).isGreaterThanOrEqualTo(open.getObserved());

            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(alerts.get(0).getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(alerts.get(0).getLabels()).containsEntry("type", "cost_per_request_drift")
                    .containsEntry("service", "checkout").containsEntry("severity", "ticket");
            assertThat(alerts.get(0).getAnomalyIds()).containsExactly(anomalyId);
            assertThat(alerts.get(1).getEndsAt()).isEqualTo(minute(HISTORY + DRIFT_MINUTES));
            assertThat(fixture.meters().get(OpenAnomalies.GAUGE).gauge().value()).isZero();
        }
    }

    @Test
    void shouldNameTheServiceAndSayRequestsFellWhenTheSpendStaysWhileTrafficHalves() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            ServiceWindows windows = new ServiceWindows(fixture.input(fixture.topics().unitCost), 3);
            // Half the traffic went elsewhere, the fleet did not scale in: the same spend for half the requests.
            scenario(windows, HISTORY + 40, m -> window(windows, m, 0.50, 0.60, 0.40));
            List<KeyValue<String, Anomaly>> anomalies = fixture.output(fixture.topics().anomalies)
                    .readKeyValuesToList();

            List<Anomaly> drift = drift(anomalies);
            assertThat(drift).extracting(Anomaly::getState).startsWith(AnomalyState.OPEN)
                    .endsWith(AnomalyState.RESOLVED);
            Anomaly open = drift.get(0);
            assertThat(open.getSummary()).contains("expected (+").contains(") for 5 min, requests -5");
            // No resource or SKU cost moved: the service itself carries the excess of the window.
            assertThat(open.getTopContributors()).singleElement().satisfies(c -> {
                assertThat(c.getKind()).isEqualTo("service");
                assertThat(c.getName()).isEqualTo("checkout");
                assertThat(c.getExcess()).isPositive();
            });
            // Flat spend is no cost spike.
            assertThat(anomalies).extracting(kv -> kv.value.getType()).doesNotContain(AnomalyType.COST_SPIKE);
        }
    }

    @Test
    void shouldRaiseNoDriftWhenCostAndRequestsDoubleTogether() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            ServiceWindows windows = new ServiceWindows(fixture.input(fixture.topics().unitCost), 3);
            // A traffic peak: twice the requests, twice the cost, the same cost per request.
            scenario(windows, HISTORY + 40, m -> window(windows, m, 2.00, 1.20, 0.80));
            List<KeyValue<String, Anomaly>> anomalies = fixture.output(fixture.topics().anomalies)
                    .readKeyValuesToList();

            assertThat(drift(anomalies)).isEmpty();
            // The doubled spend itself is the cost-spike detector's business.
            assertThat(anomalies).extracting(kv -> kv.value.getType()).contains(AnomalyType.COST_SPIKE);
            assertThat(fixture.count(DriftProcessor.SKIPPED_WINDOWS, "stage", "anomaly", "reason", "few-requests"))
                    .isZero();
        }
    }

    @Test
    void shouldIgnoreWindowsWithTooFewRequests() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            ServiceWindows windows = new ServiceWindows(fixture.input(fixture.topics().unitCost), 3);
            // The same spend over 50 requests a minute (min-requests is 100): 20x the cost per request, noise; then
            // a minute without requests at all.
            scenario(windows, HISTORY + 40, m -> windows.window("checkout", minute(m),
                    m < HISTORY + DRIFT_MINUTES - 1 ? 50 : 0, "m6i.large", resources(0.60, 0.40)));

            assertThat(drift(fixture.output(fixture.topics().anomalies).readKeyValuesToList())).isEmpty();
            assertThat(fixture.count(DriftProcessor.SKIPPED_WINDOWS, "stage", "anomaly", "reason", "few-requests"))
                    .isEqualTo(DRIFT_MINUTES - 1);
            assertThat(fixture.count(DriftProcessor.SKIPPED_WINDOWS, "stage", "anomaly", "reason", "no-requests"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldContinueAnOpenDriftFromRestoredState() {
        List<KeyValue<String, DriftStateRecord>> saved = new ArrayList<>();
        List<KeyValue<String, ContributorBaselinesRecord>> savedChildren = new ArrayList<>();
        List<KeyValue<String, PendingChildrenRecord>> savedPending = new ArrayList<>();
        List<KeyValue<String, AlertGateStateRecord>> savedGate = new ArrayList<>();
        String anomalyId;
        try (TopologyFixture before = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            ServiceWindows windows = new ServiceWindows(before.input(before.topics().unitCost), 3);
            // Up to the window that settles the drift's fifth: the drift opens, nothing more.
            scenario(windows, HISTORY + 16, m -> window(windows, m, 1.00, 0.60, 1.40));
            List<Anomaly> drift = drift(before.output(before.topics().anomalies).readKeyValuesToList());
            assertThat(drift).extracting(Anomaly::getState).containsExactly(AnomalyState.OPEN);
            anomalyId = drift.get(0).getAnomalyId();
            copy(before.driver().getKeyValueStore(DriftTopology.STORE), saved);
            copy(before.driver().getKeyValueStore(DriftTopology.CONTRIBUTOR_STORE), savedChildren);
            copy(before.driver().getKeyValueStore(ContributorStates.pendingStore(DriftTopology.CONTRIBUTOR_STORE)),
                    savedPending);
            copy(before.driver().getKeyValueStore(AlertGateTopology.GATE_STORE), savedGate);
        }

        try (TopologyFixture after = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            // What a restart restores from the stores' changelogs, written through the stores' own serdes.
            KeyValueStore<String, DriftStateRecord> store = after.driver().getKeyValueStore(DriftTopology.STORE);
            saved.forEach(kv -> store.put(kv.key, kv.value));
            KeyValueStore<String, ContributorBaselinesRecord> children =
                    after.driver().getKeyValueStore(DriftTopology.CONTRIBUTOR_STORE);
            savedChildren.forEach(kv -> children.put(kv.key, kv.value));
            KeyValueStore<String, PendingChildrenRecord> pending = after.driver()
                    .getKeyValueStore(ContributorStates.pendingStore(DriftTopology.CONTRIBUTOR_STORE));
            savedPending.forEach(kv -> pending.put(kv.key, kv.value));
            KeyValueStore<String, AlertGateStateRecord> gate =
                    after.driver().getKeyValueStore(AlertGateTopology.GATE_STORE);
            savedGate.forEach(kv -> gate.put(kv.key, kv.value));
            ServiceWindows windows = new ServiceWindows(after.input(after.topics().unitCost), 3);
            for (int m = HISTORY + 16; m < HISTORY + 40; m++) {
                normal(windows, m);
            }

            List<Anomaly> drift = drift(after.output(after.topics().anomalies).readKeyValuesToList());
            assertThat(drift).extracting(Anomaly::getState).containsExactly(AnomalyState.UPDATE,
                    AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.UPDATE,
                    AnomalyState.UPDATE, AnomalyState.RESOLVED);
            assertThat(drift).extracting(Anomaly::getAnomalyId).containsOnly(anomalyId);
            assertThat(drift.get(drift.size() - 1).getEndedAt()).isEqualTo(minute(HISTORY + DRIFT_MINUTES));
            after.driver().advanceWallClockTime(COOLDOWN);
            assertThat(after.output(after.topics().alerts).readValuesToList())
                    .filteredOn(a -> a.getDedupKey().equals(DEDUP_KEY)).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.RESOLVED);
        }
    }

    /**
     * Normal minutes up to {@link #HISTORY}, then {@code drift} for {@link #DRIFT_MINUTES} minutes, then normal ones
     * again until (not including) minute {@code until}.
     */
    private void scenario(ServiceWindows windows, int until, IntConsumer drift) {
        for (int m = 0; m < until; m++) {
            if (m >= HISTORY && m < HISTORY + DRIFT_MINUTES) {
                drift.accept(m);
            } else {
                normal(windows, m);
            }
        }
    }

    private void normal(ServiceWindows windows, int m) {
        window(windows, m, 1.00, 0.60, 0.40);
    }

    /** One minute of checkout at {@code traffic} x 1,000 requests, its web and db costs with 5% noise. */
    private void window(ServiceWindows windows, int m, double traffic, double web, double db) {
        long requests = Math.round(1_000 * traffic * (1 + 0.02 * random.nextGaussian()));
        requestsByMinute.put(m, requests);
        windows.window("checkout", minute(m), requests, "m6i.large", Map.of(
                "web-checkout", UnitCostFeed.noisy(random, web, 0.05),
                "db-checkout", UnitCostFeed.noisy(random, db, 0.05)));
    }

    private static Map<String, BigDecimal> resources(double web, double db) {
        return Map.of("web-checkout", BigDecimal.valueOf(web), "db-checkout", BigDecimal.valueOf(db));
    }

    private static List<Anomaly> drift(List<KeyValue<String, Anomaly>> anomalies) {
        List<Anomaly> drift = new ArrayList<>();
        for (KeyValue<String, Anomaly> kv : anomalies) {
            if (kv.value.getType() == AnomalyType.COST_PER_REQUEST_DRIFT) {
                assertThat(kv.key).isEqualTo(DEDUP_KEY);
                assertThat(kv.value.getDedupKey()).isEqualTo(DEDUP_KEY);
                drift.add(kv.value);
            }
        }
        return drift;
    }

    private static <V> void copy(KeyValueStore<String, V> store, List<KeyValue<String, V>> into) {
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(into::add);
        }
    }

    private static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    private static int minuteOf(Instant time) {
        return (int) Duration.between(T0, time).toMinutes();
    }
}
