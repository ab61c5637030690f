package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.cost;
import static io.spendstream.attribution.TestRecords.unallocated;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * The burn-rate shares of a commit summed per scope, child and charge period ({@link BurnRateFanOut}) against the same
 * inputs one commit each (the path before: one repartition record per row and scope). The production topology from
 * the fan-out on ({@link BurnRateTopology#build}), fed by {@link CommitBatches}.
 */
class BurnRateCoalescingTest {

    private static final Instant NOW = TopologyFixture.START;
    private static final String BUDGET = "{\"amount\":\"30000.00\",\"currency\":\"USD\",\"period\":\"MONTH\","
            + "\"alertAt\":[0.5,0.75,0.9,1.0]}";
    private static final String SMALL_BUDGET = "{\"amount\":\"40.00\",\"currency\":\"USD\",\"period\":\"MONTH\","
            + "\"alertAt\":[0.5,0.75,0.9,1.0]}";

    /** A cost row (key = service) or a budget record (key = scope; json null: deleted). */
    private record Input(AttributedCost cost, String budgetJson) {

        static KeyValue<String, Input> cost(AttributedCost cost) {
            String service = cost.getAttribution().getService();
            return KeyValue.pair(service == null ? "unallocated" : service, new Input(cost, null));
        }

        static KeyValue<String, Input> budget(String scope, String json) {
            return KeyValue.pair(scope, new Input(null, json));
        }

        boolean isBudget() {
            return cost == null;
        }
    }

    private final List<TopologyFixture> fixtures = new ArrayList<>();

    @AfterEach
    void stop() {
        fixtures.forEach(TopologyFixture::close);
    }

    @Test
    void shouldEmitTheSameLastBurnRateOfEveryScopeAsOneCommitPerRow() {
        List<KeyValue<String, Input>> inputs = minuteRowsWithBudgetsBetween();

        List<KeyValue<String, BurnRate>> perRow = run(Map.of(BurnRateSettings.EMIT_INTERVAL, "0s"),
                batches -> batches.commitInBatchesOf(inputs, 1));
        for (int size : new int[] {5, 17, 64}) {
            List<KeyValue<String, BurnRate>> summed = run(Map.of(BurnRateSettings.EMIT_INTERVAL, "0s"),
                    batches -> batches.commitInBatchesOf(inputs, size));

            // Every figure of the last record of each scope, to the digit: consumed, projected, each window's spend
            // and rate, its drivers with their spend and overPaceSince, the stages, evaluatedAt.
            Map<String, BurnRate> expected = lastByScope(perRow);
            Map<String, BurnRate> actual = lastByScope(summed);
            assertThat(actual.keySet()).as("commits of %d inputs", size).isEqualTo(expected.keySet());
            expected.forEach((scope, burnRate) -> assertThat(actual.get(scope))
                    .as("%s, commits of %d inputs", scope, size).usingRecursiveComparison().isEqualTo(burnRate));
            assertThat(summed.size()).as("records emitted, commits of %d", size).isLessThan(perRow.size());
        }
    }

    @Test
    void shouldCountInABudgetsFirstBurnRateExactlyTheCostsBeforeItInItsCommit() {
        List<KeyValue<String, Input>> inputs = minuteRowsWithBudgetsBetween();
        // The checkout budget is input 37: in the middle of a commit of 5 (35-39) and of 17 (34-50).
        BigDecimal checkoutBefore = Money.ZERO;
        for (KeyValue<String, Input> input : inputs.subList(0, 37)) {
            if (!input.value.isBudget() && "checkout".equals(input.key)) {
                checkoutBefore = Money.add(checkoutBefore, input.value.cost().getCost().getEffectiveCost());
            }
        }

        for (int size : new int[] {1, 5, 17}) {
            List<KeyValue<String, BurnRate>> out = run(Map.of(), batches -> batches.commitInBatchesOf(inputs, size));
            BurnRate first = out.stream().filter(kv -> kv.key.equals("service:checkout")).findFirst().orElseThrow().value;
            assertThat(first.getConsumed()).as("commits of %d", size).isEqualTo(checkoutBefore);
            // The budget of search is deleted (a tombstone) and set again: the tombstone comes after every record
            // emitted under the first budget, and a record follows it.
            List<BurnRate> search = out.stream().filter(kv -> kv.key.equals("team:search")).map(kv -> kv.value)
                    .toList();
            int tombstone = search.indexOf(null);
            assertThat(tombstone).as("commits of %d", size).isPositive().isLessThan(search.size() - 1);
            assertThat(search.subList(tombstone + 1, search.size())).doesNotContainNull();
        }
    }

    @Test
    void shouldKeepDayTotalsExactAndWindowSumsToTheTwelfthDecimalForSpreadRows() {
        List<KeyValue<String, Input>> inputs = new ArrayList<>();
        inputs.add(Input.budget("team:payments", BUDGET));
        inputs.add(Input.budget("all", BUDGET));
        for (int i = 0; i < 60; i++) {
            // Hourly and ten-minute rows of the same charge periods, summed before they are spread over minutes.
            Instant hour = NOW.minus(Duration.ofHours(3 - i / 20));
            inputs.add(Input.cost(withResource(cost("checkout", "payments", "store", amount(i), hour,
                    Duration.ofHours(1)), "vm-" + i % 3)));
            inputs.add(Input.cost(withResource(cost("ledger", "payments", "store", amount(i + 7), hour,
                    Duration.ofMinutes(10)), "db-" + i % 2)));
        }
        // The same budgets again at the end: every scope emits its whole state.
        inputs.add(Input.budget("team:payments", BUDGET));
        inputs.add(Input.budget("all", BUDGET));

        Map<String, BurnRate> perRow = lastByScope(run(Map.of(), batches -> batches.commitInBatchesOf(inputs, 1)));
        Map<String, BurnRate> summed = lastByScope(run(Map.of(), batches -> batches.commitInBatchesOf(inputs, 40)));

        assertThat(summed.keySet()).isEqualTo(perRow.keySet()).contains("team:payments", "all");
        for (String scope : perRow.keySet()) {
            BurnRate expected = perRow.get(scope);
            BurnRate actual = summed.get(scope);
            assertThat(actual.getConsumed()).as(scope).isEqualTo(expected.getConsumed());
            assertThat(actual.getEvaluatedAt()).as(scope).isEqualTo(expected.getEvaluatedAt());
            assertThat(actual.getStagesCrossed()).as(scope).isEqualTo(expected.getStagesCrossed());
            for (int w = 0; w < expected.getWindows().size(); w++) {
                BurnWindow want = expected.getWindows().get(w);
                BurnWindow got = actual.getWindows().get(w);
                // A minute's part of a sum is rounded once at 12 decimals, the parts of its rows each once.
                assertThat(got.getSpend().subtract(want.getSpend()).abs()).as(scope + " " + want.getWindow())
                        .isLessThanOrEqualTo(new BigDecimal("1E-9"));
            }
        }
    }

    /**
     * Three services over forty minutes, several rows per service and minute on a few resources, an unallocated row
     * now and then; budgets set before the costs (team:payments, all), between them (service:checkout at input 37,
     * team:search at 60), changed (product:store at 100, small enough to cross stages), deleted and set again
     * (team:search at 150 and 170).
     */
    private static List<KeyValue<String, Input>> minuteRowsWithBudgetsBetween() {
        List<KeyValue<String, Input>> costs = new ArrayList<>();
        for (int minute = 0; minute < 40; minute++) {
            Instant start = NOW.minus(Duration.ofMinutes(40 - minute));
            for (int row = 0; row < 3; row++) {
                int n = minute * 3 + row;
                costs.add(Input.cost(withResource(cost("checkout", "payments", "store", amount(n), start,
                        Duration.ofMinutes(1)), "vm-" + row)));
                costs.add(Input.cost(withResource(cost("ledger", "payments", "store", amount(n + 1), start,
                        Duration.ofMinutes(1)), "db-" + row % 2)));
                costs.add(Input.cost(withResource(cost("search", "search", null, amount(n + 2), start,
                        Duration.ofMinutes(1)), "es-" + row)));
            }
            if (minute % 7 == 3) {
                costs.add(Input.cost(unallocated("untagged", amount(minute), start, Duration.ofMinutes(1))));
            }
        }
        List<KeyValue<String, Input>> inputs = new ArrayList<>();
        inputs.add(Input.budget("team:payments", BUDGET));
        inputs.add(Input.budget("all", BUDGET));
        Map<Integer, KeyValue<String, Input>> budgetsAt = Map.of(
                37, Input.budget("service:checkout", BUDGET),
                60, Input.budget("team:search", BUDGET),
                100, Input.budget("product:store", SMALL_BUDGET),
                150, Input.budget("team:search", null),
                170, Input.budget("team:search", SMALL_BUDGET));
        for (KeyValue<String, Input> cost : costs) {
            KeyValue<String, Input> budget = budgetsAt.get(inputs.size());
            if (budget != null) {
                inputs.add(budget);
            }
            inputs.add(cost);
        }
        return inputs;
    }

    /** Deterministic amounts with twelve decimals. */
    private static String amount(int n) {
        return new BigDecimal(1 + (n * 7919L) % 997).movePointLeft(2)
                .add(new BigDecimal((n * 104_729L) % 1_000_000_007L).movePointLeft(12)).toPlainString();
    }

    private static AttributedCost withResource(AttributedCost cost, String resource) {
        cost.getCost().setResourceId(resource);
        return cost;
    }

    private List<KeyValue<String, BurnRate>> run(Map<String, String> overrides,
            Consumer<CommitBatches<Input>> feed) {
        CommitBatches<Input> batches = new CommitBatches<>();
        TopologyFixture fixture = TopologyFixture.of(batches.app((inputs, context) -> {
            AttributionSettings settings = AttributionSettings.from(context.config());
            KStream<String, AttributedCost> costs = inputs
                    .filter((key, input) -> !input.isBudget(), Named.as("test-costs"))
                    .mapValues(Input::cost, Named.as("test-cost-rows"));
            KStream<String, byte[]> budgets = inputs
                    .filter((key, input) -> input.isBudget(), Named.as("test-budgets"))
                    .mapValues(input -> input.budgetJson() == null ? null
                            : input.budgetJson().getBytes(StandardCharsets.UTF_8), Named.as("test-budget-bytes"));
            BurnRateTopology.build(costs, budgets, context, BurnRateSettings.from(context.config(), settings));
        }), overrides);
        fixtures.add(fixture);
        batches.connect(fixture);
        feed.accept(batches);
        return fixture.output(fixture.topics().burnRate).readKeyValuesToList();
    }

    private static Map<String, BurnRate> lastByScope(List<KeyValue<String, BurnRate>> records) {
        Map<String, BurnRate> last = new LinkedHashMap<>();
        records.forEach(kv -> last.put(kv.key, kv.value));
        return last;
    }
}
