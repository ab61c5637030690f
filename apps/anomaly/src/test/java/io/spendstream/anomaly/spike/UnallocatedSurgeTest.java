package io.spendstream.anomaly.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.AnomalyAppTest;
import io.spendstream.anomaly.ServiceWindows;
import io.spendstream.anomaly.UnitCostFeed;
import io.spendstream.anomaly.drift.DriftProcessor;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * UNALLOCATED_SURGE end to end: the spend enrich could not attribute arrives on {@code spend.unit-cost} as the
 * service {@code unallocated} (no requests), with its untagged resources as children; one of them goes 10x.
 */
class UnallocatedSurgeTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final String DEDUP_KEY = "unallocated-surge:service:unallocated";
    private static final Duration COOLDOWN = AlertGateSettings.defaults().cooldown();

    @Test
    void shouldOpenAnUnallocatedSurgeThatNamesTheUntaggedResourceThatSpikedAndPagesByItsMoney() {
        // Service scope only: the team scope's `unallocated` team (ScopeDetectionTest) would see the same spike.
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(),
                AnomalyAppTest.SERVICE_ONLY_NO_GROUP_WAIT)) {
            List<KeyValue<String, Anomaly>> anomalies = runTenfoldSpikeOfOneUntaggedResource(fixture);
            fixture.driver().advanceWallClockTime(COOLDOWN);
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList();

            assertThat(anomalies).extracting(kv -> kv.key).containsOnly(DEDUP_KEY);
            List<Anomaly> events = anomalies.stream().map(kv -> kv.value).toList();
            assertThat(events).extracting(Anomaly::getType).containsOnly(AnomalyType.UNALLOCATED_SURGE);
            assertThat(events).extracting(Anomaly::getDedupKey).containsOnly(DEDUP_KEY);
            assertThat(events).extracting(Anomaly::getAnomalyId)
                    .containsOnly(DEDUP_KEY + ":" + minute(60).toEpochMilli());
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).hasSize(1);
            assertThat(events.get(events.size() - 1).getState()).isEqualTo(AnomalyState.RESOLVED);

            Anomaly open = events.get(0);
            assertThat(open.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(open.getScopeType()).isEqualTo("service");
            assertThat(open.getScope()).isEqualTo("unallocated");
            // ~4.5 USD a minute above expected: ~270 USD an hour, over the 100 USD/h page line of cost spikes.
            assertThat(open.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(open.getTopContributors().get(0).getName()).isIn("i-0scratch-gpu", "g5.xlarge");
            assertThat(open.getTopContributors()).extracting(c -> c.getName()).contains("i-0scratch-gpu")
                    .doesNotContain("i-0old-vm");
            assertThat(open.getSummary()).startsWith("untagged spend surged since 11:00Z: ~")
                    .contains("USD/h above expected")
                    .endsWith("tag these resources: i-0scratch-gpu (SKUs g5.xlarge)");
            Anomaly update = events.get(1);
            assertThat(update.getSummary()).contains("excess so far").contains("tag these resources: i-0scratch-gpu");
            assertThat(events.get(events.size() - 2).getSummary())
                    .startsWith("untagged spend surge since 11:00Z quiet in the last window (");
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getSummary()).startsWith("untagged spend back to ").contains("surge 11:00Z-11:10Z cost ");

            assertThat(alerts).extracting(Alert::getDedupKey).containsOnly(DEDUP_KEY);
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(alerts.get(0).getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(alerts.get(0).getAnomalyType()).isEqualTo("UNALLOCATED_SURGE");
            assertThat(alerts.get(0).getLabels()).containsEntry("type", "unallocated_surge")
                    .containsEntry("service", "unallocated").containsEntry("severity", "page");
            assertThat(alerts.get(0).getSummary()).isEqualTo(open.getSummary());
            // No cost-per-request drift for spend without requests: its windows are skipped and counted.
            assertThat(fixture.count(DriftProcessor.SKIPPED_WINDOWS, "stage", "anomaly", "reason", "no-requests"))
                    .isPositive();
        }
    }

    @Test
    void shouldUseAFixedSeverityWhenOneIsConfigured() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), Map.of(UnallocatedSurge.SEVERITY, "ticket",
                ScopeSettings.SCOPES, "service", AlertGateSettings.GROUP_WAIT, "0s"))) {
            List<KeyValue<String, Anomaly>> anomalies = runTenfoldSpikeOfOneUntaggedResource(fixture);
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList();

            assertThat(anomalies).extracting(kv -> kv.value.getSeverity()).containsOnly(Severity.TICKET);
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);
            assertThat(alerts.get(0).getSeverity()).isEqualTo(Severity.TICKET);
        }
    }

    @Test
    void shouldSayHowManyNewUntaggedResourcesToTagNotJustTheFirstFew() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), Map.of(ScopeSettings.SCOPES, "service",
                AlertGateSettings.GROUP_WAIT, "0s"))) {
            ServiceWindows windows = new ServiceWindows(fixture.input(fixture.topics().unitCost), 4);
            Random random = new Random(8);
            for (int m = 0; m < 90; m++) {
                Map<String, BigDecimal> resources = new java.util.TreeMap<>();
                resources.put("i-0old-vm", UnitCostFeed.noisy(random, 0.50, 0.05));
                resources.put("i-0old-db", UnitCostFeed.noisy(random, 0.50, 0.05));
                for (int r = 0; m >= 60 && m < 70 && r < 6; r++) {
                    // Six new untagged VMs: the page must not name four of them as if that were all.
                    resources.put("i-0new-" + r, UnitCostFeed.noisy(random, 1.00 + r * 0.01, 0.01));
                }
                windows.window("unallocated", minute(m), 0, "m6i.large", resources);
            }

            List<Anomaly> anomalies = fixture.output(fixture.topics().anomalies).readValuesToList();
            assertThat(anomalies).isNotEmpty();
            Alert page = fixture.output(fixture.topics().alerts).readValuesToList().get(0);

            // All six, three of them by name.
            assertThat(page.getSummary()).containsPattern("tag these resources: 6 new resources \\(sku m6i\\.large: "
                    + "i-0new-\\d, i-0new-\\d, i-0new-\\d, \\.\\.\\.\\)");
        }
    }

    @Test
    void shouldRefuseAnUnknownSeverity() {
        assertThatThrownBy(() -> UnallocatedSurge.from(new SpendstreamConfig(Map.of(UnallocatedSurge.SEVERITY,
                "loud")), 0.99)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(UnallocatedSurge.SEVERITY);
    }

    /** An hour of two untagged resources (0.50 a minute each), then 10 minutes of the first at 10x, then 20 more. */
    private static List<KeyValue<String, Anomaly>> runTenfoldSpikeOfOneUntaggedResource(TopologyFixture fixture) {
        ServiceWindows windows = new ServiceWindows(fixture.input(fixture.topics().unitCost), 4);
        Random random = new Random(7);
        for (int m = 0; m < 90; m++) {
            double gpu = m >= 60 && m < 70 ? 5.00 : 0.50;
            windows.window("unallocated", minute(m), 0, "g5.xlarge", Map.of(
                    "i-0scratch-gpu", UnitCostFeed.noisy(random, gpu, 0.05),
                    "i-0old-vm", UnitCostFeed.noisy(random, 0.50, 0.05)));
        }
        return fixture.output(fixture.topics().anomalies).readKeyValuesToList();
    }

    private static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }
}
