package io.spendstream.runtime.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * What {@link WriteBackKeyValueStore} and {@link WriteBackWindowStore} share: when their objects are written into the
 * wrapped store and when they are dropped unwritten. One place, because exactly-once rests on it (see
 * {@link WriteBackKeyValueStore} for the Kafka Streams 4.3.1 call sites): changed objects are written in
 * {@link #flushCache()}, which runs before the transaction commits, and dropped on {@code init} (a revived task),
 * {@code close} (a dirty close after an abort or a corrupted task wipes or restores the wrapped store) and
 * {@code clearCache} (a task recycled between active and standby).
 */
abstract class WriteBackStore<S extends StateStore, K, V> extends WrappedStateStore<S, K, V> {

    WriteBackStore(S wrapped) {
        super(wrapped);
    }

    /** The store of type {@code type} under {@code store} (which may be Kafka Streams' read-write decorator of it), or null. */
    static StateStore find(StateStore store, Class<?> type) {
        StateStore current = store;
        while (current != null) {
            if (type.isInstance(current)) {
                return current;
            }
            current = current instanceof WrappedStateStore<?, ?, ?> wrapped ? wrapped.wrapped() : null;
        }
        return null;
    }

    /**
     * The objects of a store: at most {@code capacity} (at least 1), in access order; adding one beyond evicts the
     * least recently used, handed to {@code onEvict} first (which writes it back if it changed).
     */
    static <T, V> Map<T, V> boundedObjects(int capacity, BiConsumer<T, V> onEvict) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        return new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<T, V> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                onEvict.accept(eldest.getKey(), eldest.getValue());
                return true;
            }
        };
    }

    /** Writes every changed object into the wrapped store. */
    abstract void writeBack();

    /** Drops every object unwritten. */
    abstract void forget();

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        super.init(context, root);
    }

    /** Before the commit (see the class comment): every changed object into the wrapped store, then its caches. */
    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    /** Recycled between active and standby: the wrapped store may be written below this layer. */
    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }
}
