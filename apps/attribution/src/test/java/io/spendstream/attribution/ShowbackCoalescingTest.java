package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.apm;
import static io.spendstream.attribution.TestRecords.cost;
import static io.spendstream.attribution.TestRecords.shared;
import static io.spendstream.attribution.TestRecords.unallocated;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.AttributedCost;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * The showback inputs of a commit summed per hour, kind, service, team, product and shared rule
 * ({@link ShowbackSplitter}) against the same arrivals one commit each (the path before: one repartition record per
 * hourly part and APM summary). The production topology from the split on ({@link AllocationTopology#build}), fed by
 * {@link CommitBatches}.
 */
class ShowbackCoalescingTest {

    private static final Instant NOW = TopologyFixture.START;

    private final List<TopologyFixture> fixtures = new ArrayList<>();

    @AfterEach
    void stop() {
        fixtures.forEach(TopologyFixture::close);
    }

    @Test
    void shouldShowTheSameAllocationsAsOneCommitPerArrival() {
        List<KeyValue<String, Arrival>> arrivals = arrivals();

        Map<String, Allocation> perArrival = lastByWindow(run(Map.of(ShowbackSettings.EMIT_INTERVAL, "0s"),
                batches -> batches.commitInBatchesOf(arrivals, 1)));
        for (int size : new int[] {3, 16, 200}) {
            Map<String, Allocation> summed = lastByWindow(run(Map.of(ShowbackSettings.EMIT_INTERVAL, "0s"),
                    batches -> batches.commitInBatchesOf(arrivals, size)));
            // Every owner's hour, day and month, both dimensions, direct, shared and total to the digit: the same
            // requests, the same owners (checkout moves from payments to billing and back inside an hour).
            assertThat(summed).as("commits of %d arrivals", size).isEqualTo(perArrival);
        }
        assertThat(perArrival.get("payments PT1H " + NOW.minus(Duration.ofHours(2)).toEpochMilli()).getShared())
                .isPositive();
        BigDecimal total = perArrival.entrySet().stream()
                .filter(e -> e.getKey().contains(" PT1H ") && e.getValue().getDimension().equals("team"))
                .map(e -> e.getValue().getTotal()).reduce(Money.ZERO, Money::add);
        assertThat(total).isEqualTo(costOf(arrivals));
    }

    /**
     * Three hours of rows of four services (checkout re-tagged from payments to billing and back within an hour),
     * shared rows split by requests, a daily row spread over 24 hours, unallocated rows, APM summaries.
     */
    private static List<KeyValue<String, Arrival>> arrivals() {
        List<KeyValue<String, Arrival>> arrivals = new ArrayList<>();
        for (int minute = 0; minute < 180; minute += 3) {
            Instant start = NOW.minus(Duration.ofMinutes(180 - minute));
            String checkoutTeam = minute % 60 >= 20 && minute % 60 < 40 ? "billing" : "payments";
            for (int row = 0; row < 3; row++) {
                int n = minute + row;
                arrivals.add(arrival(cost("checkout", checkoutTeam, "store", amount(n), start, Duration.ofMinutes(3))));
                arrivals.add(arrival(cost("ledger", "payments", row == 0 ? null : "store", amount(n + 1), start,
                        Duration.ofMinutes(1))));
                arrivals.add(arrival(cost("search", "search", "discovery", amount(n + 2), start,
                        Duration.ofMinutes(1))));
            }
            arrivals.add(arrival(shared("k8s", "platform", amount(minute + 5), start, Duration.ofMinutes(3))));
            if (minute % 9 == 0) {
                arrivals.add(arrival(unallocated("untagged", amount(minute + 3), start, Duration.ofMinutes(1))));
            }
            arrivals.add(KeyValue.pair("checkout", new Arrival.Apm(apm("checkout", start, 100 + minute, 0))));
            arrivals.add(KeyValue.pair("search", new Arrival.Apm(apm("search", start, 40 + minute % 7, 0))));
            if (minute == 90) {
                arrivals.add(arrival(cost("reports", "data", null, "24.000000000007", NOW.minus(Duration.ofHours(20)),
                        Duration.ofDays(1))));
            }
        }
        return arrivals;
    }

    private static KeyValue<String, Arrival> arrival(AttributedCost cost) {
        String service = cost.getAttribution().getService();
        return KeyValue.pair(service == null ? "unallocated" : service, new Arrival.Cost(cost));
    }

    private static BigDecimal costOf(List<KeyValue<String, Arrival>> arrivals) {
        return arrivals.stream().filter(kv -> kv.value instanceof Arrival.Cost)
                .map(kv -> ((Arrival.Cost) kv.value).value().getCost().getEffectiveCost())
                .reduce(Money.ZERO, Money::add);
    }

    /** Deterministic amounts with twelve decimals. */
    private static String amount(int n) {
        return new BigDecimal(1 + (n * 7919L) % 997).movePointLeft(2)
                .add(new BigDecimal((n * 104_729L) % 1_000_000_007L).movePointLeft(12)).toPlainString();
    }

    private List<KeyValue<String, Allocation>> run(Map<String, String> overrides,
            Consumer<CommitBatches<Arrival>> feed) {
        CommitBatches<Arrival> batches = new CommitBatches<>();
        TopologyFixture fixture = TopologyFixture.of(batches.app((arrivals, context) -> AllocationTopology.build(
                arrivals, context, AttributionSettings.from(context.config()), SharedCostRules.from(context.config()))),
                overrides);
        fixtures.add(fixture);
        batches.connect(fixture);
        feed.accept(batches);
        return fixture.output(fixture.topics().allocation).readKeyValuesToList();
    }

    /** The last allocation of each owner and window: key, size, start. */
    private static Map<String, Allocation> lastByWindow(List<KeyValue<String, Allocation>> records) {
        Map<String, Allocation> last = new TreeMap<>();
        records.forEach(kv -> last.put(kv.key + " " + kv.value.getWindowSize() + " "
                + kv.value.getWindowStart().toEpochMilli(), kv.value));
        return last;
    }
}
