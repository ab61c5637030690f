package io.spendstream.attribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

import io.spendstream.attribution.avro.BurnInput;
import io.spendstream.attribution.avro.BurnInputKind;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Budget;
import io.spendstream.runtime.state.CoalescingBuffer;
import io.spendstream.schemas.Money;

/**
 * Fans each on-time cost row out to the budget scopes it counts against ({@link BudgetScopes}), each share naming the
 * child scope it counts in there ({@link BurnDrivers}), and sums the shares until the commit: one {@link BurnInput}
 * per scope, child and charge period per commit (store {@value #PENDING}, a {@link CoalescingBuffer}), handed to the
 * burn-rate repartition just before the commit, in the order their sums last changed (issue 18: a cost row was four
 * repartition records, each encoded, sent, decoded and processed). {@link BurnRateProcessor} spreads a sum over its
 * minutes as it spread each row: the same day totals and window sums, up to the 12th decimal of each minute's part.
 *
 * <p>A budget ({@link BudgetAfterPendingCosts}) hands the pending sums out before itself, so a scope's budget meets
 * the costs its task fanned out before it, and only those, before itself, as without the sums.
 */
final class BurnRateFanOut implements Processor<String, AttributedCost, String, BurnInput> {

    static final String PENDING = "burn-rate-pending";
    /**
     * Sums pending per task before they are all handed out early: a commit interval's distinct scope, child and charge
     * period (at most four per cost row), with room for a large estate's busy 100 ms.
     */
    static final int PENDING_CAPACITY = 50_000;

    /** What a cost share is summed by: what the burn-rate processor tells apart. */
    private record Share(String scope, String child, long startMs, long endMs) {
    }

    private CoalescingBuffer<Share, BurnInput> pending;

    static ProcessorSupplier<String, AttributedCost, String, BurnInput> supplier() {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, AttributedCost, String, BurnInput> get() {
                return new BurnRateFanOut();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(CoalescingBuffer.<Share, BurnInput>builder(PENDING, BurnRateFanOut::addCost,
                        PENDING_CAPACITY));
            }
        };
    }

    /** The sum of two shares of the same scope, child and charge period (the first changed and returned). */
    private static BurnInput addCost(BurnInput sum, BurnInput share) {
        sum.setAmount(Money.add(sum.getAmount(), share.getAmount()));
        return sum;
    }

    @Override
    public void init(ProcessorContext<String, BurnInput> context) {
        pending = CoalescingBuffer.find(context.getStateStore(PENDING));
        NodeForwarder<String, BurnInput> forwarder = new NodeForwarder<>(context);
        // With the record context of the row that last changed the sum: its timestamp and headers, as the row had.
        pending.setDrain((share, sum) -> forwarder.forward(new Record<>(share.scope(), sum, forwarder.timestamp(),
                forwarder.headers())));
    }

    @Override
    public void process(Record<String, AttributedCost> record) {
        AttributedCost cost = record.value();
        // Every share made before any is added: a row counts in all its scopes or, if it fails, in none.
        List<String> scopes = BudgetScopes.of(cost.getAttribution());
        List<String> children = scopes.stream().map(scope -> BurnDrivers.childOf(scope, cost)).toList();
        long start = cost.getCost().getChargePeriodStart().toEpochMilli();
        long end = cost.getCost().getChargePeriodEnd().toEpochMilli();
        for (int i = 0; i < scopes.size(); i++) {
            pending.add(new Share(scopes.get(i), children.get(i), start, end), share(cost, children.get(i)));
        }
    }

    /** A cost row's share of one scope, with the scope's child it counts in. */
    private static BurnInput share(AttributedCost cost, String child) {
        // The all-fields constructor (kind, amount, start, end, currency, period, alertAt, child), not the builder:
        // its build() deep-copies the default of each field not set, on every share of every cost row (issue 18).
        return new BurnInput(BurnInputKind.COST, Money.of(cost.getCost().getEffectiveCost()),
                cost.getCost().getChargePeriodStart(), cost.getCost().getChargePeriodEnd(), null, null,
                new ArrayList<>(), child);
    }

    /**
     * Turns parsed budgets into {@link BurnInput}s for the same repartition, after handing out the costs pending in
     * {@value #PENDING} (the store is shared with the fan-out of the same task).
     */
    static final class BudgetAfterPendingCosts implements Processor<String, Budget, String, BurnInput> {

        private ProcessorContext<String, BurnInput> context;
        private CoalescingBuffer<Share, BurnInput> pending;

        @Override
        public void init(ProcessorContext<String, BurnInput> context) {
            this.context = context;
            this.pending = CoalescingBuffer.find(context.getStateStore(PENDING));
        }

        @Override
        public void process(Record<String, Budget> record) {
            BurnInput input = BurnRateTopology.budgetInput(record.value());
            pending.drain();
            context.forward(record.withValue(input));
        }
    }
}
