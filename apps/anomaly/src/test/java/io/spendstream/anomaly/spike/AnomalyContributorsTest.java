package io.spendstream.anomaly.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.AnomalyAppTest;
import io.spendstream.anomaly.UnitCostFeed;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
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

/**
 * Top contributors of cost anomalies (spikes and drops), from the children attribution lists on
 * {@code spend.unit-cost}.
 */
class AnomalyContributorsTest {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);
    private static final Instant T0 = TopologyFixture.START;
    private static final int UPDATES_PER_WINDOW = 4;

    /** A resource of checkout, its SKU and its usual cost per minute. */
    private record Resource(String id, String sku, double perMinute) {
    }

    private static final List<Resource> CHECKOUT = List.of(new Resource("i-0checkout01", "m6i.xlarge", 0.30),
            new Resource("i-0checkout02", "m6i.xlarge", 0.20), new Resource("db-checkout", "db.r6g.large", 0.50));
    private static final List<Resource> SEARCH = List.of(new Resource("i-0search01", "c6i.2xlarge", 1.50),
            new Resource("es-search", "r6g.large.search", 1.50));

    @Test
    void shouldNameTheResourceAndSkuBehindATenfoldSpikeWhileTheSteadyResourcesStayUnnamed() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.SERVICE_ONLY)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            Random random = new Random(66);
            for (int m = 0; m < 60; m++) {
                window(input, "checkout", m, costs(random, CHECKOUT, null));
                window(input, "search", m, costs(random, SEARCH, null));
            }
            for (int m = 60; m < 70; m++) {
                window(input, "checkout", m, costs(random, CHECKOUT, "db-checkout"));
                window(input, "search", m, costs(random, SEARCH, null));
            }
            for (int m = 70; m < 80; m++) {
                window(input, "checkout", m, costs(random, CHECKOUT, null));
                window(input, "search", m, costs(random, SEARCH, null));
            }

            List<Anomaly> events = fixture.output(fixture.topics().anomalies).readValuesToList();

            assertThat(events).extracting(Anomaly::getScope).containsOnly("checkout");
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).hasSize(1);
            // OPEN and the UPDATEs of the ten spike windows (an UPDATE's observedAt is its window's end).
            List<Anomaly> active = events.stream().filter(a -> a.getState() != AnomalyState.RESOLVED
                    && !a.getObservedAt().isAfter(minute(70))).toList();
            assertThat(active).hasSize(11).allSatisfy(anomaly -> {
                List<Contributor> top = anomaly.getTopContributors();
                assertThat(top).as("%s at %s", anomaly.getState(), anomaly.getObservedAt())
                        .extracting(Contributor::getKind, Contributor::getName)
                        .startsWith(tuple("resource", "db-checkout"),
                                tuple("sku", "db.r6g.large"));
                assertThat(top).extracting(Contributor::getName)
                        .doesNotContain("i-0checkout01", "i-0checkout02", "m6i.xlarge", "checkout");
                Contributor resource = top.get(0);
                // Nearly all of the resources' positive excess: the rest is the steady ones' noise.
                assertThat(resource.getShare()).isGreaterThan(0.99).isLessThanOrEqualTo(1.0);
                assertThat(resource.getExcess())
                        .isEqualByComparingTo(resource.getObserved().subtract(resource.getExpected()));
            });
            Contributor atOpen = active.get(0).getTopContributors().get(0);
            // The OPEN comes on a partial update of the spike's first minute (which one depends on how much
            // history the detector has): like with like, the resource is expected to have spent the same part of
            // its usual 0.50 as it spent of its 5.00 by then, a tenth of what it did.
            assertThat(atOpen.getObserved()).isBetween(new BigDecimal("1.15"), new BigDecimal("4.6"));
            assertThat(atOpen.getExpected().divide(atOpen.getObserved(), MathContext.DECIMAL64).doubleValue())
                    .isBetween(0.08, 0.12);
            Contributor finished = active.get(1).getTopContributors().get(0);
            assertThat(finished.getExpected()).isBetween(new BigDecimal("0.47"), new BigDecimal("0.53"));
            assertThat(finished.getObserved()).isBetween(new BigDecimal("4.6"), new BigDecimal("5.4"));
            assertThat(events.subList(active.size(), events.size() - 1)).as("quiet windows after the spike")
                    .isNotEmpty().allSatisfy(quiet -> assertThat(quiet.getTopContributors())
                            .extracting(Contributor::getName).containsExactly("checkout"));
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(resolved.getTopContributors()).extracting(Contributor::getName).containsExactly("checkout");

            ContributorBaselinesRecord baselines = fixture.driver()
                    .<String, ContributorBaselinesRecord>getKeyValueStore(CostSpikeTopology.CONTRIBUTOR_STORE)
                    .get("checkout");
            assertThat(baselines.getBaselines()).extracting(b -> b.getName()).containsExactly("db-checkout",
                    "i-0checkout01", "i-0checkout02", "db.r6g.large", "m6i.xlarge");
        }
    }

    @Test
    void shouldOpenOneDropTicketNamingTheResourcesThatFellWhenAServiceStopsSpendingAndResolveItWhenSpendReturns() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(),
                AnomalyAppTest.SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            Random random = new Random(67);
            for (int m = 0; m < 60; m++) {
                window(input, "checkout", m, costs(random, CHECKOUT, null));
                window(input, "search", m, costs(random, SEARCH, null));
            }
            assertThat(anomalies.readValuesToList()).isEmpty();
            List<Anomaly> events = new ArrayList<>();
            int openedDuring = -1;
            for (int m = 60; m < 80; m++) {
                // Ten minutes at 1% of the usual cost (a scaled-to-zero mistake), then back.
                window(input, "checkout", m, m < 70 ? scaled(costs(random, CHECKOUT, null), "0.01")
                        : costs(random, CHECKOUT, null));
                window(input, "search", m, costs(random, SEARCH, null));
                List<Anomaly> minute = anomalies.readValuesToList();
                if (openedDuring < 0 && minute.stream().anyMatch(a -> a.getState() == AnomalyState.OPEN)) {
                    openedDuring = m;
                }
                events.addAll(minute);
            }
            List<Alert> alerts = fixture.output(fixture.topics().alerts).readValuesToList();

            // Window 60 is judged for a drop once it settles (window 71 starts), not when window 61 starts: the rest
            // of its rows could still be on their way from another partition. A drop is a ticket: the wait is cheap.
            assertThat(openedDuring).isEqualTo(71);
            assertThat(events).extracting(Anomaly::getScope, Anomaly::getType)
                    .containsOnly(tuple("checkout", AnomalyType.COST_DROP));
            assertThat(events).filteredOn(a -> a.getState() == AnomalyState.OPEN).singleElement().satisfies(open -> {
                assertThat(open.getDedupKey()).isEqualTo("cost-drop:service:checkout");
                assertThat(open.getSeverity()).isEqualTo(Severity.TICKET);
                assertThat(open.getStartedAt()).isEqualTo(minute(60));
                // Small amounts keep two significant digits (0.0099, not 0.01); the resources that fell are named.
                assertThat(open.getSummary()).matches("checkout cost dropped to 0\\.0099 USD/min vs (0\\.9\\d|1\\.0\\d)"
                        + " expected \\(-99%\\), ~\\d+ USD/h short since " + CLOCK.format(minute(60))
                        + "; top: resource db-checkout -\\d+ USD/h \\(\\d+%\\), .*");
                assertThat(open.getExcessCost()).isNegative()
                        .isEqualByComparingTo(open.getObserved().subtract(open.getExpected()));
                // The resources that fell, most first, with their shares of the resources' shortfall.
                assertThat(open.getTopContributors()).filteredOn(c -> c.getKind().equals("resource"))
                        .extracting(Contributor::getName)
                        .containsExactly("db-checkout", "i-0checkout01", "i-0checkout02");
                Contributor first = open.getTopContributors().get(0);
                assertThat(first.getExcess()).isNegative()
                        .isEqualByComparingTo(first.getObserved().subtract(first.getExpected()));
                assertThat(open.getTopContributors()).filteredOn(c -> c.getKind().equals("resource"))
                        .extracting(Contributor::getShare).satisfies(shares -> assertThat(
                                shares.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(0.01)));
            });
            Anomaly resolved = events.get(events.size() - 1);
            assertThat(resolved.getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(resolved.getEndedAt()).isEqualTo(minute(70));
            assertThat(resolved.getSummary()).startsWith("checkout cost back to ")
                    .contains("dropped " + CLOCK.format(minute(60)) + "-" + CLOCK.format(minute(70)));
            assertThat(resolved.getExcessCost().doubleValue()).isCloseTo(-10 * 0.99, within(0.5));
            assertThat(alerts).singleElement().satisfies(alert -> {
                assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(alert.getAnomalyType()).isEqualTo("COST_DROP");
                assertThat(alert.getSeverity()).isEqualTo(Severity.TICKET);
                assertThat(alert.getLabels()).containsEntry("type", "cost_drop").containsEntry("severity", "ticket")
                        .containsEntry("service", "checkout");
                assertThat(alert.getSummary()).contains("dropped");
            });
        }
    }

    @Test
    void shouldKeepTheServiceAsItsOwnContributorWhenItsRecordsListNoChildren() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), AnomalyAppTest.SERVICE_ONLY)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            for (int m = 0; m < 30; m++) {
                window(input, "checkout", m, Map.of());
            }
            UnitCost spike = UnitCostFeed.unitCost("checkout", minute(30), new BigDecimal("10"));
            input.pipeInput("checkout", spike, minute(30).plusSeconds(50));

            List<Anomaly> events = fixture.output(fixture.topics().anomalies).readValuesToList();

            assertThat(events).singleElement().satisfies(open -> assertThat(open.getTopContributors())
                    .extracting(Contributor::getKind, Contributor::getName)
                    .containsExactly(tuple("service", "checkout")));
        }
    }

    /** One minute's cost per resource, a few percent of noise, ten times as much for {@code spiking}. */
    private static Map<Resource, BigDecimal> costs(Random random, List<Resource> resources, String spiking) {
        Map<Resource, BigDecimal> costs = new LinkedHashMap<>();
        for (Resource r : resources) {
            double factor = r.id().equals(spiking) ? 10 : 1;
            costs.put(r, UnitCostFeed.noisy(random, r.perMinute() * factor, 0.05));
        }
        return costs;
    }

    private static Map<Resource, BigDecimal> scaled(Map<Resource, BigDecimal> costs, String factor) {
        Map<Resource, BigDecimal> scaled = new LinkedHashMap<>();
        costs.forEach((r, cost) -> scaled.put(r, Money.of(cost.multiply(new BigDecimal(factor)))));
        return scaled;
    }

    /**
     * All updates of one window, as attribution writes them: the cost so far and the children so far, the last
     * update carrying the final values. No resources: the service's cost is 1 and the records list no children.
     */
    private static void window(TestInputTopic<String, UnitCost> input, String service, int m,
            Map<Resource, BigDecimal> costs) {
        for (int k = 1; k <= UPDATES_PER_WINDOW; k++) {
            List<ChildCost> children = new ArrayList<>();
            Map<String, BigDecimal> skus = new LinkedHashMap<>();
            BigDecimal total = costs.isEmpty() ? new BigDecimal("1.00") : Money.ZERO;
            for (Map.Entry<Resource, BigDecimal> cost : costs.entrySet()) {
                BigDecimal soFar = cost.getValue().multiply(BigDecimal.valueOf(k))
                        .divide(BigDecimal.valueOf(UPDATES_PER_WINDOW), Money.SCALE, RoundingMode.HALF_EVEN);
                children.add(child("resource", cost.getKey().id(), soFar));
                skus.merge(cost.getKey().sku(), soFar, Money::add);
                total = Money.add(total, soFar);
            }
            skus.forEach((sku, soFar) -> children.add(child("sku", sku, soFar)));
            UnitCost update = UnitCostFeed.unitCost(service, minute(m), total);
            update.setChildren(children);
            input.pipeInput(service, update,
                    minute(m).plus(Duration.ofMinutes(1).multipliedBy(k - 1).dividedBy(UPDATES_PER_WINDOW)));
        }
    }

    private static ChildCost child(String kind, String name, BigDecimal cost) {
        return ChildCost.newBuilder().setKind(kind).setName(name).setCost(Money.of(cost)).build();
    }

    private static Instant minute(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }
}
