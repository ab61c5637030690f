package io.spendstream.attribution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
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
import io.spendstream.attribution.avro.DayShowback;
import io.spendstream.attribution.avro.DayTeamShowback;
import io.spendstream.attribution.avro.HourShowback;
import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.avro.Allocation;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Showback of every team and every product per hour and per UTC day, shared cost apportioned, for the days of one
 * partition of {@code <application.id>-allocation-by-day-repartition} (key = day start); writes {@link Allocation}s
 * keyed by team or {@code product:<product>} (the owners of {@link ShowbackHour}, told apart by {@code dimension}).
 *
 * <p><b>Recompute on every update.</b> Apportionment needs all the requests of an hour, and they keep arriving, as
 * do late cost rows. So each input is booked in its hour ({@link ShowbackHour}, store {@value #HOURS_STORE}) and
 * the hour's whole allocation is computed again; every team whose allocation changed (including a team that drops
 * out, such as {@value AllocationTopology#SHARED_UNAPPORTIONED} once requests arrive: it gets zeros) is emitted,
 * and the change is added to the team's day (store {@value #DAYS_STORE}), which is emitted too. The last record of
 * a team's window is its final value, and at every moment the hour's allocations over all teams sum to the hour's
 * spend exactly; the day's are sums of its hours' so they do too. An hour is a few dozen teams and services, so a
 * recompute is cheap; keying by day puts a day's hours in one task, the price being that the current day's
 * showback is one task's work (fine for cost rows and APM summaries, a few thousand per second).
 *
 * <p><b>Retention.</b> Lateness was decided before the repartition ({@link LatenessGate}); here stream time is the
 * newest hour from all partitions feeding the task, which can run ahead by their event-time skew and by spread parts
 * ({@code max-spread}). An hour (a day) is therefore kept until stream time passes its end by
 * {@code 2 x grace + max-spread}, then deleted by a stream-time punctuation. A part arriving for an hour already past
 * that point is not booked (its hour's allocations are gone) and is counted in
 * {@value #DROPPED_METRIC}, as Kafka Streams' window stores did before with {@code dropped-records}.
 */
public final class ShowbackProcessor implements Processor<Long, ShowbackInput, String, Allocation> {

    public static final String HOURS_STORE = "allocation-hours";
    public static final String DAYS_STORE = "allocation-days";
    public static final String DROPPED_METRIC = "spendstream.attribution.allocation.parts.dropped";
    /** Hours kept as objects: the current one, the previous one still receiving late parts, and some slack. */
    private static final int RECENT_HOURS = 4;

    private final AttributionSettings settings;
    private final SharedCostRules shared;
    private final Counter dropped;
    private final long retentionMs;
    private ProcessorContext<String, Allocation> context;
    private KeyValueStore<Long, HourShowback> hours;
    private KeyValueStore<Long, DayShowback> days;
    /**
     * The hours in use, as objects. A stored hour holds every team and service of the hour, and nearly every input
     * lands in the current hour: reading it back through the store meant deserializing and rebuilding the whole hour
     * for each input (over a quarter of the app's CPU in the benchmark's profile, docs/performance.md). The store stays the
     * truth: every change is still written through on each input, so a commit never misses one; this only saves the
     * read. Bounded to the few hours that receive data at once; cleared when the task (re)initialises.
     */
    private final Map<Long, ShowbackHour> recentHours = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ShowbackHour> eldest) {
            return size() > RECENT_HOURS;
        }
    };

    ShowbackProcessor(AttributionSettings settings, SharedCostRules shared, PipelineMetrics metrics) {
        this.settings = settings;
        this.shared = shared;
        this.dropped = metrics.counter(DROPPED_METRIC);
        this.retentionMs = settings.grace().multipliedBy(2).plus(settings.maxSpread()).toMillis();
    }

    /** Supplier that also declares (and so creates and connects) the processor's two stores. */
    public static ProcessorSupplier<Long, ShowbackInput, String, Allocation> supplier(AttributionSettings settings,
            SharedCostRules shared, SpendstreamTopics topics, PipelineMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<Long, ShowbackInput, String, Allocation> get() {
                return new ShowbackProcessor(settings, shared, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Cached: a burst of rows for one hour rewrites the same entries many times per commit.
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HOURS_STORE), Serdes.Long(),
                                topics.avroSerde(HourShowback.class)).withCachingEnabled(),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DAYS_STORE), Serdes.Long(),
                                topics.avroSerde(DayShowback.class)).withCachingEnabled());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Allocation> context) {
        this.context = context;
        this.hours = context.getStateStore(HOURS_STORE);
        this.days = context.getStateStore(DAYS_STORE);
        // A revived task (e.g. after an aborted transaction) restores its store: objects from before are stale.
        recentHours.clear();
        context.schedule(ShowbackSplitter.HOUR, PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    public void process(Record<Long, ShowbackInput> record) {
        long hourStart = record.value().getHourStart();
        if (isExpired(hourStart, ShowbackSplitter.HOUR, context.currentStreamTimeMs())) {
            dropped.increment();
            return;
        }
        ShowbackHour hour = recentHours.get(hourStart);
        if (hour == null) {
            HourShowback stored = hours.get(hourStart);
            hour = stored == null ? ShowbackHour.empty() : ShowbackHour.of(stored);
            recentHours.put(hourStart, hour);
        }
        try {
            book(record, hourStart, hour);
        } catch (RuntimeException e) {
            // The object may hold a change the store never got (the record goes to the dead-letter topic instead).
            recentHours.remove(hourStart);
            throw e;
        }
    }

    private void book(Record<Long, ShowbackInput> record, long hourStart, ShowbackHour hour) {
        hour.add(record.value());
        SortedMap<String, Showback> before = hour.emitted();
        SortedMap<String, Showback> after = hour.allocations(shared);
        SortedMap<String, Showback> dayChanges = new TreeMap<>();
        SortedSet<String> teams = new TreeSet<>(before.keySet());
        teams.addAll(after.keySet());
        for (String team : teams) {
            Showback now = after.getOrDefault(team, Showback.ZERO);
            if (Objects.equals(before.get(team), after.get(team))) {
                continue;
            }
            emit(team, hourStart, ShowbackSplitter.HOUR, now, record.timestamp());
            dayChanges.put(team, now.minus(before.getOrDefault(team, Showback.ZERO)));
        }
        hour.setEmitted(after);
        hours.put(hourStart, hour.toRecord());
        if (!dayChanges.isEmpty()) {
            addToDay(record.key(), dayChanges, record.timestamp());
        }
    }

    private void addToDay(long dayStart, SortedMap<String, Showback> changes, long timestamp) {
        DayShowback stored = days.get(dayStart);
        SortedMap<String, Showback> teams = new TreeMap<>();
        if (stored != null) {
            stored.getTeams().forEach(t -> teams.put(t.getTeam(), new Showback(t.getDirect(), t.getShared())));
        }
        changes.forEach((team, change) -> {
            Showback total = teams.getOrDefault(team, Showback.ZERO).plus(change);
            teams.put(team, total);
            emit(team, dayStart, ShowbackSplitter.DAY, total, timestamp);
        });
        List<DayTeamShowback> records = new ArrayList<>();
        teams.forEach((team, s) -> records.add(new DayTeamShowback(team, s.direct(), s.shared())));
        days.put(dayStart, new DayShowback(records));
    }

    /** {@code owner}: a team, or {@code product:<product>}; it is also the record's key. */
    private void emit(String owner, long windowStart, Duration window, Showback showback, long timestamp) {
        boolean product = owner.startsWith(AllocationTopology.PRODUCT_PREFIX);
        Allocation allocation = Allocation.newBuilder()
                .setDimension(product ? AllocationTopology.DIMENSION_PRODUCT : AllocationTopology.DIMENSION_TEAM)
                .setTeam(product ? "" : owner)
                .setProduct(product ? owner.substring(AllocationTopology.PRODUCT_PREFIX.length()) : null)
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowStart + window.toMillis()))
                .setWindowSize(window.toString())
                .setCurrency(settings.currency())
                .setDirect(showback.direct())
                .setShared(showback.shared())
                .setTotal(showback.total())
                .build();
        context.forward(new Record<>(owner, allocation, timestamp));
    }

    private boolean isExpired(long windowStart, Duration window, long streamTime) {
        return windowStart + window.toMillis() + retentionMs <= streamTime;
    }

    /** Deletes the hours and days no on-time part can reach any more. */
    private void purge(long streamTime) {
        recentHours.keySet().removeIf(hourStart -> isExpired(hourStart, ShowbackSplitter.HOUR, streamTime));
        purge(hours, ShowbackSplitter.HOUR, streamTime);
        purge(days, ShowbackSplitter.DAY, streamTime);
    }

    private <V> void purge(KeyValueStore<Long, V> store, Duration window, long streamTime) {
        List<Long> expired = new ArrayList<>();
        try (KeyValueIterator<Long, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Long, V> entry = all.next();
                if (isExpired(entry.key, window, streamTime)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(store::delete);
    }
}
