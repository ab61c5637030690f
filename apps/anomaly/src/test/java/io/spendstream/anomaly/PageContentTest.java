package io.spendstream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.Severity;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * What a page says, fed as attribution writes per-minute FOCUS rows: every row is stamped at its minute's start and
 * covers the whole minute ({@code coveredUntil} = the window's end), so each update of a window carries whole minutes
 * of cost from its first second on. The money on the OPEN, every UPDATE and the alert must be the cost actually
 * observed over the charge time actually covered.
 */
public class PageContentTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final Map<String, String> SERVICE_ONLY_NO_GROUP_WAIT = AnomalyAppTest.SERVICE_ONLY_NO_GROUP_WAIT;
    /** Every scope, so one service's incident is seen through its team, its resources and its SKUs too. */
    private static final Map<String, String> WIDER_SCOPES_NO_GROUP_WAIT = Map.of(
            io.spendstream.anomaly.scopes.ScopeSettings.SCOPES, "service,team,resource,sku",
            io.spendstream.anomaly.gate.AlertGateSettings.GROUP_WAIT, "0s");
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);
    /** Attribution's default {@code spendstream.attribution.children.top}. */
    private static final int TOP_CHILDREN = 20;

    @Test
    public void shouldPageAPlus190PerHourIncidentAt190PerHourInTheOpenEveryUpdateAndTheAlert() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            Estate estate = new Estate(fixture.input(fixture.topics().unitCost), new Random(190));
            estate.steady(0, 90);
            // A read replica appears: +190 USD/h on top of the 24 USD/h primary, for 15 minutes.
            for (int m = 90; m < 105; m++) {
                estate.minute(m, List.of(row("db-primary", "sku-db", 24), row("db-replica-1", "sku-db", 190)), 1.0);
            }
            estate.steady(105, 115);
            fixture.driver().advanceWallClockTime(AlertGateSettings.defaults().cooldown());

            List<Anomaly> events = spikes(fixture.output(fixture.topics().anomalies).readValuesToList());
            List<Alert> alerts = spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList());
            assertThat(events).extracting(Anomaly::getState).contains(AnomalyState.OPEN, AnomalyState.RESOLVED);
            Anomaly open = events.get(0);
            assertThat(open.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(open.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(open.getExcessCostPerHour().doubleValue()).isCloseTo(190.0, within(190 * 0.05));
            // Every UPDATE while the replica runs (the one after, on a quiet minute, says the excess stopped).
            List<Anomaly> updates = events.stream().filter(a -> a.getState() == AnomalyState.UPDATE
                    && !a.getObservedAt().isAfter(minute(105))).toList();
            assertThat(updates).hasSizeGreaterThanOrEqualTo(14).allSatisfy(update -> assertThat(
                    update.getExcessCostPerHour().doubleValue()).isCloseTo(190.0, within(190 * 0.05)));
            // Fifteen minutes at +190 USD/h: 47.50 USD.
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getExcessCost().doubleValue()).isCloseTo(47.5, within(47.5 * 0.05));

            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            Alert page = alerts.get(0);
            assertThat(page.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(perHourIn(page.getSummary())).isCloseTo(190.0, within(190 * 0.05));
            // The page names what moved, the team, and what the rise looks like.
            assertThat(page.getSummary()).contains("; team data").contains("; top: resource db-replica-1 +19")
                    .contains("USD/h (100%, new)").contains("requests flat").endsWith("verdict: new spend");
            assertThat(open.getTeam()).isEqualTo("data");
            assertThat(open.getVerdict()).isEqualTo("new-spend");
            assertThat(page.getAnnotations()).containsEntry("team", "data").containsEntry("verdict", "new-spend")
                    .containsKeys("excess_per_hour", "incident_cost", "since", "contributors", "traffic");
            assertThat(perHourIn(page.getAnnotations().get("excess_per_hour"))).isCloseTo(190.0, within(190 * 0.05));
        }
    }

    @Test
    public void shouldResendAPageThatOpenedOnAPartialMinuteWithTheTrueRateOnceAndUpdateItInPlace() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            Estate estate = new Estate(fixture.input(fixture.topics().unitCost), new Random(480));
            estate.steady(0, 90);
            // A +480 USD/h replica starts half-way through minute 90: that minute's row holds 30 s of it (240 USD/h
            // over the minute), the next minutes' rows the whole rate.
            estate.minute(90, List.of(row("db-primary", "sku-db", 24), row("db-replica-1", "sku-db", 240)), 1.0);
            for (int m = 91; m < 105; m++) {
                estate.minute(m, List.of(row("db-primary", "sku-db", 24), row("db-replica-1", "sku-db", 480)), 1.0);
            }
            estate.steady(105, 115);
            fixture.driver().advanceWallClockTime(AlertGateSettings.defaults().cooldown());

            List<Alert> alerts = spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList());
            assertThat(alerts).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.FIRING, AlertStatus.RESOLVED);
            Alert opened = alerts.get(0);
            Alert resent = alerts.get(1);
            assertThat(perHourIn(opened.getAnnotations().get("excess_per_hour"))).isCloseTo(240.0, within(240 * 0.05));
            // Minute 91's figures, twice the opening's: sent again under the same key, labels and severity, so a
            // receiver updates the page it has; then no more, the rate holding.
            assertThat(perHourIn(resent.getAnnotations().get("excess_per_hour"))).isCloseTo(480.0, within(480 * 0.05));
            assertThat(resent.getDedupKey()).isEqualTo(opened.getDedupKey());
            assertThat(resent.getLabels()).isEqualTo(opened.getLabels());
            assertThat(resent.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(resent.getStartsAt()).isEqualTo(opened.getStartsAt());
            // As of minute 91's end, when its figures settled.
            assertThat(resent.getAnnotations()).containsEntry("figures_updated", "11:32Z (" + minute(92) + ")")
                    .doesNotContainKey("refresh");
            assertThat(resent.getSummary()).contains("(figures updated 11:32Z: excess was "
                    + opened.getAnnotations().get("excess_per_hour") + " when first sent)");
        }
    }

    @Test
    public void shouldSummariseACiStormOf48NewVmsByKindAndCount() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            Estate estate = new Estate(fixture.input(fixture.topics().unitCost), new Random(48));
            estate.service = "ci-runners";
            List<Row> usual = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                usual.add(row("i-build-" + r, "m6i.large", 0.5));
            }
            for (int m = 0; m < 90; m++) {
                estate.minute(m, List.of(), usual, 1.0);
            }
            // 48 new m6i.16xlarge VMs at 3.072 USD/h each: +147.46 USD/h.
            List<Row> storm = new ArrayList<>(usual);
            for (int r = 0; r < 48; r++) {
                storm.add(row(String.format("i-ci-%02d", r), "m6i.16xlarge", 3.072));
            }
            for (int m = 90; m < 100; m++) {
                estate.minute(m, List.of(), storm, 1.0);
            }

            List<Alert> alerts = spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList());
            assertThat(alerts).isNotEmpty();
            String summary = alerts.get(0).getSummary();
            // One entry for the 48, naming the three costliest; not "(other) 57%" and three VMs at 2%.
            assertThat(summary).contains("top: ~48 new resources (sku m6i.16xlarge: i-ci-00, i-ci-01, i-ci-02, ...) +14")
                    .contains("USD/h (100%)").doesNotContain("(other)").doesNotContain("i-ci-03")
                    .endsWith("verdict: new spend");
            assertThat(perHourIn(summary)).isCloseTo(147.46, within(147.46 * 0.05));
        }
    }

    @Test
    public void shouldCallAFivefoldTrafficSurgeWithFlatCostPerRequestTrafficDriven() {
        // Five times the requests on a per-request SKU: five times the cost, the same cost per request.
        Alert page = fivefoldCostPage(5, 5.0);

        assertThat(page.getSeverity()).isEqualTo(Severity.PAGE);
        assertThat(page.getSummary()).contains("requests 5.0x usual (30,000 vs 6,000)")
                .endsWith("verdict: traffic driven");
        assertThat(page.getAnnotations()).containsEntry("verdict", "traffic-driven");
    }

    @Test
    public void shouldCallAFivefoldCostOnFlatTrafficAnEfficiencyRegression() {
        // The same requests cost five times as much: a regression, not traffic.
        Alert page = fivefoldCostPage(6, 1.0);

        assertThat(page.getSummary()).contains("requests flat (6,000 vs 6,000)")
                .containsPattern("cost/request 0\\.000[0-9]+ vs 0\\.0000[0-9]+ USD \\(\\+[34][0-9]{2}%\\)")
                .contains("resource saas-search +14").endsWith("verdict: efficiency regression");
        assertThat(page.getAnnotations()).containsEntry("verdict", "efficiency-regression");
    }

    /**
     * The first cost-spike alert of {@code search-api} (a per-request SaaS SKU at 36 USD/h) when its cost goes to five
     * times the usual for ten minutes and its requests to {@code traffic} times.
     */
    private static Alert fivefoldCostPage(long seed, double traffic) {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            Estate estate = new Estate(fixture.input(fixture.topics().unitCost), new Random(seed));
            estate.service = "search-api";
            for (int m = 0; m < 90; m++) {
                estate.minute(m, List.of(row("saas-search", "search-requests", 36 * noise(estate))), 1.0);
            }
            for (int m = 90; m < 100; m++) {
                estate.minute(m, List.of(row("saas-search", "search-requests", 180 * noise(estate))), traffic);
            }
            return spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList()).get(0);
        }
    }

    @Test
    public void shouldCallATeamWhoseTwoServicesGetFivefoldTrafficWithFlatCostPerRequestTrafficDriven() {
        // Both services of team data: five times the requests, five times the cost, the same cost per request.
        Alert page = fivefoldTeamPage(15, 5.0);

        assertThat(page.getLabels()).containsEntry("team", "data");
        assertThat(page.getSummary()).contains("requests 5.0x usual (60,000 vs 12,000)")
                .endsWith("verdict: traffic driven");
        assertThat(page.getAnnotations()).containsEntry("verdict", "traffic-driven").containsKey("traffic");
    }

    @Test
    public void shouldCallATeamWhoseTwoServicesCostFivefoldOnFlatTrafficAnEfficiencyRegression() {
        Alert page = fivefoldTeamPage(16, 1.0);

        assertThat(page.getLabels()).containsEntry("team", "data");
        // 1.20 USD a minute usual over 12,000 requests: 0.0001 a request.
        assertThat(page.getSummary()).contains("requests flat (12,000 vs 12,000)")
                .containsPattern("cost/request 0\\.000[0-9]+ vs 0\\.0001 USD \\(\\+[34][0-9]{2}%\\)")
                .endsWith("verdict: efficiency regression");
        assertThat(page.getAnnotations()).containsEntry("verdict", "efficiency-regression");
    }

    /**
     * The first cost-spike alert of team {@code data} when both its services ({@code search-api} and
     * {@code orders-api}, 36 USD/h each on a per-request SaaS SKU, 6,000 requests a minute each) cost five times the
     * usual for ten minutes, their requests {@code traffic} times the usual. The resource and SKU scopes of the same
     * incident carry no traffic context.
     */
    private static Alert fivefoldTeamPage(long seed, double traffic) {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), WIDER_SCOPES_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            Random random = new Random(seed);
            Estate search = new Estate(input, random);
            search.service = "search-api";
            Estate orders = new Estate(input, random);
            orders.service = "orders-api";
            for (int m = 0; m < 100; m++) {
                double factor = m < 90 ? 1.0 : 5.0;
                double requests = m < 90 ? 1.0 : traffic;
                search.minute(m, List.of(row("saas-search", "search-requests", 36 * factor * noise(search))),
                        requests);
                orders.minute(m, List.of(row("saas-orders", "orders-requests", 36 * factor * noise(orders))),
                        requests);
            }
            List<Anomaly> events = spikes(fixture.output(fixture.topics().anomalies).readValuesToList());
            assertThat(inScope(events, "team:data")).filteredOn(a -> a.getState() != AnomalyState.RESOLVED)
                    .isNotEmpty().allSatisfy(a -> assertThat(a.getTraffic()).as("a team's traffic context")
                            .isNotNull());
            assertThat(inScope(events, "sku:search-requests")).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getTraffic()).as("a SKU's traffic context").isNull());
            return spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList()).stream()
                    .filter(a -> "cost-spike:team:data".equals(a.getDedupKey())).findFirst().orElseThrow();
        }
    }

    private static double noise(Estate estate) {
        return 1 + 0.02 * estate.random.nextGaussian();
    }

    private static List<Anomaly> spikes(List<Anomaly> anomalies) {
        return anomalies.stream().filter(a -> a.getType() == io.spendstream.avro.AnomalyType.COST_SPIKE).toList();
    }

    private static List<Alert> spikeAlerts(List<Alert> alerts) {
        return alerts.stream().filter(a -> "COST_SPIKE".equals(a.getAnomalyType())).toList();
    }

    @Test
    public void shouldTicketAPlus55PerHourIncidentUnderTheDefault100PerHourPageLine() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            Estate estate = new Estate(fixture.input(fixture.topics().unitCost), new Random(55));
            estate.steady(0, 90);
            for (int m = 90; m < 105; m++) {
                estate.minute(m, List.of(row("db-primary", "sku-db", 24), row("db-replica-1", "sku-db", 55)), 1.0);
            }
            estate.steady(105, 115);

            List<Anomaly> events = fixture.output(fixture.topics().anomalies).readValuesToList();
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList();
            assertThat(events).isNotEmpty().allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo(Severity.TICKET));
            assertThat(events.get(0).getExcessCostPerHour().doubleValue()).isCloseTo(55.0, within(55 * 0.05));
            assertThat(alerts).isNotEmpty().allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo(Severity.TICKET));
            assertThat(perHourIn(alerts.get(0).getSummary())).isCloseTo(55.0, within(55 * 0.05));
        }
    }

    @Test
    public void shouldReadAPlus190PerHourIncidentOfOneServiceAt190PerHourInItsTeamAndSkuScopes() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), WIDER_SCOPES_NO_GROUP_WAIT)) {
            replicaInATeam(fixture, List.of(190.0), new Random(1190));
            fixture.driver().advanceWallClockTime(AlertGateSettings.defaults().cooldown());

            List<Anomaly> events = spikes(fixture.output(fixture.topics().anomalies).readValuesToList());
            for (String scope : List.of("team:data", "sku:sku-db")) {
                // The team's (and the SKU's) windows sum two services' parts: 36 USD/h usual, 226 with the replica.
                List<Anomaly> scoped = inScope(events, scope);
                assertThat(scoped).extracting(Anomaly::getState).contains(AnomalyState.OPEN, AnomalyState.RESOLVED);
                Anomaly open = scoped.get(0);
                assertThat(open.getState()).as(scope).isEqualTo(AnomalyState.OPEN);
                assertThat(open.getSeverity()).as(scope).isEqualTo(Severity.PAGE);
                assertThat(open.getExcessCostPerHour().doubleValue()).as(scope).isCloseTo(190.0, within(190 * 0.05));
                assertThat(scoped).filteredOn(a -> a.getState() == AnomalyState.UPDATE
                        && !a.getObservedAt().isAfter(minute(105))).as(scope).hasSizeGreaterThanOrEqualTo(14)
                        .allSatisfy(update -> assertThat(update.getExcessCostPerHour().doubleValue()).as(scope)
                                .isCloseTo(190.0, within(190 * 0.05)));
            }
            // One service explains the team's and the SKU's spike: only the service's own page goes out.
            assertThat(spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList()))
                    .extracting(Alert::getDedupKey).containsOnly("cost-spike:service:orders-db");
        }
    }

    @Test
    public void shouldPageATeamAt190PerHourWhenTwoOfItsServicesAdd95PerHourEach() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), WIDER_SCOPES_NO_GROUP_WAIT)) {
            replicaInATeam(fixture, List.of(95.0, 95.0), new Random(2095));
            fixture.driver().advanceWallClockTime(AlertGateSettings.defaults().cooldown());

            List<Anomaly> team = inScope(spikes(fixture.output(fixture.topics().anomalies).readValuesToList()),
                    "team:data");
            // The team opens on orders-db's minute, before orders-api's has arrived (taken at its latest rate): the
            // +95 USD/h seen so far, never more.
            assertThat(team.get(0).getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(team.get(0).getExcessCostPerHour().doubleValue()).isCloseTo(95.0, within(95 * 0.05));
            assertThat(team).filteredOn(a -> a.getState() == AnomalyState.UPDATE
                    && !a.getObservedAt().isAfter(minute(105))).hasSizeGreaterThanOrEqualTo(14)
                    .allSatisfy(update -> assertThat(update.getExcessCostPerHour().doubleValue())
                            .isCloseTo(190.0, within(190 * 0.05)));
            // Each service alone is a ticket; the team, at the sum of their true rates, pages: fired at the first
            // UPDATE with both services moving (the OPEN was explained by one).
            List<Alert> alerts = spikeAlerts(fixture.output(fixture.topics().alerts).readValuesToList());
            List<Alert> teamAlerts = alerts.stream().filter(a -> "cost-spike:team:data".equals(a.getDedupKey()))
                    .toList();
            assertThat(teamAlerts).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(teamAlerts.get(0).getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(perHourIn(teamAlerts.get(0).getSummary())).isCloseTo(190.0, within(190 * 0.05));
            assertThat(alerts).filteredOn(a -> a.getDedupKey().startsWith("cost-spike:service:")).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo(Severity.TICKET));
        }
    }

    @Test
    public void shouldTicketAPlus55PerHourIncidentOfOneServiceInItsTeamAndSkuScopes() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), WIDER_SCOPES_NO_GROUP_WAIT)) {
            replicaInATeam(fixture, List.of(55.0), new Random(1055));

            List<Anomaly> events = spikes(fixture.output(fixture.topics().anomalies).readValuesToList());
            for (String scope : List.of("team:data", "sku:sku-db")) {
                List<Anomaly> scoped = inScope(events, scope);
                assertThat(scoped).as(scope).isNotEmpty()
                        .allSatisfy(a -> assertThat(a.getSeverity()).as(scope).isEqualTo(Severity.TICKET));
                assertThat(scoped.get(0).getState()).as(scope).isEqualTo(AnomalyState.OPEN);
                assertThat(scoped.get(0).getExcessCostPerHour().doubleValue()).as(scope)
                        .isCloseTo(55.0, within(55 * 0.05));
            }
        }
    }

    /** The events of one wider scope, e.g. {@code team:data}. */
    private static List<Anomaly> inScope(List<Anomaly> events, String scope) {
        return events.stream().filter(a -> scope.equals(a.getScopeType() + ":" + a.getScope())).toList();
    }

    /**
     * Team {@code data}: {@code orders-db} (the 24 USD/h primary) and {@code orders-api} (a 12 USD/h VM), each
     * minute's rows stamped at the minute's start and arriving one by one; for minutes 90 to 104 a read replica
     * adds {@code replicas.get(0)} USD/h to {@code orders-db} (on the primary's SKU) and, when given, a second one
     * {@code replicas.get(1)} USD/h to {@code orders-api} (on its own SKU).
     */
    private static void replicaInATeam(TopologyFixture fixture, List<Double> replicas, Random random) {
        TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
        Estate db = new Estate(input, random);
        Estate api = new Estate(input, random);
        api.service = "orders-api";
        for (int m = 0; m < 115; m++) {
            boolean incident = m >= 90 && m < 105;
            List<Row> dbRows = new ArrayList<>(List.of(row("db-primary", "sku-db", 24 * noise(db))));
            List<Row> apiRows = new ArrayList<>(List.of(row("api-vm-1", "sku-vm", 12 * noise(api))));
            if (incident) {
                dbRows.add(row("db-replica-1", "sku-db", replicas.get(0)));
                if (replicas.size() > 1) {
                    apiRows.add(row("api-replica-1", "sku-api-replica", replicas.get(1)));
                }
            }
            db.minute(m, dbRows, 1.0);
            api.minute(m, apiRows, 1.0);
        }
    }

    /** The {@code N USD/h} excess figure of a summary line. */
    static double perHourIn(String summary) {
        var matcher = java.util.regex.Pattern.compile("\\+?([0-9][0-9,.]*) USD/h").matcher(summary);
        assertThat(matcher.find()).as("a USD/h figure in %s", summary).isTrue();
        return Double.parseDouble(matcher.group(1).replace(",", ""));
    }

    /** One FOCUS row of a minute: a resource and SKU costing {@code usdPerHour}. */
    static Row row(String resource, String sku, double usdPerHour) {
        return new Row(resource, sku, BigDecimal.valueOf(usdPerHour).divide(SIXTY, Money.SCALE, RoundingMode.HALF_EVEN));
    }

    record Row(String resource, String sku, BigDecimal costPerMinute) {
    }

    static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    /**
     * The service {@code orders-db} as attribution writes it: per minute one update per row arriving, each stamped at
     * the minute's start and covering the whole minute, the cost and children summing the rows so far.
     */
    static final class Estate {
        final TestInputTopic<String, UnitCost> input;
        final Random random;
        String service = "orders-db";
        long requestsPerMinute = 6_000;

        Estate(TestInputTopic<String, UnitCost> input, Random random) {
            this.input = input;
            this.random = random;
        }

        void steady(int from, int to) {
            for (int m = from; m < to; m++) {
                minute(m, List.of(row("db-primary", "sku-db", 24 * (1 + 0.03 * random.nextGaussian()))), 1.0);
            }
        }

        /** The rows of minute {@code m}, arriving one by one; requests {@code traffic} times the usual. */
        void minute(int m, List<Row> rows, double traffic) {
            minute(m, List.of(), rows, traffic);
        }

        /** As {@link #minute(int, List, double)}, {@code first} arriving together in the minute's first update. */
        void minute(int m, List<Row> first, List<Row> rows, double traffic) {
            List<Row> soFar = new ArrayList<>(first);
            long requests = Math.round(requestsPerMinute * traffic);
            if (!first.isEmpty() || rows.size() > 5) {
                soFar.addAll(rows);
                input.pipeInput(service, unitCost(service, PageContentTest.minute(m), soFar, requests),
                        PageContentTest.minute(m));
                return;
            }
            for (Row row : rows) {
                soFar.add(row);
                input.pipeInput(service, unitCost(service, PageContentTest.minute(m), soFar, requests),
                        PageContentTest.minute(m));
            }
        }
    }

    static UnitCost unitCost(String service, Instant start, List<Row> rows, long requests) {
        BigDecimal cost = Money.ZERO;
        java.util.Map<String, BigDecimal> bySku = new java.util.TreeMap<>();
        List<ChildCost> children = new ArrayList<>();
        // As attribution writes them: the 20 costliest resources, the rest summed into (other).
        List<Row> costliest = new ArrayList<>(rows);
        costliest.sort(java.util.Comparator.comparing(Row::costPerMinute).reversed().thenComparing(Row::resource));
        BigDecimal other = null;
        for (int i = 0; i < costliest.size(); i++) {
            Row row = costliest.get(i);
            cost = Money.add(cost, row.costPerMinute());
            if (i < TOP_CHILDREN) {
                children.add(ChildCost.newBuilder().setKind("resource").setName(row.resource())
                        .setCost(Money.of(row.costPerMinute())).build());
            } else {
                other = Money.add(other, row.costPerMinute());
            }
            bySku.merge(row.sku(), row.costPerMinute(), Money::add);
        }
        if (other != null) {
            children.add(ChildCost.newBuilder().setKind("resource").setName("(other)").setCost(other)
                    .setRemainder(true).build());
        }
        bySku.forEach((sku, c) -> children.add(ChildCost.newBuilder().setKind("sku").setName(sku)
                .setCost(Money.of(c)).build()));
        return UnitCost.newBuilder()
                .setService(service)
                .setWindowStart(start)
                .setWindowEnd(start.plus(Duration.ofMinutes(1)))
                .setWindowSize("PT1M")
                .setCurrency("USD")
                .setCost(cost)
                .setRequests(requests)
                .setErrors(0)
                .setCostPerRequest(requests == 0 ? null : Money.divide(cost, requests))
                .setRevenue(Money.ZERO)
                .setMargin(Money.of(cost.negate()))
                .setCostRecords(rows.size())
                .setApmRecords(requests == 0 ? 0 : 1)
                .setCoveredUntil(start.plus(Duration.ofMinutes(1)))
                .setRequestsCoveredUntil(requests == 0 ? null : start.plus(Duration.ofMinutes(1)))
                .setTeam("data")
                .setChildren(children)
                .build();
    }
}
