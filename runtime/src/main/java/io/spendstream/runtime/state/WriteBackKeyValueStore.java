package io.spendstream.runtime.state;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A key-value store that keeps its hot values as objects and writes each changed one into the store it wraps (the
 * usual metered, caching, logging and RocksDB stack) once per commit, instead of serializing it on every update
 * (issue 18: the anomaly detectors serialized their states and contributor baselines on every {@code spend.unit-cost}
 * record). Reads no topic itself; the wrapped store keeps its changelog.
 *
 * <p><b>Why exactly-once holds.</b> The changed objects are written into the wrapped store in {@link #flushCache()}.
 * In Kafka Streams 4.3.1 that is the hook that runs before the commit: {@code StreamTask.prepareCommit} calls
 * {@code flush()}, i.e. {@code ProcessorStateManager.flushCache()} (every registered store that is a
 * {@code CachedStateStore}: this one, as the root every layer registers) and then the record collector's flush, and
 * only then are the input offsets committed with the transaction. So the changelog records of every change go out in
 * the transaction that commits the input offsets and outputs of the records that made it. The store's
 * {@code flush()}/{@code commit(Map)} is <em>not</em> that hook: in 4.3.1 {@code ProcessorStateManager.commit()} (the
 * former flush) runs from {@code postCommit}/{@code maybeCheckpoint}, after the transaction committed; writing there
 * would put the changes in the next transaction, lost if the process died in between.
 *
 * <p><b>Why a crash or an abort never leaves stale objects.</b> The objects are dropped, never written, when the store
 * is (re)initialised, closed (a dirty close after an aborted transaction or a {@code TaskCorruptedException} wipes or
 * restores the wrapped store: objects from before would be stale) and on {@code clearCache()} (a task recycled between
 * active and standby). Restoration writes the wrapped store directly, below this layer, which starts empty.
 *
 * <p><b>Bounded.</b> At most {@code capacity} values are kept, least recently used dropped first; a dropped value that
 * changed is written into the wrapped store then (so still inside the open transaction). Range queries and iteration
 * first write every changed value into the wrapped store, then read from it.
 *
 * <p><b>Objects are shared.</b> {@link #get} hands out the kept object itself; a caller that changes it must
 * {@link #put} it back (or a failure must {@link #revertTouched} it). Not thread-safe: one per task, as every store.
 */
public final class WriteBackKeyValueStore<K, V> extends WriteBackStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    private final Map<K, V> values;
    private final Set<K> dirty = new HashSet<>();
    private final Set<K> touched = new HashSet<>();

    WriteBackKeyValueStore(KeyValueStore<K, V> inner, int capacity) {
        super(inner);
        this.values = boundedObjects(capacity, (key, value) -> {
            if (dirty.remove(key)) {
                wrapped().put(key, value);
            }
        });
    }

    /**
     * {@code inner} (e.g. {@code Stores.keyValueStoreBuilder(...)}, with or without caching and logging) wrapped so
     * that at most {@code capacity} values per task are kept as objects and written once per commit.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner,
            int capacity) {
        return new Builder<>(inner, capacity);
    }

    /** The write-back store under {@code store} (which may be Kafka Streams' read-write decorator of it), or null. */
    @SuppressWarnings("unchecked")
    public static <K, V> WriteBackKeyValueStore<K, V> find(StateStore store) {
        return (WriteBackKeyValueStore<K, V>) WriteBackStore.find(store, WriteBackKeyValueStore.class);
    }

    @Override
    public V get(K key) {
        touched.add(key);
        V value = values.get(key);
        if (value == null) {
            value = wrapped().get(key);
            if (value != null) {
                values.put(key, value);
            }
        }
        return value;
    }

    @Override
    public void put(K key, V value) {
        touched.add(key);
        if (value == null) {
            // A tombstone: unlike delete, nothing to return, so the value it replaces is not read.
            values.remove(key);
            dirty.remove(key);
            wrapped().put(key, null);
            return;
        }
        values.put(key, value);
        dirty.add(key);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public V delete(K key) {
        touched.add(key);
        V before = values.remove(key);
        dirty.remove(key);
        V stored = wrapped().delete(key);
        return before != null ? before : stored;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeBack();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeBack();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeBack();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeBack();
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeBack();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /** Starts a record: {@link #revertTouched} forgets the keys read or written from now on. */
    public void markRecordStart() {
        touched.clear();
    }

    /**
     * A record failed half way: the objects it read or wrote may hold part of a change. They are dropped unwritten,
     * so these keys read again what the wrapped store holds: their value as of the last commit (or the last eviction
     * or range query), without the changes earlier records of this commit interval made to the same keys. A
     * consistent value, not a half-updated one; the failing record goes to the dead-letter topic.
     */
    public void revertTouched() {
        for (K key : touched) {
            values.remove(key);
            dirty.remove(key);
        }
        touched.clear();
    }

    /** Values kept as objects (for tests and metrics). */
    int size() {
        return values.size();
    }

    /** Changed values not yet written into the wrapped store. */
    int dirtyCount() {
        return dirty.size();
    }

    /** The commit: as {@link WriteBackStore#flushCache()}, and no key is touched by a record any more. */
    @Override
    public void flushCache() {
        super.flushCache();
        touched.clear();
    }

    @Override
    void writeBack() {
        if (dirty.isEmpty()) {
            return;
        }
        List<KeyValue<K, V>> changed = new ArrayList<>(dirty.size());
        for (K key : dirty) {
            changed.add(KeyValue.pair(key, values.get(key)));
        }
        dirty.clear();
        wrapped().putAll(changed);
    }

    @Override
    void forget() {
        values.clear();
        dirty.clear();
        touched.clear();
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

        private final StoreBuilder<KeyValueStore<K, V>> inner;
        private final int capacity;

        Builder(StoreBuilder<KeyValueStore<K, V>> inner, int capacity) {
            this.inner = inner;
            this.capacity = capacity;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new WriteBackKeyValueStore<>(inner.build(), capacity);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
