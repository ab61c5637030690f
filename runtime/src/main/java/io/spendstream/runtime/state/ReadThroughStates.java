package io.spendstream.runtime.state;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store with the values last read or written kept as objects, so that a processor updating the same few
 * keys record after record deserializes each value once rather than on every read (issue 7: Avro deserialization of
 * the burn-rate scope states was a fifth of their processing).
 *
 * <p>The store stays the source of truth and gets every write at once (so every commit carries every change and
 * exactly-once is untouched); the objects are a read-through copy. A processor must {@link #clear} them when its task
 * (re)initialises (a revived task restores its store: objects from before are stale) and when a record fails half
 * way (an object handed out may hold part of a change the store never got). At most {@code capacity} keys are kept,
 * least recently used dropped first. Not thread-safe: one per processor instance (task).
 *
 * <p>Over a {@link WriteBackKeyValueStore} (issue 18) the store itself keeps the objects and writes the changed ones
 * once per commit: then this class keeps no map of its own (so the store sees every read and can
 * {@link WriteBackKeyValueStore#revertTouched revert} what a failed record touched) and a failure reverts the keys
 * the record read or wrote instead of clearing.
 */
public final class ReadThroughStates<V> {

    private final KeyValueStore<String, V> store;
    private final WriteBackKeyValueStore<String, V> writeBack;
    private final Map<String, V> values;

    public ReadThroughStates(KeyValueStore<String, V> store, int capacity) {
        this.store = store;
        this.writeBack = WriteBackKeyValueStore.find(store);
        int kept = writeBack == null ? capacity : 0;
        this.values = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > kept;
            }
        };
    }

    /** The value stored under {@code key}, or null. Callers that change it must {@link #put} it back. */
    public V get(String key) {
        if (writeBack != null) {
            return store.get(key);
        }
        V value = values.get(key);
        if (value == null) {
            value = store.get(key);
            if (value != null) {
                values.put(key, value);
            }
        }
        return value;
    }

    public void put(String key, V value) {
        store.put(key, value);
        if (writeBack == null) {
            values.put(key, value);
        }
    }

    /**
     * Deletes {@code key}'s value: a tombstone written as {@code put(key, null)}, as {@code delete} would first read
     * and deserialize the value it removes only to return it.
     */
    public void delete(String key) {
        store.put(key, null);
        values.remove(key);
    }

    /**
     * Runs a processor's work on one record; when it throws, forgets every object of {@code states} before the
     * exception goes on (to the dead-letter handler): an object handed out may hold part of a change its store never
     * got.
     */
    public static void clearingOnFailure(Runnable work, ReadThroughStates<?>... states) {
        for (ReadThroughStates<?> objects : states) {
            if (objects.writeBack != null) {
                objects.writeBack.markRecordStart();
            }
        }
        try {
            work.run();
        } catch (RuntimeException e) {
            for (ReadThroughStates<?> objects : states) {
                objects.clear();
            }
            throw e;
        }
    }

    /**
     * Forgets every object: the next read of each key comes from the store. Over a write-back store: forgets the
     * objects the current record read or wrote ({@link WriteBackKeyValueStore#revertTouched}).
     */
    public void clear() {
        values.clear();
        if (writeBack != null) {
            writeBack.revertTouched();
        }
    }

    /** The store itself, for what the objects do not serve (iteration). */
    public KeyValueStore<String, V> store() {
        return store;
    }
}
