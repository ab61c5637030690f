package io.spendstream.runtime.state;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.TimestampedWindowStoreBuilder;
import org.apache.kafka.streams.state.internals.WindowStoreBuilder;

/**
 * The window-store twin of {@link WriteBackKeyValueStore} (issue 18: attribution's unit-cost tallies were read,
 * deserialized, re-serialized and written on every cost row): keeps a task's hot windows as objects and writes each
 * changed one into the store it wraps (the usual metered, logging and RocksDB window stack: same store name, serdes,
 * changelog topic and record format) once per commit, in {@link #flushCache()}, the hook Kafka Streams 4.3.1 calls
 * before the transaction commits (see {@link WriteBackKeyValueStore} for where, and why {@code commit(Map)} is too
 * late). Objects are dropped, never written, on {@code init}, {@code close} and {@code clearCache}, for the same
 * reasons.
 *
 * <p><b>Emitting what changed.</b> A {@link Listener} (set by the processor that owns the store) hears each changed
 * window as it is written: once per commit with its latest value, like a DSL aggregation's record cache flushing, so
 * a processor on this store can emit exactly what the cached DSL aggregation emitted. The listener runs with the
 * record context of the record that last changed the window (topic, partition, offset, headers: what a DSL cache
 * entry keeps), in the order the windows last changed.
 *
 * <p><b>Bounded.</b> At most {@code capacity} windows are kept, least recently used dropped first; a dropped window
 * that changed is written (and heard) then, inside the open transaction, as a full DSL cache evicts. Every read other
 * than {@link #fetch(Object, long)} first writes every changed window into the wrapped store, then reads from it.
 *
 * <p>Build it with {@link #timestamped} or {@link #plain}: both return builders Kafka Streams still recognises as
 * window-store builders (so the changelog topic is created with the window retention, as for the store without this
 * layer). {@link #fetch(Object, long)} hands out the kept object itself; a caller that changes it must
 * {@link #put} it back. Not thread-safe: one per task, as every store.
 */
public class WriteBackWindowStore<K, V> extends WriteBackStore<WindowStore<K, V>, K, V>
        implements WindowStore<K, V> {

    /** Hears each changed window as it is written into the wrapped store. */
    @FunctionalInterface
    public interface Listener<K, V> {
        void written(K key, long windowStart, V value);
    }

    private record Slot<K>(K key, long windowStart) {
    }

    private final Map<Slot<K>, V> values;
    /** Changed windows, in the order they last changed, with the record context of that change (null outside one). */
    private final LinkedHashMap<Slot<K>, ProcessorRecordContext> dirty = new LinkedHashMap<>();
    private InternalProcessorContext<?, ?> internalContext;
    private Listener<K, V> listener;

    private WriteBackWindowStore(WindowStore<K, V> inner, int capacity) {
        super(inner);
        this.values = boundedObjects(capacity, (slot, value) -> {
            if (dirty.containsKey(slot)) {
                write(slot, value, dirty.remove(slot));
            }
        });
    }

    /**
     * A timestamped window store (what a DSL windowed aggregation materializes: {@code Stores.timestampedWindowStoreBuilder}),
     * {@code capacity} windows per task kept as objects. {@code logConfig}: the changelog's topic settings (empty:
     * the defaults, as {@code Materialized} gives them).
     */
    public static <K, V> TimestampedWindowStoreBuilder<K, V> timestamped(WindowBytesStoreSupplier supplier,
            Serde<K> keySerde, Serde<V> valueSerde, int capacity, Map<String, String> logConfig) {
        TimestampedWindowStoreBuilder<K, V> builder = new TimestampedWindowStoreBuilder<>(supplier, keySerde,
                valueSerde, Time.SYSTEM) {
            @Override
            public TimestampedWindowStore<K, V> build() {
                return new Timestamped<>(super.build(), capacity);
            }
        };
        builder.withLoggingEnabled(logConfig).withCachingDisabled();
        return builder;
    }

    /**
     * A plain window store ({@code Stores.windowStoreBuilder}), {@code capacity} windows per task kept as objects.
     * Uncached below this layer unless the caller enables it (worth it when range reads, which write the changed
     * windows back first, are frequent: the cache still coalesces those writes until the commit).
     */
    public static <K, V> WindowStoreBuilder<K, V> plain(WindowBytesStoreSupplier supplier, Serde<K> keySerde,
            Serde<V> valueSerde, int capacity, Map<String, String> logConfig) {
        WindowStoreBuilder<K, V> builder = new WindowStoreBuilder<>(supplier, keySerde, valueSerde, Time.SYSTEM) {
            @Override
            public WindowStore<K, V> build() {
                return new WriteBackWindowStore<>(super.build(), capacity);
            }
        };
        builder.withLoggingEnabled(logConfig).withCachingDisabled();
        return builder;
    }

    /** The write-back store under {@code store} (which may be Kafka Streams' read-write decorator of it), or null. */
    @SuppressWarnings("unchecked")
    public static <K, V> WriteBackWindowStore<K, V> find(StateStore store) {
        return (WriteBackWindowStore<K, V>) WriteBackStore.find(store, WriteBackWindowStore.class);
    }

    /** Who hears the changed windows as they are written (null: nobody). Kept across re-initialisations. */
    public void setListener(Listener<K, V> listener) {
        this.listener = listener;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        internalContext = context instanceof InternalProcessorContext<?, ?> internal ? internal : null;
        super.init(context, root);
    }

    @Override
    public V fetch(K key, long windowStart) {
        Slot<K> slot = new Slot<>(key, windowStart);
        V value = values.get(slot);
        if (value == null) {
            value = wrapped().fetch(key, windowStart);
            if (value != null) {
                values.put(slot, value);
            }
        }
        return value;
    }

    @Override
    public void put(K key, V value, long windowStart) {
        Slot<K> slot = new Slot<>(key, windowStart);
        if (value == null) {
            values.remove(slot);
            dirty.remove(slot);
            wrapped().put(key, null, windowStart);
            return;
        }
        values.put(slot, value);
        // Re-inserted: the order of the windows' last changes, as a DSL cache flushes them.
        dirty.remove(slot);
        dirty.put(slot, internalContext == null ? null : internalContext.recordContext());
    }

    @Override
    public WindowStoreIterator<V> fetch(K key, long timeFrom, long timeTo) {
        writeBack();
        return wrapped().fetch(key, timeFrom, timeTo);
    }

    @Override
    public WindowStoreIterator<V> backwardFetch(K key, long timeFrom, long timeTo) {
        writeBack();
        return wrapped().backwardFetch(key, timeFrom, timeTo);
    }

    @Override
    public KeyValueIterator<Windowed<K>, V> fetch(K keyFrom, K keyTo, long timeFrom, long timeTo) {
        writeBack();
        return wrapped().fetch(keyFrom, keyTo, timeFrom, timeTo);
    }

    @Override
    public KeyValueIterator<Windowed<K>, V> backwardFetch(K keyFrom, K keyTo, long timeFrom, long timeTo) {
        writeBack();
        return wrapped().backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
    }

    @Override
    public KeyValueIterator<Windowed<K>, V> fetchAll(long timeFrom, long timeTo) {
        writeBack();
        return wrapped().fetchAll(timeFrom, timeTo);
    }

    @Override
    public KeyValueIterator<Windowed<K>, V> backwardFetchAll(long timeFrom, long timeTo) {
        writeBack();
        return wrapped().backwardFetchAll(timeFrom, timeTo);
    }

    @Override
    public KeyValueIterator<Windowed<K>, V> all() {
        writeBack();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<Windowed<K>, V> backwardAll() {
        writeBack();
        return wrapped().backwardAll();
    }

    /** Windows kept as objects (for tests). */
    int size() {
        return values.size();
    }

    /** Changed windows not yet written into the wrapped store (for tests). */
    int dirtyCount() {
        return dirty.size();
    }

    @Override
    void writeBack() {
        while (!dirty.isEmpty()) {
            // One at a time, removed before it is written: a listener may change other windows (re-entrant).
            Map.Entry<Slot<K>, ProcessorRecordContext> next = dirty.entrySet().iterator().next();
            dirty.remove(next.getKey());
            write(next.getKey(), values.get(next.getKey()), next.getValue());
        }
    }

    private void write(Slot<K> slot, V value, ProcessorRecordContext changedBy) {
        RecordContexts.runAs(internalContext, changedBy, () -> {
            wrapped().put(slot.key(), value, slot.windowStart());
            notifyListener(slot, value);
        });
    }

    private void notifyListener(Slot<K> slot, V value) {
        if (listener != null) {
            listener.written(slot.key(), slot.windowStart(), value);
        }
    }

    @Override
    void forget() {
        values.clear();
        dirty.clear();
    }

    /** The same store typed as a timestamped window store, so Kafka Streams and its tests see the type they expect. */
    private static final class Timestamped<K, V> extends WriteBackWindowStore<K, ValueAndTimestamp<V>>
            implements TimestampedWindowStore<K, V> {

        Timestamped(WindowStore<K, ValueAndTimestamp<V>> inner, int capacity) {
            super(inner, capacity);
        }
    }
}
