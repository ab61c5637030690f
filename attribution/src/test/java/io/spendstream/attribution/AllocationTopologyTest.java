package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.cost;
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

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class AllocationTopologyTest {

    private static final Instant T0 = TopologyFixture.START;

    private TopologyFixture fixture;
    private TestInputTopic<String, AttributedCost> costs;
    private TestOutputTopic<String, Allocation> allocation;
    private TestOutputTopic<byte[], DeadLetter> dlq;

    @BeforeEach
    void start() {
        fixture = TopologyFixture.of(new AttributionApp());
        costs = fixture.input(fixture.topics().costAttributed);
        allocation = fixture.output(fixture.topics().allocation);
        dlq = fixture.output(fixture.topics().dlq);
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

        Map<String, Allocation> last = lastByWindow(allocation.readKeyValuesToList());
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
    void shouldSpreadADailyRowOverTheHoursOfItsDay() {
        Instant midnight = Instant.parse("2026-11-23T00:00:00Z");
        pipe(cost("platform", "infra", null, "24.000000000001", midnight, Duration.ofDays(1)));

        Map<String, Allocation> last = lastByWindow(allocation.readKeyValuesToList());
        List<Allocation> hours = last.values().stream().filter(a -> a.getWindowSize().equals("PT1H")).toList();
        assertThat(hours).hasSize(24);
        assertThat(last.get("infra@PT1H@" + midnight).getDirect()).isEqualTo(Money.of("1"));
        assertThat(hours.stream().map(Allocation::getTotal).reduce(Money.ZERO, Money::add))
                .isEqualTo(Money.of("24.000000000001"));
        assertThat(last.get("infra@PT24H@" + midnight).getTotal()).isEqualTo(Money.of("24.000000000001"));
    }

    @Test
    void shouldReconcileAllocationsOfAGeneratedDayWithTotalSpendToTheCent() {
        stop();
        // Showback alone: the whole app would take a minute of TopologyTestDriver time for 50,000 rows.
        fixture = TopologyFixture.of(PartialApps.showbackOnly());
        costs = fixture.input(fixture.topics().costAttributed);
        allocation = fixture.output(fixture.topics().allocation);
        dlq = fixture.output(fixture.topics().dlq);
        Random random = new Random(42);
        int teams = 12;
        int resources = 120;
        String[] serviceOf = new String[resources];
        String[] teamOf = new String[resources];
        for (int r = 0; r < resources; r++) {
            serviceOf[r] = "svc-" + (r % 40);
            // Every tenth resource is untagged: its cost is unallocated.
            teamOf[r] = r % 10 == 9 ? null : "team-" + (r % 40 % teams);
        }
        List<Duration> periods = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofHours(1));
        Instant dayStart = Instant.parse("2026-11-22T00:00:00Z");
        BigDecimal input = Money.ZERO;
        Set<String> teamsSeen = new HashSet<>();
        int rows = 50_000;
        for (int i = 0; i < rows; i++) {
            // In time order over the day, up to 10 minutes out of order (within the 2-day grace).
            long at = Math.max(0, (long) i * 86_400_000L / rows - random.nextInt(600_000));
            int pick = random.nextInt(100);
            Duration period = periods.get(pick < 15 ? 0 : pick < 95 ? 1 : pick < 99 ? 2 : 3);
            BigDecimal amount = BigDecimal.valueOf(random.nextInt(1_000_000_000), 9);
            int r = random.nextInt(resources);
            Instant start = dayStart.plusMillis(at);
            AttributedCost row = teamOf[r] == null
                    ? unallocated("untagged", amount.toPlainString(), start, period)
                    : cost(serviceOf[r], teamOf[r], null, amount.toPlainString(), start, period);
            row.getCost().setResourceId("resource-" + r);
            pipe(row);
            input = Money.add(input, amount);
            teamsSeen.add(AllocationTopology.teamOf(row.getAttribution()));
        }

        Map<String, Allocation> last = lastByWindow(allocation.readKeyValuesToList());
        BigDecimal hourly = sum(last, "PT1H");
        BigDecimal daily = sum(last, "PT24H");
        assertThat(teamsSeen).hasSize(teams + 1).contains("unallocated");
        assertThat(hourly).isEqualTo(input);
        assertThat(daily).isEqualTo(input);
        assertThat(last.keySet()).anyMatch(k -> k.startsWith("unallocated@PT1H@"));
        assertThat(dlq.isEmpty()).isTrue();
        double dropped = fixture.driver().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
        assertThat(dropped).as("the window stores dropped no part").isZero();
    }

    private static BigDecimal sum(Map<String, Allocation> last, String windowSize) {
        return last.values().stream().filter(a -> a.getWindowSize().equals(windowSize))
                .map(Allocation::getTotal).reduce(Money.ZERO, Money::add);
    }

    /** The final (last emitted) allocation of each team and window, by {@code team@size@start}. */
    private static Map<String, Allocation> lastByWindow(List<KeyValue<String, Allocation>> out) {
        Map<String, Allocation> last = new HashMap<>();
        for (KeyValue<String, Allocation> kv : out) {
            assertThat(kv.value.getTeam()).isEqualTo(kv.key);
            last.put(kv.key + "@" + kv.value.getWindowSize() + "@" + kv.value.getWindowStart(), kv.value);
        }
        return last;
    }

    private void pipe(AttributedCost value) {
        String key = value.getAttribution().getService() == null ? "unallocated" : value.getAttribution().getService();
        costs.pipeInput(key, value, value.getCost().getChargePeriodStart());
    }
}
