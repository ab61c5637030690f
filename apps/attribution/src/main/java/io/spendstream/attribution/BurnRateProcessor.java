package io.spendstream.attribution;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.attribution.avro.BurnInput;
import io.spendstream.attribution.avro.ChildBurn;
import io.spendstream.attribution.avro.ScopeBurnState;
import io.spendstream.avro.Budget;
import io.spendstream.avro.BurnRate;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.runtime.state.WriteBackKeyValueStore;
import io.spendstream.runtime.state.WriteBackWindowStore;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The burn rate of every budget scope of one partition of {@code attribution-burn-rate-by-scope} (key = scope).
 *
 * <p>A cost input is spread over one-minute buckets by {@link ChargePeriodSpreader} (the same exact split as for
 * unit cost; rows longer than max-spread are booked whole at their start) and booked in {@link ScopeSpend}; the
 * scope's trailing sums ({@link TrailingSums}) are moved to the minute of stream time first. Stream time is the
 * largest ChargePeriodStart this task has seen (store {@value #STREAM_TIME_STORE}); every scope is evaluated at the
 * minute of stream time, so a late row counts in the buckets and days it belongs to, and in the trailing sums if its
 * minute is still inside a window. Budgets are kept in {@value #BUDGETS_STORE}, scope states in
 * {@value #SCOPES_STORE}. Spend is tracked for every scope, with or without a budget, so a budget set later starts
 * with the scope's history. A budgeted scope also tracks the spend of its children ({@link BurnDrivers}): each
 * window of its BurnRate names the children that drive it.
 *
 * <p>Emits a {@link BurnRate} for a scope that has a budget: when its budget is set or changed, when a new
 * {@code alertAt} stage is crossed, and otherwise at most once per {@code emit-interval} of stream time. A deleted
 * budget emits a tombstone for the scope. A budget that arrives before this task has seen any cost is stored and
 * first emitted with the first cost.
 *
 * <p><b>Idle scopes.</b> A scope whose spend stops gets no more rows, yet its windows keep sliding: its burn rate
 * falls as the spend leaves them, and an open burn-rate alert must see that to resolve. So each time stream time
 * enters a new minute, {@link #sweepIdleScopes} re-evaluates every budgeted scope of the task that received no row
 * during the previous minute (subject to {@code emit-interval} like any emission). Scopes with rows are left to
 * their rows: a cost row reaches its scopes one after the other, and a sweep emission just before a scope's own row
 * would use up the scope's emit-interval on a state without that row. This is a punctuation on
 * the processor's own stream time (the largest ChargePeriodStart), not a Kafka Streams {@code STREAM_TIME}
 * punctuator: that one follows record timestamps, and budget records carry the wall-clock time they were written,
 * so one budget would hold it ahead of the billing data for as long as a backfill lasts. And not wall-clock: billing
 * data lags hours behind the clock, so moving the windows by the clock would empty them and read as spend stopping
 * everywhere whenever the bill is late. When the whole input goes quiet nothing moves, and the last BurnRate stands
 * with its {@code evaluatedAt} telling how far the data reached.
 */
public final class BurnRateProcessor implements Processor<String, BurnInput, String, BurnRate> {

    public static final String BUDGETS_STORE = "attribution-burn-rate-budgets";
    public static final String SCOPES_STORE = "attribution-burn-rate-scopes";
    public static final String STREAM_TIME_STORE = "attribution-burn-rate-stream-time";

    private static final String STREAM_TIME_KEY = "stream-time";
    private static final long BUCKET_MS = BurnRateSettings.BUCKET.toMillis();
    /** Scopes (and budgets) kept as objects per task: every team, service and cost centre of a large estate. */
    static final int CACHED_SCOPES = 20_000;
    /**
     * One-minute buckets per task kept as objects: the minutes a commit interval touches for every scope and
     * budgeted child of the task, with room to spare.
     */
    static final int CACHED_BUCKETS = 20_000;

    private final BurnRateSettings settings;
    private final ChargePeriodSpreader spreader;
    private ProcessorContext<String, BurnRate> context;
    private ReadThroughStates<Budget> budgets;
    private ReadThroughStates<ScopeBurnState> scopes;
    private KeyValueStore<String, Long> streamTimeStore;
    private ScopeSpend spend;
    private TrailingSums sums;
    private BurnDrivers drivers;
    private long streamTime;
    /** The cursor of the last sweep (not stored: after a restart, the first new minute sweeps). */
    private long sweptCursor = Long.MIN_VALUE;

    BurnRateProcessor(BurnRateSettings settings) {
        this.settings = settings;
        this.spreader = new ChargePeriodSpreader(new WindowGrid(BurnRateSettings.BUCKET, java.time.Duration.ZERO),
                settings.maxSpread());
    }

    /** Supplier that also declares (and so creates and connects) the processor's five stores. */
    public static ProcessorSupplier<String, BurnInput, String, BurnRate> supplier(BurnRateSettings settings,
            SpendstreamTopics topics) {
        Serde<BigDecimal> money = MoneySerde.serde();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, BurnInput, String, BurnRate> get() {
                return new BurnRateProcessor(settings);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Written back once per commit (issue 18): a cost row rewrites the state of each of its scopes
                // (with its children's sums), their day totals and minute buckets, and a budgeted scope's child's
                // buckets; a burst of rows rewrites the same ones many times per commit, each a serialization
                // before (the record cache holds bytes). Same stores, serdes and changelogs as before.
                return Set.of(
                        WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(BUDGETS_STORE), Serdes.String(),
                                topics.avroSerde(Budget.class)), CACHED_SCOPES),
                        WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(SCOPES_STORE), Serdes.String(),
                                topics.avroSerde(ScopeBurnState.class)), CACHED_SCOPES),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STREAM_TIME_STORE),
                                Serdes.String(), Serdes.Long()).withCachingEnabled(),
                        // Days and buckets are also read by range (the period's spend on every emission, the
                        // trailing sums when they move), which writes the changed objects back first: cached below,
                        // so those writes still reach RocksDB and the changelog once per commit.
                        WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(ScopeSpend.DAYS_STORE), Serdes.String(), money)
                                .withCachingEnabled(), CACHED_SCOPES),
                        WriteBackWindowStore.plain(Stores.persistentWindowStore(ScopeSpend.BUCKETS_STORE,
                                settings.bucketRetention(), BurnRateSettings.BUCKET, false), Serdes.String(), money,
                                CACHED_BUCKETS, Map.of()).withCachingEnabled());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, BurnRate> context) {
        this.context = context;
        // New objects on every (re)initialisation: a revived task restores its stores, objects from before are stale.
        this.budgets = new ReadThroughStates<>(context.getStateStore(BUDGETS_STORE), CACHED_SCOPES);
        this.scopes = new ReadThroughStates<>(context.getStateStore(SCOPES_STORE), CACHED_SCOPES);
        this.streamTimeStore = context.getStateStore(STREAM_TIME_STORE);
        this.spend = new ScopeSpend(context.getStateStore(ScopeSpend.BUCKETS_STORE),
                context.getStateStore(ScopeSpend.DAYS_STORE));
        this.sums = new TrailingSums(spend);
        this.drivers = new BurnDrivers(spend, sums);
        Long stored = streamTimeStore.get(STREAM_TIME_KEY);
        this.streamTime = stored == null ? Long.MIN_VALUE : stored;
    }

    @Override
    public void process(Record<String, BurnInput> record) {
        ReadThroughStates.clearingOnFailure(() -> processRecord(record), budgets, scopes);
    }

    private void processRecord(Record<String, BurnInput> record) {
        String scope = record.key();
        BurnInput input = record.value();
        switch (input.getKind()) {
            case COST -> book(scope, input);
            case BUDGET -> {
                budgets.put(scope, Budget.newBuilder().setAmount(input.getAmount()).setCurrency(input.getCurrency())
                        .setPeriod(input.getPeriod()).setAlertAt(input.getAlertAt()).build());
                if (streamTime != Long.MIN_VALUE) {
                    emit(scope, storedState(scope), true);
                }
            }
            case BUDGET_DELETED -> {
                budgets.delete(scope);
                ScopeBurnState state = scopes.get(scope);
                if (state != null && !state.getChildren().isEmpty()) {
                    // Children are tracked for budgeted scopes only.
                    state.setChildren(new ArrayList<>());
                    scopes.put(scope, state);
                }
                context.forward(record.withValue((BurnRate) null));
            }
        }
    }

    private void book(String scope, BurnInput cost) {
        long start = cost.getStart().toEpochMilli();
        if (start > streamTime) {
            streamTime = start;
            streamTimeStore.put(STREAM_TIME_KEY, start);
        }
        ScopeBurnState state = storedState(scope);
        state.setLastBookedCursor(cursor());
        // Buckets older than the longest window change no sum; the day totals still count them.
        long oldestUseful = cursor() - BurnRateSettings.longestWindow().toMillis();
        // The burn's drivers are tracked for budgeted scopes only; rows from writers before BurnInput.child carry none.
        ChildBurn child = cost.getChild() == null || budgets.get(scope) == null ? null
                : drivers.entry(scope, state, cost.getChild());
        for (ChargePeriodSpreader.Part part : spreader.spread(cost.getAmount(), cost.getStart(), cost.getEnd())) {
            spend.addToDay(scope, part.windowStartMs(), part.amount());
            if (part.windowStartMs() > oldestUseful) {
                spend.addToBucket(scope, part.windowStartMs(), part.amount());
                sums.addPart(state, part.windowStartMs(), part.amount());
                if (child != null) {
                    drivers.addPart(scope, state, child, part.windowStartMs(), part.amount());
                }
            }
        }
        emit(scope, state, false);
        if (cursor() != sweptCursor) {
            long previous = sweptCursor;
            sweptCursor = cursor();
            if (previous != Long.MIN_VALUE) {
                sweepIdleScopes(previous);
            }
        }
    }

    /**
     * Re-evaluates at the minute of stream time every budgeted scope that received no cost row since stream time
     * was in the minute {@code previous} and whose windows are behind: they slide without new rows all the same.
     */
    private void sweepIdleScopes(long previous) {
        long cursor = cursor();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, Budget> all = budgets.store().all()) {
            while (all.hasNext()) {
                String scope = all.next().key;
                ScopeBurnState state = scopes.get(scope);
                if (state == null || state.getLastBookedCursor() < previous && state.getCursor() < cursor) {
                    idle.add(scope);
                }
            }
        }
        // Emitted after the iteration: emit() writes the scope store, which the iterator must not see change.
        idle.forEach(scope -> emit(scope, storedState(scope), false));
    }

    /** Start of the minute of stream time: where every scope is evaluated. */
    private long cursor() {
        return streamTime - Math.floorMod(streamTime, BUCKET_MS);
    }

    /**
     * The scope's state as stored. Its cursor may lag stream time: the sums are only moved forward when a BurnRate
     * is about to be computed (a scope without a budget never needs them), which {@link TrailingSums} allows.
     */
    private ScopeBurnState storedState(String scope) {
        ScopeBurnState state = scopes.get(scope);
        return state != null ? state : sums.start(scope, cursor());
    }

    private void emit(String scope, ScopeBurnState state, boolean force) {
        Budget budget = budgets.get(scope);
        if (budget != null) {
            BigDecimal consumed = BurnRateRecords.consumed(scope, budget, cursor(), spend);
            int stages = BurnRateRecords.stagesCrossed(budget, consumed).size();
            boolean due = state.getLastEmittedAt() == Long.MIN_VALUE
                    || streamTime - state.getLastEmittedAt() >= settings.emitInterval().toMillis();
            if (force || due || stages != state.getLastStagesCrossed()) {
                drivers.advance(scope, state, cursor(), budget);
                sums.advance(scope, state, cursor());
                state.setLastEmittedAt(streamTime);
                state.setLastStagesCrossed(stages);
                context.forward(new Record<>(scope, BurnRateRecords.evaluate(scope, budget, state, consumed),
                        streamTime));
            }
        }
        scopes.put(scope, state);
    }
}
