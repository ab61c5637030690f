package io.spendstream.microbench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorBaselinesSerde;
import io.spendstream.anomaly.contributors.ContributorSettings;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.contributors.PendingChildrenSerde;
import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.avro.ChildCost;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.runtime.state.WriteBackKeyValueStore;
import io.spendstream.schemas.Money;

/**
 * One update of a series' contributor baselines as the anomaly app makes it for every {@code spend.unit-cost} record
 * (observe the window's children, settle by the series' horizon, put back: {@link ContributorStates}), with
 * {@code pending} windows pending: 10 in order, 120 while the settle horizon is open to two hours, 1,440 while a
 * catch-up hold keeps a day. The stores are the app's write-back stores over in-memory stores, committed (written
 * into the wrapped store) every {@value #UPDATES_PER_COMMIT} updates, as a commit interval does.
 *
 * <p>{@code updateOfAPendingWindow}: a later update of a window in the middle of the pending ones (nothing settles,
 * the commonest update of a backlog read out of order). {@code newWindowSettlesTheOldest}: the next window arrives
 * and the oldest settles (learned), so the pending count stays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContributorUpdateBenchmark {

    private static final long MINUTE = 60_000L;
    private static final String SERIES = "checkout";
    /**
     * Children per window: two (a resource and its SKU), so that a day of windows fits the state budget
     * ({@code StateBudget}: a day of twenty-child windows is learned early down to ~220 windows).
     */
    private static final int CHILDREN = 2;
    private static final int UPDATES_PER_COMMIT = 100;
    private static final ContributorBaselines BASELINES = new ContributorBaselines(
            ContributorSettings.defaults(LifecycleSettings.defaults()));
    /** The stores' context, made once: each one logs a warning about Kafka Streams' configuration. */
    private static final StateStoreContext STORE_CONTEXT = new MockProcessorContext<>().getStateStoreContext();

    @Param({"10", "120", "1440"})
    public int pending;

    private KeyValueStore<String, ContributorBaselinesRecord> baselineStore;
    private KeyValueStore<String, PendingChildrenRecord> windowStore;
    private ContributorStates states;
    private final List<List<ChildCost>> costs = new ArrayList<>();
    private long newest;
    private long timestamp;
    private int updates;

    @Setup(Level.Iteration)
    public void setUp() {
        baselineStore = store("baselines", new ContributorBaselinesSerde());
        windowStore = store("baselines-pending", new PendingChildrenSerde());
        states = new ContributorStates(new ReadThroughStates<>(baselineStore, 256),
                new ReadThroughStates<>(windowStore, 256));
        for (int variant = 0; variant < 4; variant++) {
            List<ChildCost> children = new ArrayList<>(CHILDREN);
            for (int c = 0; c < CHILDREN; c++) {
                children.add(ChildCost.newBuilder().setKind(c % 2 == 0 ? "resource" : "sku")
                        .setName("i-0checkout" + c).setCost(Money.of(new BigDecimal("0.3" + variant + c))).build());
            }
            costs.add(children);
        }
        // Settled history first (baselines to learn against), then the pending windows.
        for (long m = 0; m < 30 + pending; m++) {
            update(m, m < 30 ? 10 : pending);
        }
        newest = 30 + pending - 1;
        commit();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        baselineStore.close();
        windowStore.close();
    }

    @Benchmark
    public ContributorBaselinesRecord updateOfAPendingWindow() {
        return update(newest - pending / 2, pending);
    }

    @Benchmark
    public ContributorBaselinesRecord newWindowSettlesTheOldest() {
        return update(++newest, pending);
    }

    /** One update of the window of minute {@code minute}, the series' horizon {@code horizon} windows. */
    private ContributorBaselinesRecord update(long minute, int horizon) {
        ContributorBaselinesRecord state = BASELINES.observe(states, SERIES, minute * MINUTE, (minute + 1) * MINUTE,
                costs.get((int) (timestamp & 3)), ++timestamp);
        BASELINES.settle(state, horizon * MINUTE);
        states.put(SERIES, state);
        if (++updates % UPDATES_PER_COMMIT == 0) {
            commit();
        }
        return state;
    }

    private void commit() {
        WriteBackKeyValueStore.find(baselineStore).flushCache();
        WriteBackKeyValueStore.find(windowStore).flushCache();
    }

    private static <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
        KeyValueStore<String, V> store = WriteBackKeyValueStore.builder(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde), 256)
                .withLoggingDisabled().build();
        store.init(STORE_CONTEXT, store);
        return store;
    }
}
