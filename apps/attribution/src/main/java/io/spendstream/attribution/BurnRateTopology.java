package io.spendstream.attribution;

import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.spendstream.attribution.avro.BurnInput;
import io.spendstream.attribution.avro.BurnInputKind;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Budget;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.dlq.DeadLetterRoute;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Burn rate per budget scope: reads the on-time rows of {@code spend.cost.attributed} (key = service, from
 * {@link AttributionInputs}) and {@code spend.budgets}
 * (compacted, key = scope, JSON; bad records to {@code spend.dlq} via {@link DeadLetterRoute}), writes
 * {@code spend.burn-rate} (key = scope; a tombstone when a budget is deleted).
 *
 * <p>Each cost row is fanned out to the scopes it counts against ({@link BudgetScopes}), each share naming the child
 * scope it counts in there ({@link BurnDrivers}), the shares of a commit summed per scope, child and charge period
 * ({@link BurnRateFanOut}, store {@value BurnRateFanOut#PENDING}, no changelog), and merged with the budgets (each
 * behind the costs pending before it) into one stream of {@link BurnInput} re-keyed by scope, through the repartition
 * topic
 * {@code <application.id>-}{@value #BY_SCOPE}{@code -repartition}. One repartition for both inputs means a scope's
 * budget and costs always meet in the same task, in order, whatever the partition count of {@code spend.budgets}.
 * The {@link BurnRateProcessor} after it keeps the stores {@value BurnRateProcessor#BUDGETS_STORE},
 * {@value BurnRateProcessor#SCOPES_STORE}, {@value BurnRateProcessor#STREAM_TIME_STORE},
 * {@value ScopeSpend#BUCKETS_STORE} and {@value ScopeSpend#DAYS_STORE}.
 *
 * <p>The scope {@code all} receives every row and so lives in one task: fine for cost rows (a few thousand per
 * second at most), and what makes its sums exact without a second aggregation stage.
 */
public final class BurnRateTopology {

    static final String FAN_OUT = "burn-rate-fan-out";
    static final String BUDGET_SOURCE = "burn-rate-budget-source";
    static final String PARSE_BUDGET = "burn-rate-parse-budget";
    static final String BUDGET_INPUT = "burn-rate-budget-input";
    static final String MERGE = "burn-rate-merge";
    static final String BY_SCOPE = "burn-rate-by-scope";
    static final String PROCESSOR = "burn-rate";
    static final String COUNT_OUT = "burn-rate-count-out";
    static final String SINK = "burn-rate-sink";

    private BurnRateTopology() {
    }

    /** {@code costs}: the on-time cost rows of {@link AttributionInputs}. */
    public static void build(StreamsBuilder builder, KStream<String, AttributedCost> costs, AppContext context,
            BurnRateSettings settings) {
        SpendstreamTopics topics = context.topics();
        build(costs, builder.stream(topics.budgets.name(), topics.budgets.consumed(BUDGET_SOURCE)), context, settings);
    }

    /**
     * {@code rawBudgets}: the records of {@code spend.budgets}. Apart for the tests that feed costs and budgets in
     * one commit of one task, as a task that reads both topics processes them.
     */
    static void build(KStream<String, AttributedCost> costs, KStream<String, byte[]> rawBudgets, AppContext context,
            BurnRateSettings settings) {
        SpendstreamTopics topics = context.topics();
        String stage = AttributionApp.NAME;

        KStream<String, BurnInput> costInputs = costs.process(BurnRateFanOut.supplier(), Named.as(FAN_OUT));

        BudgetJsonParser budgets = new BudgetJsonParser(settings.currency(), InputLimits.from(context.config()));
        KStream<String, BurnInput> budgetInputs = DeadLetterRoute.parse(rawBudgets, PARSE_BUDGET, stage, budgets,
                        topics, context.metrics())
                .process(BurnRateFanOut.BudgetAfterPendingCosts::new, Named.as(BUDGET_INPUT),
                        BurnRateFanOut.PENDING);

        costInputs.merge(budgetInputs, Named.as(MERGE))
                .repartition(Repartitioned.<String, BurnInput>as(BY_SCOPE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.avroSerde(BurnInput.class)))
                .process(BurnRateProcessor.supplier(settings, topics), Named.as(PROCESSOR))
                .peek((scope, burnRate) -> context.metrics().recordOut(stage, topics.burnRate.name()),
                        Named.as(COUNT_OUT))
                .to(topics.burnRate.name(), topics.burnRate.produced(SINK));
    }

    /** A parsed budget, or (null) its deletion. */
    static BurnInput budgetInput(Budget budget) {
        BurnInput.Builder input = BurnInput.newBuilder().setStart(Instant.EPOCH).setEnd(Instant.EPOCH);
        if (budget == null) {
            return input.setKind(BurnInputKind.BUDGET_DELETED).setAmount(Money.ZERO).setAlertAt(List.of()).build();
        }
        return input.setKind(BurnInputKind.BUDGET)
                .setAmount(Money.of(budget.getAmount()))
                .setCurrency(budget.getCurrency())
                .setPeriod(budget.getPeriod())
                .setAlertAt(budget.getAlertAt())
                .build();
    }
}
