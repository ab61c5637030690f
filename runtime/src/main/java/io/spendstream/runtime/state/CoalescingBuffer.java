package io.spendstream.runtime.state;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BinaryOperator;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Sums a processor's outputs per key until the task commits, and hands out each sum once, just before the commit
 * (issue 18: attribution sent one repartition record per cost row and budget scope, and one per showback part). What
 * Kafka Streams' record cache does for a DSL aggregation, for a processor that forwards without keeping state.
 *
 * <p><b>Why exactly-once holds.</b> The sums are handed to the {@link Drain} in {@link #flushCache()}, the hook Kafka
 * Streams 4.3.1 calls before the transaction commits (see {@link WriteBackKeyValueStore}), so they are sent in the
 * transaction that commits the input offsets of the records that made them. Nothing is kept past a commit, so the
 * buffer needs no changelog: a crash or an abort loses only sums of uncommitted input, which the input re-creates when
 * it is processed again. Sums are dropped, never handed out, on {@code init}, {@code close} (a dirty close after an
 * abort) and {@code clearCache} (a task recycled between active and standby).
 *
 * <p><b>Order.</b> Sums are handed out in the order their keys last changed, each with the record context of the
 * record that last changed it (topic, partition, offset, timestamp, headers), as a DSL cache flushes its entries. A
 * processor that must keep some output behind the pending sums (a budget behind the costs it applies to) calls
 * {@link #drain()} before forwarding it.
 *
 * <p><b>Bounded.</b> Once more than {@code capacity} keys are pending, all of them are handed out at once, inside the
 * open transaction: coalescing less is always allowed. Not thread-safe: one per task, as every store.
 */
public final class CoalescingBuffer<K, V> implements StateStore, CachedStateStore<K, V> {

    /** Hears each pending sum as it is handed out. */
    @FunctionalInterface
    public interface Drain<K, V> {
        void pending(K key, V sum);
    }

    private record Pending<V>(V sum, ProcessorRecordContext changedBy) {
    }

    private final String name;
    private final BinaryOperator<V> merge;
    private final int capacity;
    /** Pending sums in the order their keys last changed. */
    private final LinkedHashMap<K, Pending<V>> pending = new LinkedHashMap<>();
    private InternalProcessorContext<?, ?> internalContext;
    private Drain<K, V> drain;
    private boolean open;

    private CoalescingBuffer(String name, BinaryOperator<V> merge, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.name = name;
        this.merge = merge;
        this.capacity = capacity;
    }

    /**
     * A buffer named {@code name} summing values by {@code merge} (which may change and return its first argument:
     * the value added first is the buffer's own), at most {@code capacity} keys pending. In memory, no changelog.
     */
    public static <K, V> StoreBuilder<CoalescingBuffer<K, V>> builder(String name, BinaryOperator<V> merge,
            int capacity) {
        return new Builder<>(name, merge, capacity);
    }

    /** The buffer under {@code store} (which may be Kafka Streams' read-write decorator of it), or null. */
    @SuppressWarnings("unchecked")
    public static <K, V> CoalescingBuffer<K, V> find(StateStore store) {
        return (CoalescingBuffer<K, V>) WriteBackStore.find(store, CoalescingBuffer.class);
    }

    /** Who hears the sums as they are handed out. Kept across re-initialisations. */
    public void setDrain(Drain<K, V> drain) {
        this.drain = drain;
    }

    /** Adds {@code value} to the pending sum of {@code key}; the key is now the last changed. */
    public void add(K key, V value) {
        Pending<V> before = pending.remove(key);
        V sum = before == null ? value : merge.apply(before.sum(), value);
        pending.put(key, new Pending<>(sum, internalContext == null ? null : internalContext.recordContext()));
        if (pending.size() > capacity) {
            drain();
        }
    }

    /** Hands out every pending sum now. */
    public void drain() {
        while (!pending.isEmpty()) {
            // One at a time, removed before it is handed out: the drain may add again (re-entrant).
            Iterator<Map.Entry<K, Pending<V>>> first = pending.entrySet().iterator();
            Map.Entry<K, Pending<V>> next = first.next();
            first.remove();
            handOut(next.getKey(), next.getValue());
        }
    }

    /** Keys pending (for tests). */
    int size() {
        return pending.size();
    }

    private void handOut(K key, Pending<V> sum) {
        if (drain == null) {
            throw new IllegalStateException("No drain set on the coalescing buffer " + name);
        }
        RecordContexts.runAs(internalContext, sum.changedBy(), () -> drain.pending(key, sum.sum()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        pending.clear();
        internalContext = context instanceof InternalProcessorContext<?, ?> internal ? internal : null;
        // Nothing to restore: the buffer holds nothing a commit has seen.
        context.register(root, (key, value) -> {
        });
        open = true;
    }

    /** Before the commit (see the class comment): every pending sum handed out. */
    @Override
    public void flushCache() {
        drain();
    }

    /** Recycled between active and standby: its last commit handed everything out; nothing is left to keep. */
    @Override
    public void clearCache() {
        pending.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        // Not a DSL store: the owning processor sets a Drain instead.
        return false;
    }

    @Override
    public void close() {
        pending.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private static final class Builder<K, V> implements StoreBuilder<CoalescingBuffer<K, V>> {

        private final String name;
        private final BinaryOperator<V> merge;
        private final int capacity;

        Builder(String name, BinaryOperator<V> merge, int capacity) {
            this.name = name;
            this.merge = merge;
            this.capacity = capacity;
        }

        @Override
        public StoreBuilder<CoalescingBuffer<K, V>> withCachingEnabled() {
            throw new UnsupportedOperationException("A coalescing buffer is its own cache");
        }

        @Override
        public StoreBuilder<CoalescingBuffer<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CoalescingBuffer<K, V>> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("A coalescing buffer keeps nothing past a commit: no changelog");
        }

        @Override
        public StoreBuilder<CoalescingBuffer<K, V>> withLoggingDisabled() {
            return this;
        }

        @Override
        public CoalescingBuffer<K, V> build() {
            return new CoalescingBuffer<>(name, merge, capacity);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
