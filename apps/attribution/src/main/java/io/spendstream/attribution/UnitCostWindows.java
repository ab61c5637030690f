package io.spendstream.attribution;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.metrics.TaskMetrics;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.runtime.state.WriteBackWindowStore;

/**
 * The unit-cost windows of one size: adds each contribution of {@link ContributionProcessor} (key = service, timestamp
 * = its window's start) to its window's {@link UnitCostTally} and emits every window that changed once per commit,
 * with its latest tally (key: the service and window). What the DSL's {@code windowedBy(...).aggregate(...)} with its
 * record cache did, and in the same store: {@code unit-cost-<size>}, a timestamped RocksDB window store with the
 * retention the DSL gave it (size + {@link AttributionSettings#storeGrace}), the same serdes, so the same changelog
 * topic and records (no reset on upgrade). The difference (issue 18): the tallies of the busy windows stay objects
 * ({@link WriteBackWindowStore}, {@value #CACHED_WINDOWS} per store and task) and are serialized once per commit,
 * not read back from the cache's bytes and serialized again on every cost row.
 *
 * <p>Like the DSL aggregation, a contribution for a window that closed ({@code end <= observed stream time - grace},
 * stream time being the largest contribution timestamp this processor has seen since it started) is not added: it
 * is logged and counted in Kafka Streams' task metric {@code dropped-records}. {@link LatenessGate} decides upstream
 * what each size takes, so this never happens in practice.
 *
 * <p>Emitting from the commit uses two internals of Kafka Streams 4.3.1, as the DSL's own cache-flush listener does:
 * the processor's node is made current around the forward ({@link NodeForwarder}), and the store restores the record
 * context of the record that last changed the window. Re-check them on an upgrade (the attribution unit-cost tests
 * fail if they break).
 */
public final class UnitCostWindows implements Processor<String, UnitCostTally, Windowed<String>, UnitCostTally> {

    /**
     * Windows per store and task kept as objects: a service's current window, for 5,000 services per task (the
     * 100,000-scope estate of the bench, 20,000 services over 4 partitions; the default estate has 125). A tally with
     * its tracked children is 1-10 KiB as objects, depending on the service's resources and SKUs.
     */
    static final int CACHED_WINDOWS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(UnitCostWindows.class);

    private final String storeName;
    private final long sizeMs;
    private final long graceMs;
    private final int trackedChildren;
    private WriteBackWindowStore<String, ValueAndTimestamp<UnitCostTally>> store;
    private Sensor droppedRecords;
    private long observedStreamTime = Long.MIN_VALUE;

    UnitCostWindows(String storeName, Duration size, Duration grace, int trackedChildren) {
        this.storeName = storeName;
        this.sizeMs = size.toMillis();
        this.graceMs = grace.toMillis();
        this.trackedChildren = trackedChildren;
    }

    /** Supplier that also declares (and so creates and connects) the window store {@code storeName}. */
    static ProcessorSupplier<String, UnitCostTally, Windowed<String>, UnitCostTally> supplier(String storeName,
            Duration size, Duration grace, Serde<UnitCostTally> tallySerde, int trackedChildren) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UnitCostTally, Windowed<String>, UnitCostTally> get() {
                return new UnitCostWindows(storeName, size, grace, trackedChildren);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // What Materialized.as(storeName) built for the DSL aggregation: the default DSL store supplier,
                // retention size + grace, changelog with the default topic settings.
                return Set.of(WriteBackWindowStore.timestamped(
                        Stores.persistentTimestampedWindowStore(storeName, size.plus(grace), size, false),
                        Serdes.String(), tallySerde, CACHED_WINDOWS, Map.of()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<Windowed<String>, UnitCostTally> context) {
        InternalProcessorContext<Windowed<String>, UnitCostTally> internal =
                (InternalProcessorContext<Windowed<String>, UnitCostTally>) context;
        droppedRecords = TaskMetrics.droppedRecordsSensor(Thread.currentThread().getName(),
                context.taskId().toString(), internal.metrics());
        TimestampedWindowStore<String, UnitCostTally> typed = context.getStateStore(storeName);
        store = WriteBackWindowStore.find(typed);
        // Called from the store's flush at commit (no current node then) or from an eviction (this node).
        NodeForwarder<Windowed<String>, UnitCostTally> forwarder = new NodeForwarder<>(context);
        store.setListener((service, windowStart, tally) -> forwarder.forward(new Record<>(
                new Windowed<>(service, new TimeWindow(windowStart, windowStart + sizeMs)), tally.value(),
                tally.timestamp(), forwarder.headers())));
    }

    @Override
    public void process(Record<String, UnitCostTally> record) {
        if (record.key() == null) {
            // LatenessGate dead-letters keyless records before they get here.
            LOG.warn("Skipping a unit-cost contribution without key (service) in store {}", storeName);
            droppedRecords.record();
            return;
        }
        long timestamp = record.timestamp();
        observedStreamTime = Math.max(observedStreamTime, timestamp);
        long windowStart = Math.max(0, timestamp) / sizeMs * sizeMs;
        if (windowStart + sizeMs <= observedStreamTime - graceMs) {
            LOG.warn("Skipping a unit-cost contribution for the closed window [{},{}) of {} in store {}: stream time {}",
                    windowStart, windowStart + sizeMs, record.key(), storeName, observedStreamTime);
            droppedRecords.record();
            return;
        }
        ValueAndTimestamp<UnitCostTally> old = store.fetch(record.key(), windowStart);
        UnitCostTally total = UnitCostAccumulator.add(old == null ? UnitCostAccumulator.empty() : old.value(),
                record.value(), trackedChildren);
        long newTimestamp = old == null ? timestamp : Math.max(timestamp, old.timestamp());
        store.put(record.key(), ValueAndTimestamp.make(total, newTimestamp), windowStart);
    }
}
