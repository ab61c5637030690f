package io.spendstream.attribution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
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
 * <p>Each cost row is fanned out to the scopes it counts against ({@link BudgetScopes}), each copy naming the child
 * scope it counts in there ({@link BurnDrivers}), and re-keyed by scope through the repartition topic
 * {@code <application.id>-}{@value #BY_SCOPE}{@code -repartition}; the budgets, already keyed by scope, are written
 * into the same topic by a sub-topology of their own ({@link #buildBudgets}). One topic for both inputs means a
 * scope's budget and costs always meet in the same task, in the order they reach the topic, whatever the partition
 * count of {@code spend.budgets}. The {@link BurnRateProcessor} after it keeps the stores
 * {@value BurnRateProcessor#BUDGETS_STORE}, {@value BurnRateProcessor#SCOPES_STORE},
 * {@value BurnRateProcessor#STREAM_TIME_STORE}, {@value ScopeSpend#BUCKETS_STORE} and {@value ScopeSpend#DAYS_STORE}.
 *
 * <p>The scope {@code all} receives every row and so lives in one task: fine for cost rows (a few thousand per
 * second at most), and what makes its sums exact without a second aggregation stage.
 */
public final class BurnRateTopology {

    static final String FAN_OUT = "burn-rate-fan-out";
    static final String BUDGET_SOURCE = "burn-rate-budget-source";
    static final String PARSE_BUDGET = "burn-rate-parse-budget";
    static final String BUDGET_INPUT = "burn-rate-budget-input";
    static final String BUDGET_SINK = "burn-rate-budget-sink";
    static final String BY_SCOPE = "burn-rate-by-scope";
    static final String PROCESSOR = "burn-rate";
    static final String COUNT_OUT = "burn-rate-count-out";
    static final String SINK = "burn-rate-sink";

    private BurnRateTopology() {
    }

    /** {@code costs}: the on-time cost rows of {@link AttributionInputs}. The budgets: {@link #buildBudgets}. */
    public static void build(KStream<String, AttributedCost> costs, AppContext context, BurnRateSettings settings) {
        SpendstreamTopics topics = context.topics();
        String stage = AttributionApp.NAME;
        costs.flatMap((service, cost) -> BudgetScopes.of(cost.getAttribution()).stream()
                        .map(scope -> KeyValue.pair(scope, costInput(cost, BurnDrivers.childOf(scope, cost))))
                        .toList(), Named.as(FAN_OUT))
                .repartition(Repartitioned.<String, BurnInput>as(BY_SCOPE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.avroSerde(BurnInput.class)))
                .process(BurnRateProcessor.supplier(settings, topics), Named.as(PROCESSOR))
                .peek((scope, burnRate) -> context.metrics().recordOut(stage, topics.burnRate.name()),
                        Named.as(COUNT_OUT))
                .to(topics.burnRate.name(), topics.burnRate.produced(SINK));
    }

    /**
     * The budgets' sub-topology: {@code spend.budgets}, parsed (bad ones to {@code spend.dlq}), straight into the
     * repartition topic of {@link #build} under its full name ({@link #byScopeTopic}): the budgets are keyed by scope
     * already, and the default partitioner puts a scope in the same partition whichever sub-topology writes it.
     *
     * <p>Why not merged with the cost rows before the repartition, as until issue 18: every task of the cost rows'
     * sub-topology then also read a partition of {@code spend.budgets}, which is empty nearly always, and for every
     * record a task processes Kafka Streams 4.3 formats a log message per empty input partition of the task
     * ({@code PartitionGroup.readyToProcess}, whatever the log level, unless {@code max.task.idle.ms} is -1):
     * 6.5-9.2% of attribution's stream thread. What the merge gave in exchange was the ordering of a budget among the
     * cost rows of the one partition of {@code spend.cost.attributed} that shared its partition number, which is not
     * the partition of the scope's services (the cost rows are keyed by service, the budgets by scope): no order a
     * scope could rely on. Both ways a budget counts the scope's spend from before it ({@link BurnRateProcessor}).
     *
     * <p>Built last in the app ({@link AttributionApp#buildTopology}): Kafka Streams numbers sub-topologies in the
     * order their nodes were added, and a task's state directory and assignment follow its number, so the
     * sub-topologies that keep state keep theirs (0 to 4) and this stateless one is the last.
     */
    public static void buildBudgets(StreamsBuilder builder, AppContext context, BurnRateSettings settings,
            String applicationId) {
        SpendstreamTopics topics = context.topics();
        KStream<String, byte[]> rawBudgets = builder.stream(topics.budgets.name(),
                topics.budgets.consumed(BUDGET_SOURCE));
        BudgetJsonParser budgets = new BudgetJsonParser(settings.currency(), InputLimits.from(context.config()));
        DeadLetterRoute.parse(rawBudgets, PARSE_BUDGET, AttributionApp.NAME, budgets, topics, context.metrics())
                .mapValues(BurnRateTopology::budgetInput, Named.as(BUDGET_INPUT))
                .to(byScopeTopic(applicationId), Produced.with(Serdes.String(), topics.avroSerde(BurnInput.class))
                        .withName(BUDGET_SINK));
    }

    /** The repartition topic of {@link #build} as Kafka Streams names it: {@code <application.id>-<name>-repartition}. */
    static String byScopeTopic(String applicationId) {
        return applicationId + "-" + BY_SCOPE + "-repartition";
    }

    /** A cost row's input for one scope, with the scope's child it counts in ({@link BurnDrivers}). */
    private static BurnInput costInput(AttributedCost cost, String child) {
        // The all-fields constructor (kind, amount, start, end, currency, period, alertAt, child), not the builder:
        // its build() deep-copies the default of each field not set, on every copy of every cost row (issue 18).
        return new BurnInput(BurnInputKind.COST, Money.of(cost.getCost().getEffectiveCost()),
                cost.getCost().getChargePeriodStart(), cost.getCost().getChargePeriodEnd(), null, null,
                new ArrayList<>(), child);
    }

    /** A parsed budget, or (null) its deletion. */
    private static BurnInput budgetInput(Budget budget) {
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
