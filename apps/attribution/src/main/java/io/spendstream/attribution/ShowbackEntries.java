package io.spendstream.attribution;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.attribution.ShowbackKey.Kind;
import io.spendstream.attribution.avro.ShowbackEntry;
import io.spendstream.schemas.Money;

/**
 * The showback processor's state as entries of one key-value store (store {@value ShowbackProcessor#STORE}, key
 * {@link ShowbackKey}, value {@link ShowbackEntry}): per hour its direct cost per owner, its shared cost per
 * apportionment setting, what each service did, the allocations last emitted and a marker while it has inputs not yet
 * emitted; per day and per calendar month the emitted allocation of each owner. One entry per thing, so booking an input writes the two or
 * three entries it changed, not the hour's hundreds of services. Knows keys and ranges, not showback.
 */
final class ShowbackEntries {

    /** The kinds of entry that make up an hour. */
    private static final List<Kind> HOUR_KINDS = List.of(Kind.DIRECT, Kind.SHARED_DEFAULT, Kind.SHARED_RULE,
            Kind.SERVICE, Kind.EMITTED);
    private static final ShowbackEntry MARKER = new ShowbackEntry(Money.ZERO, Money.ZERO, null);

    private final KeyValueStore<ShowbackKey, ShowbackEntry> store;

    ShowbackEntries(KeyValueStore<ShowbackKey, ShowbackEntry> store) {
        this.store = store;
    }

    /** Rebuilds an hour from its entries (an empty hour if it has none): one range scan per kind of entry. */
    ShowbackHour hour(long hourStart) {
        ShowbackHour hour = ShowbackHour.empty(hourStart);
        for (Kind kind : HOUR_KINDS) {
            forEachOf(kind, hourStart, hour::restore);
        }
        return hour;
    }

    /** Writes an hour's entry as the hour now has it; a null value (an owner no longer emitted) deletes it. */
    void write(ShowbackHour hour, ShowbackKey key) {
        store.put(key, hour.entry(key));
    }

    /** The emitted allocation of an owner for a day ({@link Kind#DAY}) or a month ({@link Kind#MONTH}), zero if none. */
    Showback total(Kind period, long periodStart, String owner) {
        ShowbackEntry entry = store.get(new ShowbackKey(period, periodStart, owner));
        return entry == null ? Showback.ZERO : new Showback(entry.getDirect(), entry.getShared());
    }

    void putTotal(Kind period, long periodStart, String owner, Showback showback) {
        store.put(new ShowbackKey(period, periodStart, owner),
                new ShowbackEntry(showback.direct(), showback.shared(), null));
    }

    /** Records in the store that the hour has inputs not yet emitted, so a restarted task still emits them. */
    void markDirty(long hourStart) {
        store.put(ShowbackKey.of(Kind.DIRTY, hourStart), MARKER);
    }

    void clearDirty(long hourStart) {
        store.delete(ShowbackKey.of(Kind.DIRTY, hourStart));
    }

    /** The hours marked dirty, oldest first. */
    SortedSet<Long> dirtyHours() {
        SortedSet<Long> hours = new TreeSet<>();
        try (KeyValueIterator<ShowbackKey, ShowbackEntry> all = store.range(ShowbackKey.of(Kind.DIRTY, Long.MIN_VALUE),
                ShowbackKey.of(Kind.DIRTY, Long.MAX_VALUE))) {
            all.forEachRemaining(entry -> hours.add(entry.key.windowStart()));
        }
        return hours;
    }

    /**
     * Deletes every hour starting at or before {@code lastHour}, every day starting at or before {@code lastDay} and
     * every month starting at or before {@code lastMonth}.
     */
    void purge(long lastHour, long lastDay, long lastMonth) {
        for (Kind kind : HOUR_KINDS) {
            purge(kind, lastHour);
        }
        purge(Kind.DIRTY, lastHour);
        purge(Kind.DAY, lastDay);
        purge(Kind.MONTH, lastMonth);
    }

    private void purge(Kind kind, long lastWindow) {
        List<ShowbackKey> expired = new ArrayList<>();
        try (KeyValueIterator<ShowbackKey, ShowbackEntry> all = store.range(ShowbackKey.of(kind, Long.MIN_VALUE),
                ShowbackKey.of(kind, Long.MAX_VALUE))) {
            while (all.hasNext()) {
                ShowbackKey key = all.next().key;
                if (key.windowStart() > lastWindow) {
                    break;
                }
                expired.add(key);
            }
        }
        // Deleted after the iteration: the iterator must not see the store change under it.
        expired.forEach(store::delete);
    }

    private void forEachOf(Kind kind, long windowStart, BiConsumer<ShowbackKey, ShowbackEntry> action) {
        // Window starts are whole hours, so (kind, start + 1, "") sorts after every entry of the window and before
        // every entry of the next one: the range is exactly the window's entries of that kind.
        try (KeyValueIterator<ShowbackKey, ShowbackEntry> entries = store.range(ShowbackKey.of(kind, windowStart),
                ShowbackKey.of(kind, windowStart + 1))) {
            while (entries.hasNext()) {
                KeyValue<ShowbackKey, ShowbackEntry> entry = entries.next();
                action.accept(entry.key, entry.value);
            }
        }
    }
}
