package io.spendstream.anomaly.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.anomaly.detector.CatchUpWatch;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.EstateWarmup;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.runtime.state.WriteBackKeyValueStore;

/**
 * The set-up every detector processor shares: its stores opened again on every (re)initialisation (a revived task
 * restores its stores, objects from before are stale), the states it keeps as objects ({@link ReadThroughStates} over
 * a {@link WriteBackKeyValueStore}, {@value #CACHED_STATES} per store and task, written once per commit) reverted when
 * a record fails (the last written value, not the half-updated objects, is what the next record must see), its part
 * of the open-anomalies gauge ({@link OpenAnomalies}: recounted from its restored store at start, withdrawn when the
 * task closes), and each emission forwarded under its dedup key at the input record's timestamp.
 *
 * @param <V> the value type the detector reads
 */
public abstract class DetectorProcessor<V> implements Processor<String, V, String, Emission> {

    /**
     * Keys per store and task whose values a detector processor keeps as objects ({@link ReadThroughStates}): every
     * service of a task at the default estate (500 services over 4 partitions), a few MiB per store.
     */
    public static final int CACHED_STATES = 256;

    /**
     * How often (wall clock) a task looks whether its held series can be released ({@link #releaseHeldByWallClock}):
     * a series is released at most this long after its task's catch-up quiet has passed.
     */
    public static final Duration HOLD_RELEASE_CHECK = Duration.ofSeconds(5);

    /** Held series whose release by the wall clock failed: each stays held until its next update. */
    public static final String HOLD_RELEASE_FAILURES = "spendstream.anomaly.hold.release.failures";

    private static final Logger LOG = LoggerFactory.getLogger(DetectorProcessor.class);

    protected final PipelineMetrics metrics;
    private final OpenAnomalies openAnomalies;
    private final List<ReadThroughStates<?>> cached = new ArrayList<>();
    private ProcessorContext<String, Emission> context;
    private OpenAnomalies.Count open;

    protected DetectorProcessor(PipelineMetrics metrics, OpenAnomalies openAnomalies) {
        this.metrics = metrics;
        this.openAnomalies = openAnomalies;
    }

    @Override
    public final void init(ProcessorContext<String, Emission> context) {
        this.context = context;
        cached.clear();
        open(context);
    }

    /** Opens the detector's stores (and schedules what it needs) and starts its count of open anomalies. */
    protected abstract void open(ProcessorContext<String, Emission> context);

    /** Handles one input record; a failure forgets the objects of {@link #cached}. */
    protected abstract void processRecord(Record<String, V> record);

    @Override
    public final void process(Record<String, V> record) {
        ReadThroughStates.clearingOnFailure(() -> processRecord(record),
                cached.toArray(ReadThroughStates<?>[]::new));
    }

    /**
     * A detector's state store (key = scope): RocksDB as usual, its {@value #CACHED_STATES} most recently used values
     * per task kept as objects and written once per commit ({@link WriteBackKeyValueStore}, issue 18) instead of
     * serialized on every update.
     */
    public static <S> StoreBuilder<KeyValueStore<String, S>> stateStore(String name, Serde<S> valueSerde) {
        return stateStore(name, valueSerde, CACHED_STATES);
    }

    /** The same with {@code capacity} values per task kept as objects (a store of several entries per scope). */
    public static <S> StoreBuilder<KeyValueStore<String, S>> stateStore(String name, Serde<S> valueSerde,
            int capacity) {
        return WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
                Serdes.String(), valueSerde), capacity);
    }

    /** The store {@code name}, its values kept as objects for this task's life. */
    protected final <S> ReadThroughStates<S> cached(KeyValueStore<String, S> store) {
        ReadThroughStates<S> states = new ReadThroughStates<>(store, CACHED_STATES);
        cached.add(states);
        return states;
    }

    /** Starts the count of the task's first detector (see {@link OpenAnomalies#count(org.apache.kafka.streams.processor.TaskId, KeyValueStore, Predicate)}). */
    protected final <S> void countOpen(KeyValueStore<String, S> store, Predicate<S> isOpen) {
        open = openAnomalies.count(context.taskId(), store, isOpen);
    }

    /** Starts the count of one more detector of the task, under its own name in the gauge. */
    protected final <S> void countOpen(String detector, KeyValueStore<String, S> store, Predicate<S> isOpen) {
        open = openAnomalies.count(context.taskId(), detector, store, isOpen);
    }

    private static final long DETECTOR_WINDOW_MILLIS = java.time.Duration.parse(UnitCostInput.DETECTOR_WINDOW)
            .toMillis();

    /**
     * A new-spend warm-up for this task ({@link EstateWarmup}), seeded from the restored {@code store}: an estate
     * whose longest-learned series has been watched for the warm-up is warm at once after a restart.
     */
    protected final EstateWarmup estateWarmup(CostSpikeLifecycle lifecycle,
            KeyValueStore<String, DetectorState> store) {
        EstateWarmup warmup = lifecycle.newEstateWarmup();
        if (lifecycle.newSpend().enabled()) {
            try (KeyValueIterator<String, DetectorState> all = store.all()) {
                all.forEachRemaining(entry -> warmup.seed(entry.value, DETECTOR_WINDOW_MILLIS));
            }
        }
        return warmup;
    }

    /**
     * Releases the task's held series by the wall clock (every {@link #HOLD_RELEASE_CHECK}) once {@code lifecycle} says
     * the task is no longer catching up ({@code watch}): {@code release} replays one series' held windows and forwards
     * what they raise, as the series' next update would. One series that fails is logged, counted
     * ({@value #HOLD_RELEASE_FAILURES}) and left held for its next update, whose failure the dead-letter handler
     * sees; the others are released all the same.
     */
    protected final <V> void releaseHeldByWallClock(HeldSeries<V> held, CostSpikeLifecycle lifecycle,
            CatchUpWatch watch, BiConsumer<String, Record<String, V>> release) {
        held.clear();
        context.schedule(HOLD_RELEASE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (held.isEmpty() || lifecycle.isCatchingUp(watch, now)) {
                return;
            }
            for (HeldSeries.Held<V> series : held.takeAll()) {
                try {
                    ReadThroughStates.clearingOnFailure(() -> release.accept(series.key(), series.lastRecord()),
                            cached.toArray(ReadThroughStates<?>[]::new));
                } catch (RuntimeException e) {
                    metrics.counter(HOLD_RELEASE_FAILURES, "stage", Stage.NAME).increment();
                    LOG.warn("Could not release {} from its catch-up hold; it stays held until its next update",
                            series.key(), e);
                }
            }
        });
    }

    /** After an update of one entry: moves the gauge when the entry opened or closed an anomaly. */
    protected final void openChanged(boolean wasOpen, boolean isOpen) {
        open.changed(wasOpen, isOpen);
    }

    protected final ProcessorContext<String, Emission> context() {
        return context;
    }

    /** Forwards {@code emission} keyed by its dedup key, at {@code record}'s timestamp. */
    protected final void forward(Record<?, ?> record, Emission emission) {
        context.forward(record.withKey(emission.dedupKey()).withValue(emission));
    }

    @Override
    public void close() {
        if (open != null) {
            open.withdraw();
        }
    }
}
