package io.spendstream.anomaly.scopes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.AnomalyAppTest;
import io.spendstream.anomaly.UnitCostFeed;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.contributors.PendingChildrenSerde;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.gate.AlertGateTest;
import io.spendstream.anomaly.gate.AlertGateTopology;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.Severity;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/** Cost-spike detection per team, resource and SKU ({@link ScopeTopology}) through the whole anomaly app. */
class ScopeDetectionTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final Duration COOLDOWN = AlertGateSettings.defaults().cooldown();
    private static final List<String> PAYMENTS = List.of("pay-api", "pay-ledger", "pay-fraud", "pay-risk",
            "pay-notify", "pay-payout", "pay-refund", "pay-invoice", "pay-tax", "pay-fx");

    @Test
    void shouldOpenATeamAnomalyNamingItsServicesWhenEachServiceAloneIsTooSmallToRaise() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost));
            Random random = new Random(7);
            // Ten small services of one team: +60% each is 0.0012 USD/min, under 1 USD/h (min-excess-per-hour) even
            // as projected from a partial window at OPEN, so no service raises anything; the team's +0.012 USD/min
            // is worth a ticket.
            for (int m = 0; m < 80; m++) {
                double payments = m >= 60 && m < 70 ? 0.0032 : 0.0020;
                for (String service : PAYMENTS) {
                    feed.window(service, "payments", m, Map.of(), noisy(random, payments, 0.05, 6));
                }
                feed.window("search", "discovery", m, Map.of(), noisy(random, 3.00, 0.05, 2));
            }
            fixture.driver().advanceWallClockTime(COOLDOWN);

            List<KeyValue<String, Anomaly>> anomalies = fixture.output(fixture.topics().anomalies)
                    .readKeyValuesToList();
            assertThat(anomalies).extracting(kv -> kv.key).containsOnly("cost-spike:team:payments");
            List<Anomaly> events = anomalies.stream().map(kv -> kv.value).toList();
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).hasSize(1);
            assertThat(events.get(events.size() - 1).getState()).isEqualTo(AnomalyState.RESOLVED);
            Anomaly open = events.get(0);
            assertThat(open.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(open.getType()).isEqualTo(AnomalyType.COST_SPIKE);
            assertThat(open.getScopeType()).isEqualTo("team");
            assertThat(open.getScope()).isEqualTo("payments");
            assertThat(open.getAnomalyId()).isEqualTo("cost-spike:team:payments:" + minute(60).toEpochMilli());
            assertThat(open.getStartedAt()).isEqualTo(minute(60));
            assertThat(open.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(open.getSummary()).startsWith("team:payments cost ~");
            assertThat(events).extracting(Anomaly::getAnomalyId).containsOnly(open.getAnomalyId());
            // Every spike window names services of the team that moved, largest excess first (top 5).
            List<Anomaly> active = events.stream().filter(a -> a.getState() != AnomalyState.RESOLVED
                    && !a.getObservedAt().isAfter(minute(70))).toList();
            assertThat(active).hasSize(11).allSatisfy(a -> assertThat(a.getTopContributors()).isNotEmpty()
                    .allSatisfy(c -> {
                        assertThat(c.getKind()).isEqualTo("service");
                        assertThat(PAYMENTS).contains(c.getName());
                        assertThat(c.getExcess()).isPositive()
                                .isEqualByComparingTo(c.getObserved().subtract(c.getExpected()));
                    }));
            assertThat(active.get(1).getTopContributors()).hasSize(5);
            // A whole spike window: the team's ten services at ~0.0032 against ~0.0020 each.
            assertThat(active.get(1).getObserved()).isBetween(new BigDecimal("0.029"), new BigDecimal("0.035"));
            assertThat(active.get(1).getExpected()).isBetween(new BigDecimal("0.019"), new BigDecimal("0.021"));
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getEndedAt()).isEqualTo(minute(70));
            assertThat(resolved.getTopContributors()).singleElement().satisfies(c -> {
                assertThat(c.getKind()).isEqualTo("team");
                assertThat(c.getName()).isEqualTo("payments");
            });

            // Through the alert gate as its own alert: labelled with the team, no service, no group.
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList();
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(alerts).allSatisfy(alert -> {
                assertThat(alert.getDedupKey()).isEqualTo("cost-spike:team:payments");
                assertThat(alert.getScopeType()).isEqualTo("team");
                assertThat(alert.getScope()).isEqualTo("payments");
                assertThat(alert.getLabels()).containsExactlyInAnyOrderEntriesOf(
                        Map.of("severity", "ticket", "team", "payments", "type", "cost_spike"));
                assertThat(alert.getAnomalyIds()).containsExactly(open.getAnomalyId());
            });
            assertThat(alerts.get(1).getEndsAt()).isEqualTo(minute(70));
            assertThat(openGauge(fixture)).isZero();
        }
    }

    @Test
    void shouldSendATeamCostSpikeAsItsOwnAlertWhileTheTeamsBurnRatePages() {
        try (AlertGateTest.Gate g = new AlertGateTest.Gate(Map.of())) {
            g.burn("team:payments", T0, AlertGateTest.PAGE);
            Feed feed = new Feed(g.fixture.input(g.fixture.topics().unitCost));
            for (int m = 0; m < 32; m++) {
                String cost = m >= 30 ? "10.00" : "1.00";
                feed.window("checkout", "payments", m, Map.of(), new BigDecimal(cost));
                feed.window("ledger", "payments", m, Map.of(), new BigDecimal(cost));
            }

            List<Alert> team = g.alerts.readValuesToList().stream()
                    .filter(a -> a.getDedupKey().equals("cost-spike:team:payments")).toList();
            // Not a child of the burn-rate page (only service alerts are): not grouped, its PAGE not capped.
            assertThat(team).singleElement().satisfies(alert -> {
                assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(alert.getSeverity()).isEqualTo(Severity.PAGE);
                assertThat(alert.getLabels()).doesNotContainKey("group").containsEntry("team", "payments");
            });
        }
    }

    @Test
    void shouldOpenATeamAnomalyOnASpreadIncreaseNoServiceSeesAboveItsOwnNoise() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost), 1);
            Random random = new Random(11);
            List<String> services = IntStream.range(0, 20).mapToObj(i -> "api-" + i).toList();
            // Twenty noisy services (20% sd) each +40%: 2 of their own sigmas (a service needs 6), while the team's
            // sum, whose noise is 20% / sqrt(20), moves by ~9 of its sigmas.
            for (int m = 0; m < 260; m++) {
                double level = m >= 240 && m < 250 ? 1.40 : 1.00;
                for (String service : services) {
                    feed.window(service, "storefront", m, Map.of(), noisy(random, level, 0.20, 2));
                }
            }

            List<Anomaly> events = fixture.output(fixture.topics().anomalies).readValuesToList();
            assertThat(events).extracting(Anomaly::getDedupKey).containsOnly("cost-spike:team:storefront");
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).singleElement()
                    .satisfies(open -> assertThat(open.getStartedAt()).isEqualTo(minute(240)));
            assertThat(events.get(events.size() - 1).getState()).isEqualTo(AnomalyState.RESOLVED);
        }
    }

    @Test
    void shouldOpenASkuAnomalyNamingTheServicesThatSpendOnItOnlyWhenSkuScopeIsConfigured() {
        Map<String, List<Anomaly>> byScopes = new LinkedHashMap<>();
        for (String scopes : List.of("service,team,sku", ScopeSettings.DEFAULT)) {
            try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), Map.of(ScopeSettings.SCOPES, scopes))) {
                Feed feed = new Feed(fixture.input(fixture.topics().unitCost));
                Random random = new Random(3);
                for (int m = 0; m < 80; m++) {
                    double gpu = m >= 60 && m < 70 ? 10 : 1;
                    feed.window("recs", "ml", m, Map.of("sku:g5.xlarge", noisy(random, 0.50 * gpu, 0.05, 4),
                            "sku:m6i.large", noisy(random, 0.50, 0.05, 4)), null);
                    feed.window("search", "discovery", m, Map.of("sku:g5.xlarge", noisy(random, 0.30 * gpu, 0.05, 4),
                            "sku:m6i.large", noisy(random, 1.00, 0.05, 4)), null);
                }
                byScopes.put(scopes, fixture.output(fixture.topics().anomalies).readValuesToList());
            }
        }

        List<Anomaly> withSku = byScopes.get("service,team,sku");
        assertThat(withSku).extracting(Anomaly::getDedupKey).contains("cost-spike:sku:g5.xlarge")
                .doesNotContain("cost-spike:sku:m6i.large");
        Anomaly open = withSku.stream().filter(a -> a.getDedupKey().equals("cost-spike:sku:g5.xlarge")
                && a.getState() == AnomalyState.OPEN).findFirst().orElseThrow();
        assertThat(open.getScopeType()).isEqualTo("sku");
        assertThat(open.getScope()).isEqualTo("g5.xlarge");
        assertThat(open.getStartedAt()).isEqualTo(minute(60));
        Anomaly update = withSku.stream().filter(a -> a.getAnomalyId().equals(open.getAnomalyId())
                && a.getState() == AnomalyState.UPDATE).findFirst().orElseThrow();
        // The SKU's whole spike window: 5.00 from recs and 3.00 from search, both named, recs first.
        assertThat(update.getObserved()).isBetween(new BigDecimal("7.5"), new BigDecimal("8.5"));
        assertThat(update.getTopContributors()).extracting(Contributor::getKind, Contributor::getName)
                .containsExactly(tuple("service", "recs"),
                        tuple("service", "search"));
        assertThat(withSku).extracting(Anomaly::getScopeType).contains("service", "team", "sku")
                .doesNotContain("resource");

        assertThat(byScopes.get(ScopeSettings.DEFAULT)).extracting(Anomaly::getScopeType)
                .contains("service", "team").doesNotContain("sku", "resource");
    }

    @Test
    void shouldRaiseNoTeamAnomalyWhenOnlyServicesAreDetected() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), Map.of(ScopeSettings.SCOPES, "service"))) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost));
            Random random = new Random(7);
            for (int m = 0; m < 80; m++) {
                double payments = m >= 60 && m < 70 ? 0.0032 : 0.0020;
                for (String service : PAYMENTS) {
                    feed.window(service, "payments", m, Map.of(), noisy(random, payments, 0.05, 6));
                }
            }

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).isEmpty();
            assertThat(fixture.topology().describe().toString()).doesNotContain(ScopeTopology.PARTS);
        }
    }

    @Test
    void shouldRaiseOnlyTeamAnomaliesWhenServicesAreNotDetected() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), Map.of(ScopeSettings.SCOPES, "team"))) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost));
            for (int m = 0; m < 40; m++) {
                BigDecimal cost = new BigDecimal(m == 30 || m == 31 ? "10.00" : "1.00");
                feed.window("checkout", "payments", m, Map.of(), cost);
            }

            assertThat(fixture.output(fixture.topics().anomalies).readValuesToList()).extracting(Anomaly::getDedupKey)
                    .isNotEmpty().containsOnly("cost-spike:team:payments");
        }
    }

    @Test
    void shouldDetectServicesWithoutATeamInTheUnallocatedTeamAndLeaveTheAlertToTheServiceThatExplainsIt() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost));
            for (int m = 0; m < 40; m++) {
                BigDecimal spike = new BigDecimal(m == 30 || m == 31 ? "10.00" : "1.00");
                // From an attribution before the team field (null), and one whose team is blank.
                feed.window("legacy", null, m, Map.of(), spike);
                feed.window("batch", " ", m, Map.of(), new BigDecimal("1.00"));
            }

            List<Anomaly> events = fixture.output(fixture.topics().anomalies).readValuesToList();
            assertThat(events).extracting(Anomaly::getDedupKey)
                    .containsOnly("cost-spike:service:legacy", "cost-spike:team:unallocated");
            Anomaly team = events.stream().filter(a -> a.getScopeType().equals("team")).findFirst().orElseThrow();
            assertThat(team.getScope()).isEqualTo("unallocated");
            assertThat(team.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(team.getTopContributors().get(0).getName()).isEqualTo("legacy");
            assertThat(events).filteredOn(a -> a.getScopeType().equals("team")).extracting(Anomaly::getState)
                    .contains(AnomalyState.OPEN, AnomalyState.RESOLVED);
            // legacy carries the team's whole excess: its own alert pages, the team's anomaly does not alert.
            fixture.driver().advanceWallClockTime(COOLDOWN);
            assertThat(fixture.output(fixture.topics().alerts).readValuesToList()).extracting(Alert::getDedupKey)
                    .containsExactly("cost-spike:service:legacy", "cost-spike:service:legacy");
            assertThat(fixture.count(ScopeDetectorProcessor.EXPLAINED, "scope", "team")).isEqualTo(1.0);
        }
    }

    @Test
    void shouldLeaveTheAlertOfAOneServiceTeamToItsServiceThroughTheSpikesBarelyRaisedLastMinute() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.NO_GROUP_WAIT)) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost));
            Random random = new Random(11);
            for (int m = 0; m < 40; m++) {
                // A steady service, its team's only one; a tenfold spike that stops a few seconds into minute 33:
                // that minute is up by less than a child's noise tolerance (10% of its level), which the team's
                // detector, seeing a steady series, still finds active. As seen in PipelineIntegrationTest on CI.
                BigDecimal cost = m == 33 ? new BigDecimal("1.08")
                        : m >= 30 && m < 33 ? new BigDecimal("10.00") : noisy(random, 1.00, 0.005, 4);
                feed.window("recommendations", "ml-platform", m, Map.of(), cost);
            }
            fixture.driver().advanceWallClockTime(COOLDOWN);

            List<Anomaly> team = fixture.output(fixture.topics().anomalies).readValuesToList().stream()
                    .filter(a -> a.getScopeType().equals("team")).toList();
            assertThat(team).extracting(Anomaly::getState).contains(AnomalyState.OPEN, AnomalyState.RESOLVED);
            assertThat(fixture.output(fixture.topics().alerts).readValuesToList()).extracting(Alert::getDedupKey)
                    .containsOnly("cost-spike:service:recommendations").hasSize(2);
        }
    }

    @Test
    void shouldKeepAScopeOfManyServicesSendableAndCountThePartsBeyondItsBudget() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            Feed feed = new Feed(fixture.input(fixture.topics().unitCost), 1);
            // One team of 500 services with 180-character names: a window of them is 0.6 of the scope windows'
            // budget (each part estimated at 64 bytes plus three per character of its name), so the second
            // window's services take the two over it and the first window is dropped before it settles.
            String longName = "platform-" + "x".repeat(167) + "-%03d";
            List<String> services = IntStream.range(0, 500).mapToObj(s -> String.format(longName, s)).toList();
            for (int m = 0; m < 2; m++) {
                for (String service : services) {
                    feed.window(service, "platform", m, Map.of(), new BigDecimal("0.01"));
                }
            }
            assertThat(fixture.count(ScopeDetectorProcessor.UNKEPT_PARTS, "scope", "team")).isZero();
            // A service's late update of the dropped window: the window's parts can no longer be summed.
            feed.window(services.get(7), "platform", 0, Map.of(), new BigDecimal("0.02"));

            assertThat(fixture.count(ScopeDetectorProcessor.UNKEPT_PARTS, "scope", "team")).isEqualTo(1.0);
            ScopeWindowsRecord windows = fixture.driver()
                    .<String, ScopeWindowsRecord>getKeyValueStore(ScopeTopology.WINDOWS_STORE).get("team:platform");
            assertThat(windows.getWindows()).extracting(w -> w.getWindowStart())
                    .containsExactly(minute(1).toEpochMilli());
            assertThat(ScopeWindows.partsIn(windows, minute(1).toEpochMilli())).isEqualTo(500);
            // Each state of the scope stays one record the producer can send (1 MiB by default).
            assertThat(new ScopeWindowsSerde().write(windows).length).isLessThan(1024 * 1024);
            // The services' contributor baselines: the first window learned early for the budget, the second
            // pending, in its own record of the pending store.
            ContributorBaselinesRecord contributors = fixture.driver()
                    .<String, ContributorBaselinesRecord>getKeyValueStore(ScopeTopology.CONTRIBUTOR_STORE)
                    .get("team:platform");
            assertThat(contributors.getPendingStarts()).containsExactly(minute(1).toEpochMilli());
            assertThat(contributors.getLearnedWindows()).isEqualTo(1);
            PendingChildrenRecord pending = fixture.driver().<String, PendingChildrenRecord>getKeyValueStore(
                    ContributorStates.pendingStore(ScopeTopology.CONTRIBUTOR_STORE))
                    .get("team:platform@" + minute(1).toEpochMilli());
            assertThat(pending.getChildren()).hasSize(500);
            assertThat(new PendingChildrenSerde().write(pending).length).isLessThan(1024 * 1024);
            assertThat(fixture.output(fixture.topics().dlq).readValuesToList()).isEmpty();
        }
    }

    @Test
    void shouldContinueAnOpenTeamAnomalyFromRestoredState() {
        Map<String, List<KeyValue<String, Object>>> saved = new LinkedHashMap<>();
        List<String> stores = List.of(ScopeTopology.STORE, ScopeTopology.CONTRIBUTOR_STORE,
                ContributorStates.pendingStore(ScopeTopology.CONTRIBUTOR_STORE), ScopeTopology.WINDOWS_STORE,
                AlertGateTopology.GATE_STORE);
        String anomalyId;
        try (TopologyFixture before = TopologyFixture.of(new AnomalyApp())) {
            Feed feed = new Feed(before.input(before.topics().unitCost));
            for (int m = 0; m < 31; m++) {
                String cost = m == 30 ? "10.00" : "1.00";
                feed.window("checkout", "payments", m, Map.of(), new BigDecimal(cost));
                feed.window("ledger", "payments", m, Map.of(), new BigDecimal(cost));
            }
            List<Anomaly> events = before.output(before.topics().anomalies).readValuesToList();
            Anomaly open = events.stream().filter(a -> a.getScopeType().equals("team")).findFirst().orElseThrow();
            anomalyId = open.getAnomalyId();
            // It opened on checkout's updates of the first spike minute, before ledger's arrived: checkout alone
            // explains it so far, so its alert waits for a window that shows more.
            assertThat(open.getTopContributors()).extracting(Contributor::getName).containsExactly("checkout");
            assertThat(before.output(before.topics().alerts).readValuesToList())
                    .extracting(Alert::getDedupKey).doesNotContain("cost-spike:team:payments");
            for (String name : stores) {
                KeyValueStore<String, Object> store = before.driver().getKeyValueStore(name);
                List<KeyValue<String, Object>> entries = new ArrayList<>();
                try (KeyValueIterator<String, Object> all = store.all()) {
                    all.forEachRemaining(entries::add);
                }
                saved.put(name, entries);
            }
        }
        assertThat(saved.get(ScopeTopology.STORE)).extracting(kv -> kv.key).containsExactly("team:payments");

        try (TopologyFixture after = TopologyFixture.of(new AnomalyApp())) {
            // What a restart restores from the stores' changelogs, written through the stores' own serdes.
            saved.forEach((name, entries) -> {
                KeyValueStore<String, Object> store = after.driver().getKeyValueStore(name);
                entries.forEach(kv -> store.put(kv.key, kv.value));
            });
            Feed feed = new Feed(after.input(after.topics().unitCost));
            for (int m = 31; m < 36; m++) {
                String cost = m == 31 ? "10.00" : "1.00";
                feed.window("checkout", "payments", m, Map.of(), new BigDecimal(cost));
                feed.window("ledger", "payments", m, Map.of(), new BigDecimal(cost));
            }

            List<Anomaly> team = after.output(after.topics().anomalies).readValuesToList().stream()
                    .filter(a -> a.getScopeType().equals("team")).toList();
            assertThat(team).extracting(Anomaly::getState).containsExactly(AnomalyState.UPDATE,
                    AnomalyState.UPDATE, AnomalyState.UPDATE, AnomalyState.RESOLVED);
            assertThat(team).extracting(Anomaly::getAnomalyId).containsOnly(anomalyId);
            // Two team windows at 20 over a team baseline of exactly 2, to the cent.
            assertThat(team.get(3).getExcessCost()).isEqualByComparingTo("36");
            assertThat(team.get(0).getTopContributors()).extracting(Contributor::getName)
                    .containsExactly("checkout", "ledger");
            after.driver().advanceWallClockTime(COOLDOWN);
            // The first whole spike window shows both services moving: the withheld alert fires, then resolves.
            List<Alert> alerts = after.output(after.topics().alerts).readValuesToList().stream()
                    .filter(a -> a.getScopeType().equals("team")).toList();
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(alerts.get(0).getStartsAt()).isEqualTo(minute(30));
            assertThat(alerts.get(0).getAnomalyIds()).containsExactly(anomalyId);
        }
    }

    /** Pipes a service's window as attribution does: a few updates with its costs so far, all at the window start. */
    private static final class Feed {

        private final TestInputTopic<String, UnitCost> input;
        private final int updatesPerWindow;

        Feed(TestInputTopic<String, UnitCost> input) {
            this(input, 3);
        }

        Feed(TestInputTopic<String, UnitCost> input, int updatesPerWindow) {
            this.input = input;
            this.updatesPerWindow = updatesPerWindow;
        }

        /**
         * {@code children}: {@code kind:name} to its final cost; {@code total} the window's final cost, or null for
         * the sum of the children.
         */
        void window(String service, String team, int minute, Map<String, BigDecimal> children, BigDecimal total) {
            BigDecimal cost = total != null ? total
                    : children.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            for (int k = 1; k <= updatesPerWindow; k++) {
                UnitCost update = UnitCostFeed.unitCost(service, minute(minute), soFar(cost, k));
                update.setTeam(team);
                List<ChildCost> soFar = new ArrayList<>();
                for (Map.Entry<String, BigDecimal> child : children.entrySet()) {
                    String[] kindAndName = child.getKey().split(":", 2);
                    soFar.add(ChildCost.newBuilder().setKind(kindAndName[0]).setName(kindAndName[1])
                            .setCost(soFar(child.getValue(), k)).build());
                }
                update.setChildren(soFar);
                input.pipeInput(service, update, minute(minute));
            }
        }

        private BigDecimal soFar(BigDecimal cost, int k) {
            return Money.of(cost.multiply(BigDecimal.valueOf(k)).divide(BigDecimal.valueOf(updatesPerWindow),
                    Money.SCALE, RoundingMode.HALF_EVEN));
        }
    }

    private static BigDecimal noisy(Random random, double mean, double relativeSd, int scale) {
        return BigDecimal.valueOf(mean * (1 + relativeSd * random.nextGaussian())).setScale(scale,
                RoundingMode.HALF_EVEN);
    }

    private static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    private static double openGauge(TopologyFixture fixture) {
        return fixture.meters().get(OpenAnomalies.GAUGE).gauge().value();
    }
}
