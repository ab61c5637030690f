package io.spendstream.attribution;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.StreamsBuilder;

import io.spendstream.attribution.value.ValueTopology;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The attribution stream app: what each service's traffic costs, per window, and how fast each budget burns, as the
 * data arrives. One app with separate topologies sharing one reading of its inputs ({@link AttributionInputs}:
 * {@code spend.cost.attributed} and {@code spend.apm}, late and keyless records to {@code spend.dlq}, store
 * {@value LatenessGate#STREAM_TIME_STORE}):
 * <ul>
 * <li>{@link UnitCostTopology}: to {@code spend.unit-cost} (key = service), one aggregation per window size
 *     (default 1m and 1h, told apart by {@code windowSize}); stores {@code unit-cost-<size>};</li>
 * <li>{@link BurnRateTopology}: cost rows + {@code spend.budgets} to {@code spend.burn-rate}
 *     (key = budget scope), bad budgets to {@code spend.dlq}; stores {@code attribution-burn-rate-*};</li>
 * <li>{@link AllocationTopology}: cost rows and APM summaries to {@code spend.allocation} (key = team, or
 *     {@code product:<product>}) per hour and per day, shared infrastructure apportioned; store {@code allocation-entries};</li>
 * <li>{@link ReconciliationTopology}: metered estimates versus the bill that superseded them, per service, SKU and
 *     hour, to {@code spend.reconciliation} (key = service); store {@value ReconciliationTopology#STORE};</li>
 * <li>{@link CommitmentTopology}: cost rows of commitment discounts to {@code spend.commitments} (key = commitment),
 *     used and unused cost and utilisation per hour and per day; store {@value CommitmentProcessor#STORE};</li>
 * <li>{@link ValueTopology}: reads back its own minute windows of {@code spend.unit-cost} and writes
 *     {@code spend.value} (key = service) per hour: latency-to-conversion sensitivity and revenue effect, marginal
 *     cost per request, cost per SLO-compliant request; store {@value ValueTopology#STORE}.</li>
 * </ul>
 * Settings: {@link AttributionSettings}, {@link BurnRateSettings}, {@link ShowbackSettings}, {@link SharedCostRules},
 * {@link io.spendstream.attribution.value.ValueSettings}.
 */
public final class AttributionApp implements StreamsApp {

    public static final String NAME = "attribution";
    public static final String METRICS_PORT = "9403";
    /**
     * The app's stores kept in memory only: the coalescing buffers that hold a commit interval's burn-rate and
     * showback sums until the commit ({@link io.spendstream.runtime.state.CoalescingBuffer}; no changelog, no RocksDB,
     * so no RocksDB metrics). Every other store is RocksDB.
     */
    public static final Set<String> MEMORY_ONLY_STORES = Set.of(BurnRateFanOut.PENDING, ShowbackSplitter.PENDING);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppTopics topics(SpendstreamTopics topics) {
        return new AppTopics(List.of(topics.costAttributed, topics.apm, topics.budgets, topics.unitCost),
                List.of(), List.of(topics.unitCost, topics.burnRate, topics.allocation, topics.reconciliation,
                        topics.commitments, topics.value),
                topics.dlq);
    }

    @Override
    public List<String> deadLetterReasons() {
        return DeadLetterReasons.Attribution.ALL;
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of("spendstream.metrics.port", METRICS_PORT);
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        AttributionSettings settings = AttributionSettings.from(context.config());
        AttributionInputs inputs = AttributionInputs.build(builder, context, settings);
        UnitCostTopology.build(inputs.arrivals(), context, settings);
        BurnRateTopology.build(builder, inputs.costs(), context, BurnRateSettings.from(context.config(), settings));
        AllocationTopology.build(inputs.arrivals(), context, settings, SharedCostRules.from(context.config()));
        ReconciliationTopology.build(builder, inputs.costs(), context, settings);
        CommitmentTopology.build(inputs.costs(), context, settings);
        ValueTopology.build(builder, context, settings);
    }
}
