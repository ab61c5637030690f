package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.apm;
import static io.spendstream.attribution.TestRecords.cost;
import static io.spendstream.attribution.TestRecords.shared;
import static io.spendstream.attribution.TestRecords.unallocated;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.attribution.avro.ShowbackEntry;
import io.spendstream.avro.Allocation;
import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class AllocationTopologyTest {

    private static final Instant T0 = TopologyFixture.START;

    private TopologyFixture fixture;
    private static final Instant DAY = Instant.parse("2026-11-23T00:00:00Z");
    private static final Instant MONTH = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private TestInputTopic<String, AttributedCost> costs;
    private TestInputTopic<String, ApmRecord> apm;
    private TestOutputTopic<String, Allocation> allocation;
    private TestOutputTopic<byte[], DeadLetter> dlq;

    @BeforeEach
    void start() {
        use(TopologyFixture.of(new AttributionApp()));
    }

    private void use(TopologyFixture newFixture) {
        fixture = newFixture;
        costs = fixture.input(fixture.topics().costAttributed);
        apm = fixture.input(fixture.topics().apm);
        allocation = fixture.output(fixture.topics().allocation);
        dlq = fixture.output(fixture.topics().dlq);
    }

    private void restartWith(Map<String, String> overrides) {
        stop();
        use(TopologyFixture.of(new AttributionApp(), overrides));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldShowEachTeamItsDirectCostPerHourAndPerDay() {
        pipe(cost("checkout", "payments", "store", "3.50", T0, Duration.ofMinutes(1)));
        pipe(cost("refunds", "payments", null, "1.25", T0.plus(Duration.ofMinutes(20)), Duration.ofMinutes(1)));
        pipe(unallocated("untagged", "0.75", T0.plus(Duration.ofMinutes(30)), Duration.ofMinutes(1)));

        Map<String, Allocation> last = lastByWindow(emitted());
        Allocation hour = last.get("payments@PT1H@" + T0);
        assertThat(hour.getTeam()).isEqualTo("payments");
        assertThat(hour.getWindowEnd()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(hour.getCurrency()).isEqualTo("USD");
        assertThat(hour.getDirect()).isEqualTo(Money.of("4.75"));
        assertThat(hour.getShared()).isEqualTo(Money.ZERO);
        assertThat(hour.getTotal()).isEqualTo(Money.of("4.75"));
        Allocation day = last.get("payments@PT24H@" + Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(day.getTotal()).isEqualTo(Money.of("4.75"));
        assertThat(last.get("unallocated@PT1H@" + T0).getTotal()).isEqualTo(Money.of("0.75"));
    }

    @Test
    void shouldShowCostsBeforeAndAfterAMidStreamTagChangeToTheTeamOfTheirOwnTime() {
        // i-1 (service checkout) was re-tagged from payments to platform at 10:00: enrich attributes each cost with
        // the tags valid at its event time (EnrichAppTest). The later cost arrives first, as a lagging export
        // delivers them; showback must follow the attribution, not the arrival order.
        pipe(cost("checkout", "platform", "store", "2.00", T0.plus(Duration.ofMinutes(30)), MINUTE));
        pipe(cost("checkout", "payments", "store", "1.00", T0.minus(Duration.ofMinutes(30)), MINUTE));

        Map<String, Allocation> last = lastByWindow(emitted());
        Instant nine = T0.minus(Duration.ofHours(1));
        assertShowback(last.get("payments@PT1H@" + nine), "1.00", "0");
        assertShowback(last.get("platform@PT1H@" + T0), "2.00", "0");
        assertThat(last).doesNotContainKeys("payments@PT1H@" + T0, "platform@PT1H@" + nine);
        assertShowback(last.get("payments@PT24H@" + DAY), "1.00", "0");
        assertShowback(last.get("platform@PT24H@" + DAY), "2.00", "0");
        assertShowback(last.get("product:store@PT24H@" + DAY), "3.00", "0");
    }

    @Test
    void shouldSpreadADailyRowOverTheHoursOfItsDay() {
        Instant midnight = Instant.parse("2026-11-23T00:00:00Z");
        pipe(cost("platform", "infra", null, "24.000000000001", midnight, Duration.ofDays(1)));

        Map<String, Allocation> last = lastByWindow(emitted());
        List<Allocation> hours = last.values().stream()
                .filter(a -> a.getWindowSize().equals("PT1H") && a.getTeam().equals("infra")).toList();
        assertThat(hours).hasSize(24);
        assertThat(last.get("infra@PT1H@" + midnight).getDirect()).isEqualTo(Money.of("1"));
        assertThat(hours.stream().map(Allocation::getTotal).reduce(Money.ZERO, Money::add))
                .isEqualTo(Money.of("24.000000000001"));
        assertThat(last.get("infra@PT24H@" + midnight).getTotal()).isEqualTo(Money.of("24.000000000001"));
    }

    @Test
    void shouldSplitASharedNatGatewayByRequestsBetweenTheTeamsOfTheServicesThatUsedIt() {
        pipe(cost("checkout", "payments", null, "1.00", T0.plus(Duration.ofMinutes(5)), MINUTE));
        pipe(cost("search", "discovery", null, "2.00", T0.plus(Duration.ofMinutes(10)), MINUTE));
        pipe(shared(null, "platform", "4.00", T0, Duration.ofHours(1)));
        List<KeyValue<String, Allocation>> beforeRequests = emitted();
        for (int i = 0; i < 3; i++) {
            pipe(apm("checkout", T0.plus(Duration.ofMinutes(i)), 100, 0));
        }
        pipe(apm("search", T0.plus(Duration.ofMinutes(20)), 100, 0));

        assertShowback(lastByWindow(beforeRequests).get("shared-unapportioned@PT1H@" + T0), "0", "4.00");
        Map<String, Allocation> last = lastByWindow(emitted());
        assertShowback(last.get("payments@PT1H@" + T0), "1.00", "3.00");
        assertShowback(last.get("discovery@PT1H@" + T0), "2.00", "1.00");
        assertShowback(last.get("payments@PT24H@" + DAY), "1.00", "3.00");
        assertShowback(last.get("discovery@PT24H@" + DAY), "2.00", "1.00");
        // Before the first requests arrived, the NAT gateway was shown as unapportioned; then corrected to 0.
        assertShowback(last.get("shared-unapportioned@PT1H@" + T0), "0", "0");
        assertThat(last.keySet()).noneMatch(k -> k.startsWith("platform@"));
        assertThat(sum(last, "PT1H")).isEqualTo(Money.of("7.00"));
        assertThat(sum(last, "PT24H")).isEqualTo(Money.of("7.00"));
    }

    @Test
    void shouldKeepSharedCostVisibleAsUnapportionedWhileNoServiceHasRequestsInItsHour() {
        pipe(cost("checkout", "payments", null, "1.00", T0, MINUTE));
        pipe(shared("nat", "platform", "4.00", T0, Duration.ofHours(1)));
        // Requests in the next hour do not take a share of this hour's cost.
        pipe(apm("checkout", T0.plus(Duration.ofMinutes(61)), 500, 0));

        Map<String, Allocation> last = lastByWindow(emitted());
        assertShowback(last.get("shared-unapportioned@PT1H@" + T0), "0", "4.00");
        assertShowback(last.get("payments@PT1H@" + T0), "1.00", "0");
        assertShowback(last.get("shared-unapportioned@PT24H@" + DAY), "0", "4.00");
        assertThat(sum(last, "PT1H")).isEqualTo(Money.of("5.00"));

        pipe(apm("checkout", T0.plus(Duration.ofMinutes(59)), 1, 0));

        last = lastByWindow(emitted());
        assertShowback(last.get("shared-unapportioned@PT1H@" + T0), "0", "0");
        assertShowback(last.get("payments@PT1H@" + T0), "1.00", "4.00");
        assertShowback(last.get("shared-unapportioned@PT24H@" + DAY), "0", "0");
        assertShowback(last.get("payments@PT24H@" + DAY), "1.00", "4.00");
    }

    @Test
    void shouldSplitEvenlyBetweenTheServicesActiveInTheHour() {
        restartWith(Map.of(SharedCostSettings.METHOD, "even"));
        pipe(cost("checkout", "payments", null, "1.00", T0, MINUTE));
        pipe(cost("search", "discovery", null, "1.00", T0, MINUTE));
        // A service with traffic but no cost row in the hour: no team known, its part is unallocated.
        pipe(apm("batch", T0, 1, 0));
        pipe(shared(null, "platform", "3.00", T0, Duration.ofHours(1)));

        Map<String, Allocation> last = lastByWindow(emitted());
        assertShowback(last.get("payments@PT1H@" + T0), "1.00", "1.00");
        assertShowback(last.get("discovery@PT1H@" + T0), "1.00", "1.00");
        assertShowback(last.get("unallocated@PT1H@" + T0), "0", "1.00");
        assertThat(sum(last, "PT1H")).isEqualTo(Money.of("5.00"));
    }

    @Test
    void shouldSplitByTheConfiguredWeightsBetweenTheWeightedServicesActiveInTheHour() {
        restartWith(Map.of(SharedCostSettings.METHOD, "weights", SharedCostSettings.WEIGHTS,
                "checkout:3,search:1,reports:5"));
        pipe(cost("checkout", "payments", null, "1.00", T0, MINUTE));
        pipe(cost("search", "discovery", null, "1.00", T0, MINUTE));
        pipe(cost("admin", "backoffice", null, "1.00", T0, MINUTE));
        // reports has a weight but did nothing this hour; admin was active but has no weight.
        pipe(shared(null, "platform", "4.00", T0, Duration.ofHours(1)));

        Map<String, Allocation> last = lastByWindow(emitted());
        assertShowback(last.get("payments@PT1H@" + T0), "1.00", "3.00");
        assertShowback(last.get("discovery@PT1H@" + T0), "1.00", "1.00");
        assertShowback(last.get("backoffice@PT1H@" + T0), "1.00", "0");
        assertThat(sum(last, "PT1H")).isEqualTo(Money.of("7.00"));
    }

    @Test
    void shouldApportionAnAwkwardAmountSoThatThePartsSumBackExactly() {
        for (String service : List.of("a", "b", "c")) {
            pipe(cost(service, "team-" + service, null, "0", T0, MINUTE));
            pipe(apm(service, T0, 7, 0));
        }
        pipe(shared(null, "platform", "1.000000000001", T0, Duration.ofHours(1)));

        Map<String, Allocation> last = lastByWindow(emitted());
        assertThat(last.get("team-a@PT1H@" + T0).getShared()).isEqualTo(Money.of("0.333333333334"));
        assertThat(last.get("team-b@PT1H@" + T0).getShared()).isEqualTo(Money.of("0.333333333334"));
        assertThat(last.get("team-c@PT1H@" + T0).getShared()).isEqualTo(Money.of("0.333333333333"));
        assertThat(sumOf(last, "PT1H", Allocation::getShared)).isEqualTo(Money.of("1.000000000001"));
        assertThat(sum(last, "PT24H")).isEqualTo(Money.of("1.000000000001"));
    }

    @Test
    void shouldShowEachProductItsDirectCostAndItsServicesPartsOfSharedCost() {
        pipe(apm("checkout", T0, 300, 0));
        pipe(apm("search", T0, 100, 0));
        pipe(cost("checkout", "payments", "store", "1.00", T0, MINUTE));
        pipe(cost("refunds", "payments", "store", "0.50", T0, MINUTE));
        pipe(cost("search", "discovery", "catalog", "2.00", T0, MINUTE));
        pipe(cost("admin", "backoffice", null, "0.25", T0, MINUTE));
        pipe(unallocated("untagged", "0.75", T0, MINUTE));
        pipe(shared(null, "platform", "4.00", T0, Duration.ofHours(1)));

        Map<String, Allocation> last = lastByWindow(emitted());
        for (String window : List.of("PT1H@" + T0, "PT24H@" + DAY)) {
            // The NAT gateway's 4.00 is split 3:1 by requests once, between checkout and search; each part goes to
            // the service's team and to its product.
            assertShowback(last.get("product:store@" + window), "1.50", "3.00");
            assertShowback(last.get("product:catalog@" + window), "2.00", "1.00");
            assertShowback(last.get("product:unallocated@" + window), "1.00", "0");
            assertShowback(last.get("payments@" + window), "1.50", "3.00");
            assertShowback(last.get("discovery@" + window), "2.00", "1.00");
        }
        assertThat(last.get("product:store@PT1H@" + T0).getProduct()).isEqualTo("store");
        for (String size : List.of("PT1H", "PT24H")) {
            assertThat(sumOf(last, AllocationTopology.DIMENSION_PRODUCT, size, Allocation::getTotal))
                    .as("products + unallocated = total spend").isEqualTo(Money.of("8.50"));
            assertThat(sum(last, size)).as("teams + unallocated = total spend").isEqualTo(Money.of("8.50"));
        }
    }

    @Test
    void shouldApportionEachSharedResourceByItsOwnMethodAndStillSumExactly() {
        restartWith(Map.of(SharedCostSettings.METHOD + ".lb-1", "even",
                SharedCostSettings.METHOD + ".dns", "weights",
                SharedCostSettings.WEIGHTS + ".dns", "checkout:1,search:3"));
        pipe(cost("checkout", "payments", "store", "1.00", T0, MINUTE));
        pipe(cost("search", "discovery", "catalog", "1.00", T0, MINUTE));
        pipe(apm("checkout", T0, 300, 0));
        pipe(apm("search", T0, 100, 0));
        // Default (requests, 3:1); resource lb-1 even; every resource of the service dns by weights 1:3.
        pipe(sharedResource("nat-1", null, "4.00"));
        pipe(sharedResource("lb-1", null, "1.000000000001"));
        pipe(sharedResource("dns-zone-7", "dns", "2.00"));

        Map<String, Allocation> last = lastByWindow(emitted());
        // payments: 3.00 (nat-1) + 0.500000000001 (lb-1: the odd 10^-12 to the alphabetically first) + 0.50 (dns)
        assertShowback(last.get("payments@PT1H@" + T0), "1.00", "4.000000000001");
        // discovery: 1.00 (nat-1) + 0.50 (lb-1) + 1.50 (dns)
        assertShowback(last.get("discovery@PT1H@" + T0), "1.00", "3.00");
        assertShowback(last.get("product:store@PT1H@" + T0), "1.00", "4.000000000001");
        assertShowback(last.get("product:catalog@PT1H@" + T0), "1.00", "3.00");
        for (String dimension : List.of(AllocationTopology.DIMENSION_TEAM, AllocationTopology.DIMENSION_PRODUCT)) {
            for (String size : List.of("PT1H", "PT24H")) {
                assertThat(sumOf(last, dimension, size, Allocation::getShared)).as("%s %s shared", dimension, size)
                        .isEqualTo(Money.of("7.000000000001"));
                assertThat(sumOf(last, dimension, size, Allocation::getTotal)).as("%s %s total", dimension, size)
                        .isEqualTo(Money.of("9.000000000001"));
            }
        }
    }

    @Test
    void shouldKeepASharedResourceUnapportionedWhenNoServiceQualifiesForItsOwnMethod() {
        // dns is split by weights among checkout and search only; neither is active, so its cost stays visible.
        restartWith(Map.of(SharedCostSettings.METHOD + ".dns", "weights",
                SharedCostSettings.WEIGHTS + ".dns", "checkout:1,search:3"));
        pipe(cost("admin", "backoffice", "console", "1.00", T0, MINUTE));
        pipe(apm("admin", T0, 10, 0));
        pipe(sharedResource("nat-1", null, "4.00"));
        pipe(sharedResource("dns-zone-7", "dns", "2.00"));

        Map<String, Allocation> last = lastByWindow(emitted());
        assertShowback(last.get("backoffice@PT1H@" + T0), "1.00", "4.00");
        assertShowback(last.get("shared-unapportioned@PT1H@" + T0), "0", "2.00");
        assertShowback(last.get("product:shared-unapportioned@PT1H@" + T0), "0", "2.00");
        assertShowback(last.get("product:console@PT1H@" + T0), "1.00", "4.00");
    }

    /** An hourly row of 10:00 of a shared resource, as enrich attributes it. */
    private static AttributedCost sharedResource(String resourceId, String service, String amount) {
        AttributedCost row = shared(service, "platform", amount, T0, Duration.ofHours(1));
        row.getCost().setResourceId(resourceId);
        return row;
    }

    private static void assertShowback(Allocation allocation, String direct, String sharedPart) {
        assertThat(allocation).as("allocation").isNotNull();
        assertThat(allocation.getDirect()).as(allocation.getTeam() + " direct").isEqualTo(Money.of(direct));
        assertThat(allocation.getShared()).as(allocation.getTeam() + " shared").isEqualTo(Money.of(sharedPart));
        assertThat(allocation.getTotal()).as(allocation.getTeam() + " total")
                .isEqualTo(Money.add(Money.of(direct), Money.of(sharedPart)));
    }

    @Test
    void shouldForgetAnHourOnceNoOnTimePartCanReachItAnyMore() {
        // Kept until stream time passes the hour's end by horizon + grace + max-spread = 1h here.
        restartWith(Map.of(AttributionSettings.GRACE, "0s", AttributionSettings.MAX_SPREAD, "0s",
                BillingHorizon.KEY, "1h"));
        pipe(cost("checkout", "payments", null, "1.00", T0, MINUTE));
        pipe(cost("checkout", "payments", null, "1.00", T0.plus(Duration.ofMinutes(90)), MINUTE));
        KeyValueStore<ShowbackKey, ShowbackEntry> store = fixture.driver().getKeyValueStore(ShowbackProcessor.STORE);
        Function<Instant, ShowbackEntry> paymentsOf = hour -> store.get(
                new ShowbackKey(ShowbackKey.Kind.DIRECT, hour.toEpochMilli(), "payments"));
        assertThat(paymentsOf.apply(T0)).as("10:00 is kept until 12:00").isNotNull();

        pipe(cost("checkout", "payments", null, "1.00", T0.plus(Duration.ofHours(2)), MINUTE));

        assertThat(paymentsOf.apply(T0)).as("10:00 is gone at 12:00").isNull();
        assertThat(store.get(new ShowbackKey(ShowbackKey.Kind.SERVICE, T0.toEpochMilli(), "checkout"))).isNull();
        assertThat(paymentsOf.apply(T0.plus(Duration.ofHours(2)))).isNotNull();
        Map<String, Allocation> last = lastByWindow(emitted());
        assertThat(last.get("payments@PT24H@" + DAY).getTotal())
                .as("the day is kept until its own end").isEqualTo(Money.of("3.00"));
        assertThat(last.get("payments@P1M@" + MONTH).getTotal()).isEqualTo(Money.of("3.00"));
    }

    @Test
    void shouldReconcileAllocationsOfAGeneratedDayWithTotalSpendToTheCent() {
        stop();
        // Showback alone: the whole app would take a minute of TopologyTestDriver time for 50,000 rows. Two of the
        // shared resources have their own method: resource-17 even, the service shared-infra weights.
        use(TopologyFixture.of(PartialApps.showbackOnly(), Map.of(
                SharedCostSettings.METHOD + ".resource-17", "even",
                SharedCostSettings.METHOD + ".shared-infra", "weights",
                SharedCostSettings.WEIGHTS + ".shared-infra", "svc-1:1,svc-2:2,svc-3:3.5")));
        Random random = new Random(42);
        int teams = 12;
        int resources = 120;
        String[] serviceOf = new String[resources];
        String[] teamOf = new String[resources];
        String[] productOf = new String[resources];
        for (int r = 0; r < resources; r++) {
            serviceOf[r] = "svc-" + (r % 40);
            // Six products; every seventh resource names none (its cost is shown to product:unallocated).
            productOf[r] = r % 7 == 3 ? null : "product-" + (r % 40 % 6);
            // Every tenth resource is untagged: its cost is unallocated.
            teamOf[r] = r % 10 == 9 ? null : "team-" + (r % 40 % teams);
        }
        // Every twelfth resource is shared infrastructure (NAT gateways, load balancers ...), half of them with a
        // service of their own, half without (enrich then keys them unallocated).
        boolean[] isShared = new boolean[resources];
        for (int r = 5; r < resources; r += 12) {
            isShared[r] = true;
            teamOf[r] = "platform";
            serviceOf[r] = r % 24 == 5 ? "shared-infra" : null;
        }
        List<Duration> periods = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofHours(1));
        Instant dayStart = Instant.parse("2026-11-22T00:00:00Z");
        BigDecimal input = Money.ZERO;
        BigDecimal sharedInput = Money.ZERO;
        Set<String> teamsSeen = new HashSet<>();
        Set<String> productsSeen = new HashSet<>();
        int rows = 50_000;
        for (int i = 0; i < rows; i++) {
            // In time order over the day, up to 10 minutes out of order (within the 2-day grace).
            long at = Math.max(0, (long) i * 86_400_000L / rows - random.nextInt(600_000));
            int pick = random.nextInt(100);
            Duration period = periods.get(pick < 15 ? 0 : pick < 95 ? 1 : pick < 99 ? 2 : 3);
            BigDecimal amount = BigDecimal.valueOf(random.nextInt(1_000_000_000), 9);
            int r = random.nextInt(resources);
            Instant start = dayStart.plusMillis(at);
            AttributedCost row = isShared[r] ? shared(serviceOf[r], teamOf[r], amount.toPlainString(), start, period)
                    : teamOf[r] == null ? unallocated("untagged", amount.toPlainString(), start, period)
                    : cost(serviceOf[r], teamOf[r], productOf[r], amount.toPlainString(), start, period);
            row.getCost().setResourceId("resource-" + r);
            pipe(row);
            if (i % 1_000 == 999) {
                // Emit along the way, as the app does: later rows then correct what was emitted.
                fixture.driver().advanceWallClockTime(ShowbackSettings.DEFAULT_EMIT_INTERVAL);
            }
            input = Money.add(input, amount);
            if (isShared[r]) {
                sharedInput = Money.add(sharedInput, amount);
            } else {
                teamsSeen.add(AllocationTopology.teamOf(row.getAttribution()));
                productsSeen.add(AllocationTopology.productOf(row.getAttribution()));
            }
            // Traffic of a few services, most hours (the first hour has none: its shared cost stays unapportioned).
            if (i % 20 == 0 && at >= 3_600_000L) {
                pipe(apm("svc-" + random.nextInt(40), start, random.nextInt(1_000), 0));
            }
        }

        Map<String, Allocation> last = lastByWindow(emitted());
        BigDecimal hourly = sum(last, "PT1H");
        BigDecimal daily = sum(last, "PT24H");
        assertThat(teamsSeen).hasSize(teams + 1).contains("unallocated");
        assertThat(hourly).isEqualTo(input);
        assertThat(daily).isEqualTo(input);
        assertThat(sumOf(last, "PT1H", Allocation::getShared)).isEqualTo(sharedInput).isPositive();
        assertThat(sumOf(last, "PT24H", Allocation::getShared)).isEqualTo(sharedInput);
        assertThat(productsSeen).hasSize(6 + 1).contains("unallocated");
        String products = AllocationTopology.DIMENSION_PRODUCT;
        assertThat(sumOf(last, products, "PT1H", Allocation::getTotal)).isEqualTo(input);
        assertThat(sumOf(last, products, "PT24H", Allocation::getTotal)).isEqualTo(input);
        assertThat(sumOf(last, "P1M", Allocation::getTotal)).as("the month of that one day").isEqualTo(input);
        assertThat(sumOf(last, products, "P1M", Allocation::getTotal)).isEqualTo(input);
        assertThat(sumOf(last, products, "PT1H", Allocation::getShared)).isEqualTo(sharedInput);
        assertThat(sumOf(last, products, "PT24H", Allocation::getShared)).isEqualTo(sharedInput);
        assertThat(last.keySet()).anyMatch(k -> k.startsWith("product:unallocated@PT1H@"));
        assertThat(last.get("product:shared-unapportioned@PT1H@" + dayStart).getShared()).isPositive();
        assertThat(last.values()).allSatisfy(a ->
                assertThat(a.getTotal()).isEqualTo(Money.add(a.getDirect(), a.getShared())));
        assertThat(last.keySet()).anyMatch(k -> k.startsWith("unallocated@PT1H@"));
        assertThat(last.get("shared-unapportioned@PT1H@" + dayStart).getShared()).isPositive();
        assertThat(last.keySet()).noneMatch(k -> k.startsWith("platform@"));
        assertThat(fixture.count(ShowbackProcessor.DROPPED_METRIC)).isZero();
        assertThat(dlq.isEmpty()).isTrue();
        double dropped = fixture.driver().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
        assertThat(dropped).as("the window stores dropped no part").isZero();
    }

    @Test
    void shouldEmitEachChangedAllocationOncePerEmitIntervalInsteadOfOnEveryInput() {
        for (int i = 0; i < 10; i++) {
            pipe(cost("checkout", "payments", "store", "1.00", T0.plus(Duration.ofMinutes(i)), MINUTE));
            pipe(apm("checkout", T0.plus(Duration.ofMinutes(i)), 100, 0));
        }
        assertThat(allocation.isEmpty()).as("nothing before the interval has passed").isTrue();

        List<KeyValue<String, Allocation>> first = emitted();
        assertThat(first).extracting(kv -> kv.key + "@" + kv.value.getWindowSize()).containsExactly(
                "payments@PT1H", "product:store@PT1H", "payments@PT24H", "payments@P1M", "product:store@PT24H",
                "product:store@P1M");
        assertShowback(lastByWindow(first).get("payments@PT1H@" + T0), "10.00", "0");

        pipe(shared(null, "platform", "2.00", T0, Duration.ofHours(1)));
        pipe(cost("search", "discovery", null, "1.00", T0, MINUTE));
        Map<String, Allocation> second = lastByWindow(emitted());
        assertShowback(second.get("payments@PT1H@" + T0), "10.00", "2.00");
        assertShowback(second.get("payments@PT24H@" + DAY), "10.00", "2.00");
        assertShowback(second.get("payments@P1M@" + MONTH), "10.00", "2.00");
        assertThat(second.get("payments@P1M@" + MONTH).getWindowEnd()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertShowback(second.get("discovery@PT1H@" + T0), "1.00", "0");
        assertThat(sum(second, "PT1H")).isEqualTo(Money.of("13.00"));

        assertThat(emitted()).as("an interval without inputs emits nothing").isEmpty();
    }

    @Test
    void shouldEmitOnEveryInputWhenTheEmitIntervalIsZero() {
        restartWith(Map.of(ShowbackSettings.EMIT_INTERVAL, "0s"));
        pipe(cost("checkout", "payments", null, "1.00", T0, MINUTE));
        assertShowback(lastByWindow(allocation.readKeyValuesToList()).get("payments@PT1H@" + T0), "1.00", "0");

        pipe(cost("checkout", "payments", null, "2.00", T0, MINUTE));
        assertShowback(lastByWindow(allocation.readKeyValuesToList()).get("payments@PT24H@" + DAY), "3.00", "0");
    }

    /** What {@code spend.allocation} received, once an emit-interval has passed (the processor emits then). */
    private List<KeyValue<String, Allocation>> emitted() {
        fixture.driver().advanceWallClockTime(ShowbackSettings.DEFAULT_EMIT_INTERVAL);
        return allocation.readKeyValuesToList();
    }

    /** Sum of the totals over the teams (dimension team) of the windows of one size. */
    private static BigDecimal sum(Map<String, Allocation> last, String windowSize) {
        return sumOf(last, windowSize, Allocation::getTotal);
    }

    private static BigDecimal sumOf(Map<String, Allocation> last, String windowSize,
            Function<Allocation, BigDecimal> amount) {
        return sumOf(last, AllocationTopology.DIMENSION_TEAM, windowSize, amount);
    }

    private static BigDecimal sumOf(Map<String, Allocation> last, String dimension, String windowSize,
            Function<Allocation, BigDecimal> amount) {
        return last.values().stream()
                .filter(a -> a.getWindowSize().equals(windowSize) && a.getDimension().equals(dimension))
                .map(amount).reduce(Money.ZERO, Money::add);
    }

    /**
     * The final (last emitted) allocation of each owner and window, by {@code key@size@start}: the key is the team,
     * or {@code product:<product>} for the dimension product.
     */
    private static Map<String, Allocation> lastByWindow(List<KeyValue<String, Allocation>> out) {
        Map<String, Allocation> last = new HashMap<>();
        for (KeyValue<String, Allocation> kv : out) {
            if (kv.value.getDimension().equals(AllocationTopology.DIMENSION_PRODUCT)) {
                assertThat(kv.key).isEqualTo("product:" + kv.value.getProduct());
                assertThat(kv.value.getTeam()).isEmpty();
            } else {
                assertThat(kv.value.getDimension()).isEqualTo(AllocationTopology.DIMENSION_TEAM);
                assertThat(kv.value.getTeam()).isEqualTo(kv.key);
                assertThat(kv.value.getProduct()).isNull();
            }
            last.put(kv.key + "@" + kv.value.getWindowSize() + "@" + kv.value.getWindowStart(), kv.value);
        }
        return last;
    }

    private void pipe(ApmRecord value) {
        apm.pipeInput(value.getService(), value, value.getWindowStart());
    }

    private void pipe(AttributedCost value) {
        String key = value.getAttribution().getService() == null ? "unallocated" : value.getAttribution().getService();
        costs.pipeInput(key, value, value.getCost().getChargePeriodStart());
    }
}
