package io.spendstream.attribution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.micrometer.core.instrument.Counter;
import io.spendstream.attribution.avro.ShowbackEntry;
import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.avro.Allocation;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.WriteBackKeyValueStore;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Showback of every team and every product per hour, per UTC day and per UTC calendar month, shared cost
 * apportioned, for the months of one partition of {@code <application.id>-allocation-by-month-repartition} (key =
 * month start); writes {@link Allocation}s
 * keyed by team or {@code product:<product>} (the owners of {@link ShowbackHour}, told apart by {@code dimension}).
 *
 * <p><b>Book on every input, emit per interval.</b> Apportionment needs all the requests of an hour, and they keep
 * arriving, as do late cost rows. So each input is booked in its hour ({@link ShowbackHour}) and written to the store
 * ({@value #STORE}, {@link ShowbackEntries}) as the two or three entries it changed, and the hour is marked dirty
 * (in the store too). Every {@code emit-interval} of wall-clock time ({@link ShowbackSettings}; {@code 0s}: after
 * each input) each dirty hour's allocation is computed again; every owner whose allocation changed since it was last
 * emitted (including one that drops out, such as {@value AllocationTopology#SHARED_UNAPPORTIONED} once requests
 * arrive: it gets zeros) is emitted, and the change is added to the owner's day and month, which are emitted too. Recomputing
 * an hour costs O(services of the hour); doing it per interval instead of per input is what makes an input cost O(1)
 * (issue 7: the hour's hundreds of services were re-serialized and re-apportioned on every input). The last record
 * of an owner's window is its final value, and every set of records emitted together leaves the hour's allocations
 * over all owners summing to the hour's spend exactly; days and months are sums of their hours' so they do too.
 *
 * <p><b>Exactly once.</b> Every change (booked entries, dirty markers, emitted allocations, days, months) is in the store
 * before the commit that carries the input offsets and the emitted records (the store keeps changed entries as objects
 * and writes them in the commit's cache flush, before the offsets commit: {@link WriteBackKeyValueStore}). Hours in memory are a cache of the
 * store, bounded by {@value #CACHED_HOURS} clean hours, dropped when the task (re)initialises; then the hours marked
 * dirty in the store are emitted at the next interval, so inputs committed but not yet emitted before a crash are
 * emitted after it (against the allocations the store says were emitted, so nothing is emitted twice).
 *
 * <p><b>Retention: the billing horizon.</b> Which records count was decided before the repartition
 * ({@link LatenessGate}: everything inside the billing horizon, however late); here stream time is the newest hour
 * from all partitions feeding the task, which can run ahead by their event-time skew and by spread parts
 * ({@code max-spread}). An hour, a day and a month are therefore kept until stream time passes their end by
 * {@code horizon + grace + max-spread} ({@link #retention}), then emitted one last time if dirty and deleted by a
 * stream-time punctuation. A part arriving for an hour already past that point is not booked (its hour's allocations
 * are gone) and is counted in {@value #DROPPED_METRIC}. Keeping 65 days of hours is what lets a bill or restatement
 * weeks late re-apportion its hour's shared cost exactly; docs/operations.md "Billing horizon" gives the state size.
 */
public final class ShowbackProcessor implements Processor<Long, ShowbackInput, String, Allocation> {

    public static final String STORE = "allocation-entries";
    public static final String DROPPED_METRIC = "spendstream.attribution.allocation.parts.dropped";
    /**
     * Clean hours kept as objects: a daily row puts a part in each of its day's 24 hours at once, and yesterday's
     * still receive late rows; reloading an evicted hour is a range scan of all its services.
     */
    static final int CACHED_HOURS = 48;
    /**
     * Entries per task kept as objects by the store ({@link WriteBackKeyValueStore}): the entries of a few busy hours
     * of the default estate (500 services), ~200 B each.
     */
    static final int CACHED_ENTRIES = 10_000;
    /** {@code windowSize} of the allocations of an hour, a UTC day and a UTC calendar month. */
    public static final String HOUR_SIZE = ShowbackSplitter.HOUR.toString();
    public static final String DAY_SIZE = ShowbackSplitter.DAY.toString();
    public static final String MONTH_SIZE = "P1M";

    private final AttributionSettings settings;
    private final ShowbackSettings showback;
    private final SharedCostRules shared;
    private final Counter dropped;
    private final long retentionMs;
    private ProcessorContext<String, Allocation> context;
    private ShowbackEntries entries;
    /** Hours as objects, least recently used first; never evicted while dirty. */
    private final Map<Long, ShowbackHour> hours = new LinkedHashMap<>(64, 0.75f, true);
    /** Hours with inputs booked but not yet emitted; mirrors the store's dirty markers. */
    private final SortedSet<Long> dirty = new TreeSet<>();

    ShowbackProcessor(AttributionSettings settings, ShowbackSettings showback, SharedCostRules shared,
            PipelineMetrics metrics) {
        this.settings = settings;
        this.showback = showback;
        this.shared = shared;
        this.dropped = metrics.counter(DROPPED_METRIC);
        this.retentionMs = retention(settings).toMillis();
    }

    /**
     * How long after its end stream time keeps an hour, a day and a month: the billing horizon, plus how far stream
     * time here can run ahead of the gate's (the partitions' event-time skew, bounded by the real-time grace in
     * practice, and spread parts up to {@code max-spread} ahead).
     */
    static Duration retention(AttributionSettings settings) {
        return settings.horizon().span().plus(settings.grace()).plus(settings.maxSpread());
    }

    /** Supplier that also declares (and so creates and connects) the processor's store. */
    public static ProcessorSupplier<Long, ShowbackInput, String, Allocation> supplier(AttributionSettings settings,
            ShowbackSettings showback, SharedCostRules shared, SpendstreamTopics topics, PipelineMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<Long, ShowbackInput, String, Allocation> get() {
                return new ShowbackProcessor(settings, showback, shared, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Written back once per commit (issue 18): a burst of rows for one hour rewrites the same few
                // entries many times per commit, each a serialization before.
                return Set.of(WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE), ShowbackKey.serde(),
                        topics.avroSerde(ShowbackEntry.class)).withCachingEnabled(), CACHED_ENTRIES));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Allocation> context) {
        this.context = context;
        this.entries = new ShowbackEntries(context.getStateStore(STORE));
        // A revived task (e.g. after an aborted transaction) restores its store: objects from before are stale.
        hours.clear();
        dirty.clear();
        dirty.addAll(entries.dirtyHours());
        // Also with emit-interval 0s: hours a previous run (with an interval) left dirty still need emitting.
        Duration interval = showback.emitsOnEveryInput() ? ShowbackSettings.DEFAULT_EMIT_INTERVAL
                : showback.emitInterval();
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> emitDirtyHours());
        context.schedule(ShowbackSplitter.HOUR, PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    public void process(Record<Long, ShowbackInput> record) {
        long hourStart = record.value().getHourStart();
        if (isExpired(hourStart, ShowbackSplitter.HOUR, context.currentStreamTimeMs())) {
            dropped.increment();
            return;
        }
        ShowbackHour hour = hour(hourStart);
        List<ShowbackKey> changed;
        try {
            changed = hour.add(record.value());
        } catch (RuntimeException e) {
            // The object may hold part of a change the store never got (the record goes to the dead-letter topic).
            hours.remove(hourStart);
            throw e;
        }
        changed.forEach(key -> entries.write(hour, key));
        if (showback.emitsOnEveryInput()) {
            emit(hour);
            if (dirty.remove(hourStart)) {
                entries.clearDirty(hourStart);
            }
        } else if (dirty.add(hourStart)) {
            entries.markDirty(hourStart);
        }
    }

    private ShowbackHour hour(long hourStart) {
        ShowbackHour hour = hours.get(hourStart);
        if (hour == null) {
            hour = entries.hour(hourStart);
            hours.put(hourStart, hour);
        }
        return hour;
    }

    private void emitDirtyHours() {
        for (Long hourStart : new ArrayList<>(dirty)) {
            emit(hour(hourStart));
            dirty.remove(hourStart);
            entries.clearDirty(hourStart);
        }
        evictCleanHours();
    }

    /** Emits the allocations of the hour that changed since last emitted, and the days they change. */
    private void emit(ShowbackHour hour) {
        SortedMap<String, Showback> before = hour.emitted();
        SortedMap<String, Showback> after = hour.allocations(shared);
        SortedMap<String, Showback> dayChanges = new TreeMap<>();
        SortedSet<String> owners = new TreeSet<>(before.keySet());
        owners.addAll(after.keySet());
        for (String owner : owners) {
            if (Objects.equals(before.get(owner), after.get(owner))) {
                continue;
            }
            Showback now = after.getOrDefault(owner, Showback.ZERO);
            emit(owner, hour.start(), hour.start() + ShowbackSplitter.HOUR.toMillis(), HOUR_SIZE, now, hour.start());
            dayChanges.put(owner, now.minus(before.getOrDefault(owner, Showback.ZERO)));
        }
        hour.setEmitted(after);
        dayChanges.keySet().forEach(owner -> entries.write(hour, new ShowbackKey(ShowbackKey.Kind.EMITTED,
                hour.start(), owner)));
        long dayStart = ShowbackSplitter.dayOf(hour.start());
        long monthStart = ShowbackSplitter.monthOf(hour.start());
        dayChanges.forEach((owner, change) -> {
            addToPeriod(owner, ShowbackKey.Kind.DAY, dayStart, dayStart + ShowbackSplitter.DAY.toMillis(), DAY_SIZE,
                    change, hour.start());
            addToPeriod(owner, ShowbackKey.Kind.MONTH, monthStart, ShowbackSplitter.monthAfter(monthStart), MONTH_SIZE,
                    change, hour.start());
        });
        if (showback.emitsOnEveryInput()) {
            evictCleanHours();
        }
    }

    /** Adds an hour's change of an owner to the owner's day or month, and emits the period's new total. */
    private void addToPeriod(String owner, ShowbackKey.Kind period, long start, long end, String size, Showback change,
            long timestamp) {
        Showback total = entries.total(period, start, owner).plus(change);
        entries.putTotal(period, start, owner, total);
        emit(owner, start, end, size, total, timestamp);
    }

    /** {@code owner}: a team, or {@code product:<product>}; it is also the record's key. */
    private void emit(String owner, long windowStart, long windowEnd, String size, Showback showback, long timestamp) {
        boolean product = owner.startsWith(AllocationTopology.PRODUCT_PREFIX);
        Allocation allocation = Allocation.newBuilder()
                .setDimension(product ? AllocationTopology.DIMENSION_PRODUCT : AllocationTopology.DIMENSION_TEAM)
                .setTeam(product ? "" : owner)
                .setProduct(product ? owner.substring(AllocationTopology.PRODUCT_PREFIX.length()) : null)
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setWindowSize(size)
                .setCurrency(settings.currency())
                .setDirect(showback.direct())
                .setShared(showback.shared())
                .setTotal(showback.total())
                .build();
        context.forward(new Record<>(owner, allocation, timestamp));
    }

    /** Drops the least recently used clean hours beyond {@link #CACHED_HOURS}; the store still has them. */
    private void evictCleanHours() {
        Iterator<Long> eldestFirst = hours.keySet().iterator();
        int excess = hours.size() - CACHED_HOURS;
        while (excess > 0 && eldestFirst.hasNext()) {
            if (!dirty.contains(eldestFirst.next())) {
                eldestFirst.remove();
                excess--;
            }
        }
    }

    private boolean isExpired(long windowStart, Duration window, long streamTime) {
        return windowStart + window.toMillis() + retentionMs <= streamTime;
    }

    /** Emits what is still dirty (an hour's last emission), then deletes the hours and days no part can reach. */
    private void purge(long streamTime) {
        if (dirty.stream().anyMatch(hourStart -> isExpired(hourStart, ShowbackSplitter.HOUR, streamTime))) {
            emitDirtyHours();
        }
        hours.keySet().removeIf(hourStart -> isExpired(hourStart, ShowbackSplitter.HOUR, streamTime));
        // The month holding (stream time - retention) is still open to parts; the one before it is the last expired.
        long lastExpiredMonth = ShowbackSplitter.monthOf(ShowbackSplitter.monthOf(streamTime - retentionMs) - 1);
        entries.purge(streamTime - ShowbackSplitter.HOUR.toMillis() - retentionMs,
                streamTime - ShowbackSplitter.DAY.toMillis() - retentionMs, lastExpiredMonth);
    }
}
