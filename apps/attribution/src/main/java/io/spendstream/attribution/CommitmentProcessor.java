package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.micrometer.core.instrument.Counter;
import io.spendstream.attribution.CommitmentKey.Kind;
import io.spendstream.attribution.avro.CommitmentInput;
import io.spendstream.attribution.avro.CommitmentTally;
import io.spendstream.avro.CommitmentUtilisation;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Utilisation of every commitment discount per hour and per UTC day, for the commitments of one partition of
 * {@code <application.id>-commitments-by-commitment-repartition} (key = CommitmentDiscountId, value = one hour's part
 * of a Used or Unused row); writes {@link CommitmentUtilisation}s keyed by commitment.
 *
 * <p><b>Book on every input, emit per interval.</b> Each part is added to its commitment's hour and to the UTC day
 * holding that hour (store {@value #STORE}, {@link CommitmentKey}: entries {@code HOUR} and {@code DAY} hold a
 * {@link CommitmentTally}; {@code *_MEMBER} entries remember which resources and services a window already counts),
 * and both windows are marked dirty, in memory and in the store. Every {@code emit-interval} of wall-clock time
 * ({@link ShowbackSettings}; {@code 0s}: after each input) every dirty window is emitted with its current value, so a
 * window is emitted at most once per interval and its last record is its current value. A day is the sum of the same
 * parts as its hours, so it equals the sum of its hours to the last digit. A part arriving late (inside the billing
 * horizon: {@link LatenessGate} decided that before the repartition) corrects its hour and its day like any other.
 *
 * <p><b>Exactly once.</b> Every change (tallies, members, dirty markers) is in the store before the commit that
 * carries the input offsets; emitting deletes the dirty marker in the same transaction as the emitted record. After a
 * crash the store is restored to the last commit, and the windows it marks dirty are emitted at the next interval.
 * No window is kept in memory beyond the set of dirty keys, which {@link #init} reloads from the store.
 *
 * <p><b>Retention: the billing horizon.</b> Like {@link ShowbackProcessor}: a window is kept until stream time (the
 * newest hour part seen) passes its end by {@code horizon + grace + max-spread}, then emitted one last time if dirty
 * and deleted by a stream-time punctuation. A part for an hour already past that point is not booked and is counted in
 * {@value #DROPPED_METRIC}.
 *
 * <p><b>Metrics.</b> Per commitment (tag {@value #COMMITMENT_TAG}), for its newest UTC day emitted so far: the gauges
 * {@value #UNUSED_METRIC} (cost of the unused part, reporting currency) and {@value #UTILISATION_METRIC} (used / total;
 * NaN while the total is 0). Gauges are for dashboards; the exact amounts are on {@code spend.commitments}.
 */
public final class CommitmentProcessor implements Processor<String, CommitmentInput, String, CommitmentUtilisation> {

    public static final String STORE = "commitment-windows";
    public static final String DROPPED_METRIC = "spendstream.attribution.commitment.parts.dropped";
    public static final String UNUSED_METRIC = "spendstream.attribution.commitment.unused.cost";
    public static final String UTILISATION_METRIC = "spendstream.attribution.commitment.utilisation";
    public static final String COMMITMENT_TAG = "commitment";
    /** {@code windowSize} of the records of an hour and of a UTC day. */
    public static final String HOUR_SIZE = ShowbackProcessor.HOUR_SIZE;
    public static final String DAY_SIZE = ShowbackProcessor.DAY_SIZE;

    private static final String RESOURCE_MEMBER = "r:";
    private static final String SERVICE_MEMBER = "s:";
    private static final CommitmentTally MARKER = new CommitmentTally(Money.ZERO, Money.ZERO, 0, 0);

    /** The windows a part is booked in, with the kinds of their entries. */
    enum Window {
        HOUR(ShowbackSplitter.HOUR, HOUR_SIZE, Kind.HOUR, Kind.HOUR_MEMBER, Kind.HOUR_DIRTY),
        DAY(ShowbackSplitter.DAY, DAY_SIZE, Kind.DAY, Kind.DAY_MEMBER, Kind.DAY_DIRTY);

        final Duration size;
        final String sizeName;
        final Kind tally;
        final Kind member;
        final Kind dirty;

        Window(Duration size, String sizeName, Kind tally, Kind member, Kind dirty) {
            this.size = size;
            this.sizeName = sizeName;
            this.tally = tally;
            this.member = member;
            this.dirty = dirty;
        }

        long startOf(long hourStart) {
            return this == HOUR ? hourStart : ShowbackSplitter.dayOf(hourStart);
        }

        static Window of(Kind tally) {
            return tally == Kind.HOUR ? HOUR : DAY;
        }
    }

    private static final Comparator<CommitmentKey> WINDOW_ORDER = Comparator.comparing(CommitmentKey::kind)
            .thenComparingLong(CommitmentKey::windowStart).thenComparing(CommitmentKey::commitment);

    private final AttributionSettings settings;
    private final ShowbackSettings emission;
    private final PipelineMetrics metrics;
    private final Counter dropped;
    private final long retentionMs;
    private ProcessorContext<String, CommitmentUtilisation> context;
    private KeyValueStore<CommitmentKey, CommitmentTally> store;
    /** Tally keys of the windows booked but not yet emitted; mirrors the store's dirty markers. */
    private final SortedSet<CommitmentKey> dirty = new TreeSet<>(WINDOW_ORDER);
    /** Per commitment, the start of the newest day its gauges show. */
    private final Map<String, Long> gaugedDay = new HashMap<>();

    CommitmentProcessor(AttributionSettings settings, ShowbackSettings emission, PipelineMetrics metrics) {
        this.settings = settings;
        this.emission = emission;
        this.metrics = metrics;
        this.dropped = metrics.counter(DROPPED_METRIC);
        this.retentionMs = ShowbackProcessor.retention(settings).toMillis();
    }

    /** Supplier that also declares (and so creates and connects) the processor's store. */
    public static ProcessorSupplier<String, CommitmentInput, String, CommitmentUtilisation> supplier(
            AttributionSettings settings, ShowbackSettings emission, SpendstreamTopics topics,
            PipelineMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, CommitmentInput, String, CommitmentUtilisation> get() {
                return new CommitmentProcessor(settings, emission, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Cached: the 24 parts of a daily row rewrite the same day entry 24 times per commit.
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                        CommitmentKey.serde(), topics.avroSerde(CommitmentTally.class)).withCachingEnabled());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, CommitmentUtilisation> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        // A revived task (e.g. after an aborted transaction) restores its store: the dirty set follows the store.
        dirty.clear();
        for (Window window : Window.values()) {
            forEachKey(window.dirty, Long.MAX_VALUE, key -> dirty.add(key.as(window.tally)));
        }
        // Also with emit-interval 0s: windows a previous run (with an interval) left dirty still need emitting.
        Duration interval = emission.emitsOnEveryInput() ? ShowbackSettings.DEFAULT_EMIT_INTERVAL
                : emission.emitInterval();
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> emitDirty(key -> true));
        context.schedule(ShowbackSplitter.HOUR, PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    public void process(Record<String, CommitmentInput> record) {
        String commitment = record.key();
        CommitmentInput part = record.value();
        long hourStart = part.getHourStart();
        if (isExpired(hourStart, Window.HOUR, context.currentStreamTimeMs())) {
            dropped.increment();
            return;
        }
        for (Window window : Window.values()) {
            CommitmentKey key = new CommitmentKey(window.tally, window.startOf(hourStart), commitment, "");
            CommitmentTally tally = store.get(key);
            if (tally == null) {
                tally = new CommitmentTally(Money.ZERO, Money.ZERO, 0, 0);
            }
            if (part.getUnused()) {
                tally.setUnused(Money.add(tally.getUnused(), part.getAmount()));
            } else {
                tally.setUsed(Money.add(tally.getUsed(), part.getAmount()));
                if (join(key, window, RESOURCE_MEMBER, part.getResourceId())) {
                    tally.setResources(tally.getResources() + 1);
                }
                if (join(key, window, SERVICE_MEMBER, part.getService())) {
                    tally.setServices(tally.getServices() + 1);
                }
            }
            store.put(key, tally);
            if (dirty.add(key)) {
                store.put(key.as(window.dirty), MARKER);
            }
        }
        if (emission.emitsOnEveryInput()) {
            emitDirty(key -> true);
        }
    }

    /** Records {@code prefix + name} as a member of the window; true when it was not one yet. */
    private boolean join(CommitmentKey window, Window kind, String prefix, String name) {
        if (name == null || name.isBlank()) {
            return false;
        }
        CommitmentKey member = new CommitmentKey(kind.member, window.windowStart(), window.commitment(),
                prefix + name);
        if (store.get(member) != null) {
            return false;
        }
        store.put(member, MARKER);
        return true;
    }

    private void emitDirty(Predicate<CommitmentKey> which) {
        for (CommitmentKey key : new ArrayList<>(dirty)) {
            if (which.test(key)) {
                emit(key);
                dirty.remove(key);
                store.delete(key.as(Window.of(key.kind()).dirty));
            }
        }
    }

    private void emit(CommitmentKey key) {
        Window window = Window.of(key.kind());
        CommitmentTally tally = store.get(key);
        BigDecimal used = Money.of(tally.getUsed());
        BigDecimal unused = Money.of(tally.getUnused());
        BigDecimal total = Money.add(used, unused);
        // Utilisation is a ratio, not money: rounded half-even to the wire scale, and undefined without a total.
        BigDecimal utilisation = total.signum() == 0 ? null : used.divide(total, Money.SCALE, Money.ROUNDING);
        CommitmentUtilisation value = CommitmentUtilisation.newBuilder()
                .setCommitmentDiscountId(key.commitment())
                .setWindowStart(Instant.ofEpochMilli(key.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(key.windowStart() + window.size.toMillis()))
                .setWindowSize(window.sizeName)
                .setCurrency(settings.currency())
                .setUsedCost(used)
                .setUnusedCost(unused)
                .setTotalCost(total)
                .setUtilisation(utilisation)
                .setResources(tally.getResources())
                .setServices(tally.getServices())
                .build();
        context.forward(new Record<>(key.commitment(), value, key.windowStart()));
        if (window == Window.DAY) {
            gauge(key, unused, utilisation);
        }
    }

    private void gauge(CommitmentKey day, BigDecimal unused, BigDecimal utilisation) {
        Long shown = gaugedDay.get(day.commitment());
        if (shown != null && shown > day.windowStart()) {
            return;
        }
        gaugedDay.put(day.commitment(), day.windowStart());
        metrics.setGauge(UNUSED_METRIC, unused, COMMITMENT_TAG, day.commitment());
        metrics.setGauge(UTILISATION_METRIC, utilisation == null ? Double.NaN : utilisation.doubleValue(),
                COMMITMENT_TAG, day.commitment());
    }

    private boolean isExpired(long windowStart, Window window, long streamTime) {
        return windowStart + window.size.toMillis() + retentionMs <= streamTime;
    }

    /** Emits what is still dirty among the expiring windows (their last emission), then deletes them. */
    private void purge(long streamTime) {
        emitDirty(key -> isExpired(key.windowStart(), Window.of(key.kind()), streamTime));
        for (Window window : Window.values()) {
            long lastExpired = streamTime - window.size.toMillis() - retentionMs;
            for (Kind kind : List.of(window.tally, window.member, window.dirty)) {
                List<CommitmentKey> expired = new ArrayList<>();
                forEachKey(kind, lastExpired, expired::add);
                // Deleted after the iteration: the iterator must not see the store change under it.
                expired.forEach(store::delete);
            }
        }
    }

    /** Every key of {@code kind} whose window starts at or before {@code lastWindow}, oldest first. */
    private void forEachKey(Kind kind, long lastWindow, Consumer<CommitmentKey> action) {
        try (KeyValueIterator<CommitmentKey, CommitmentTally> all = store.range(
                CommitmentKey.first(kind, Long.MIN_VALUE), CommitmentKey.first(kind, Long.MAX_VALUE))) {
            while (all.hasNext()) {
                CommitmentKey key = all.next().key;
                if (key.windowStart() > lastWindow) {
                    break;
                }
                action.accept(key);
            }
        }
    }
}
