package io.spendstream.anomaly.contributors;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.avro.ChildCost;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.schemas.Money;

/** The contributor baselines in two stores ({@link ContributorStates}): what a commit writes, and what restores. */
class ContributorStatesTest {

    private static final long MINUTE = 60_000L;
    /** Settle horizons in minutes: in order, while a series lags, while a catch-up hold keeps a day. */
    private static final int[] HORIZONS = {10, 120, 1440, 45};
    private static final ContributorBaselines BASELINES = new ContributorBaselines(
            ContributorSettings.defaults(LifecycleSettings.defaults()));

    private KeyValueStore<String, ContributorBaselinesRecord> baselineStore;
    private KeyValueStore<String, PendingChildrenRecord> pendingStore;
    private int baselineWrites;
    private int windowWrites;
    private int windowReads;

    @BeforeEach
    void createStores() {
        baselineStore = store("baselines", new ContributorBaselinesSerde(), true);
        pendingStore = store("baselines-pending", new PendingChildrenSerde(), false);
    }

    @AfterEach
    void closeStores() {
        baselineStore.close();
        pendingStore.close();
    }

    @Test
    void shouldWriteOnlyTheWindowAnUpdateChangedAndTheBaselinesOnlyWhenTheirOwnFieldsChange() {
        ContributorStates states = states();
        for (int m = 0; m < 20; m++) {
            update(states, m, "0.30");
        }
        int baselinesBefore = baselineWrites;
        int windowsBefore = windowWrites;

        // A later update of the newest window: that window alone is written.
        update(states, 19, "0.60");
        assertThat(windowWrites - windowsBefore).isEqualTo(1);
        assertThat(baselineWrites - baselinesBefore).isZero();
        // The windows live in the series' object: the pending store is written, never read, while it is kept.
        assertThat(windowReads).isZero();

        // A new window settles the oldest pending one: the new window, and the baselines (learned, new starts).
        update(states, 20, "0.30");
        assertThat(windowWrites - windowsBefore).isEqualTo(2);
        assertThat(baselineWrites - baselinesBefore).isEqualTo(1);
    }

    @Test
    void shouldRestoreFromItsTwoStoresTheStateItKeptAndDeleteTheWindowsThatSettled() {
        ContributorStates states = states();
        for (int m = 0; m < 30; m++) {
            update(states, m, m % 2 == 0 ? "0.30" : "0.40");
        }
        ContributorBaselinesRecord kept = states.get("checkout");

        // A restart: nothing kept as objects, everything read back from the stores.
        ContributorBaselinesRecord restored = states().get("checkout");
        assertThat(windowReads).isEqualTo(restored.getPending().size());

        assertThat(restored).isEqualTo(kept);
        assertThat(restored.getPending()).extracting(PendingChildrenRecord::getWindowStart)
                .containsExactlyElementsOf(restored.getPendingStarts()).isNotEmpty();
        assertThat(restored.getLearnedWindows()).isEqualTo(30L - restored.getPending().size());
        List<String> windowKeys = new ArrayList<>();
        pendingStore.all().forEachRemaining(kv -> windowKeys.add(kv.key));
        assertThat(windowKeys).hasSize(restored.getPending().size())
                .allSatisfy(key -> assertThat(key).startsWith("checkout@"));
        assertThat(baselineStore.get("checkout").getPending()).isEmpty();
    }

    @Test
    void shouldWriteTheStartsAfreshWhenAWindowTheRecordNamesWasMissingFromThePendingStore() {
        ContributorStates states = states();
        for (int m = 0; m < 20; m++) {
            update(states, m, "0.30");
        }
        List<Long> starts = baselineStore.get("checkout").getPendingStarts();
        long lost = starts.get(starts.size() - 2);
        // A record that failed half way: reverted in the pending store and not in the baselines store.
        pendingStore.delete(ContributorStates.windowKey("checkout", lost));

        // After a restart, an update of the newest window alone: the starts change all the same (one is gone).
        ContributorStates restarted = states();
        int baselinesBefore = baselineWrites;
        update(restarted, 19, "0.60");

        assertThat(baselineWrites - baselinesBefore).isEqualTo(1);
        assertThat(baselineStore.get("checkout").getPendingStarts()).doesNotContain(lost)
                .hasSize(starts.size() - 1);
        assertThat(states().get("checkout").getPending()).extracting(PendingChildrenRecord::getWindowStart)
                .containsExactlyElementsOf(baselineStore.get("checkout").getPendingStarts());
    }

    @Test
    void shouldReadARecordWithItsWindowsInlineAndSplitItOnItsNextPut() {
        ContributorBaselinesRecord legacy = ContributorBaselines.empty();
        legacy.setPendingBytes(-1);
        for (int m = 0; m < 3; m++) {
            BASELINES.observe(legacy, m * MINUTE, (m + 1) * MINUTE, children("0.30"), (m + 1) * MINUTE - 1,
                    new ChildNames());
        }
        legacy.setPendingBytes(-1);
        baselineStore.put("checkout", legacy);
        ContributorStates states = states();

        ContributorBaselinesRecord read = states.get("checkout");
        assertThat(read.getPending()).hasSize(3);
        states.put("checkout", read);

        assertThat(baselineStore.get("checkout").getPending()).isEmpty();
        assertThat(baselineStore.get("checkout").getPendingStarts()).containsExactly(0L, MINUTE, 2 * MINUTE);
        assertThat(pendingStore.get(ContributorStates.windowKey("checkout", MINUTE)).getChildren()).hasSize(2);
        assertThat(states().get("checkout").getPending()).isEqualTo(read.getPending());
    }

    @Test
    void shouldKeepInItsStoresExactlyTheSeriesWindowsThroughABacklogReadOutOfOrder() {
        // Updates up to 90 minutes behind the newest, horizons from ten minutes to a day, a catch-up release now and
        // then: after every put, what the two stores hold is the series as kept, window for window, and nothing else.
        ContributorStates states = states();
        Random random = new Random(18);
        long newest = 0;
        for (int update = 0; update < 3000; update++) {
            newest += random.nextInt(4) == 0 ? 1 : 0;
            long minute = Math.max(0, newest - random.nextInt(90));
            ContributorBaselinesRecord state = BASELINES.observe(states, "checkout", minute * MINUTE,
                    (minute + 1) * MINUTE, children("0.3" + random.nextInt(10)), update);
            if (random.nextInt(100) == 0) {
                BASELINES.settleBefore(state, (newest - random.nextInt(60)) * MINUTE);
            }
            BASELINES.settle(state, HORIZONS[(update / 500) % HORIZONS.length] * MINUTE);
            states.put("checkout", state);

            ContributorBaselinesRecord restored = states().get("checkout");
            assertThat(restored.getPending()).as("update %d", update).isEqualTo(state.getPending());
            assertThat(restored.getPendingStarts()).containsExactlyElementsOf(restored.getPending().stream()
                    .map(PendingChildrenRecord::getWindowStart).toList());
            List<String> windowKeys = new ArrayList<>();
            pendingStore.all().forEachRemaining(kv -> windowKeys.add(kv.key));
            assertThat(windowKeys).as("update %d", update).containsExactlyInAnyOrderElementsOf(
                    restored.getPendingStarts().stream().map(start -> ContributorStates.windowKey("checkout", start))
                            .toList());
        }
    }

    @Test
    void shouldWriteNothingOfAnUpdateThatFailedBeforeItsPut() {
        ReadThroughStates<ContributorBaselinesRecord> baselines = new ReadThroughStates<>(baselineStore, 16);
        ReadThroughStates<PendingChildrenRecord> windows = new ReadThroughStates<>(pendingStore, 256);
        ContributorStates states = new ContributorStates(baselines, windows);
        for (int m = 0; m < 20; m++) {
            update(states, m, "0.30");
        }
        // An update of a new window fails after the children were observed: the processor forgets its objects.
        BASELINES.observe(states, "checkout", 25 * MINUTE, 26 * MINUTE, children("0.90"), 26 * MINUTE - 1);
        baselines.clear();
        windows.clear();

        // The next update of the series is put; the failed one's window is nowhere.
        update(states, 19, "0.60");
        assertThat(pendingStore.get(ContributorStates.windowKey("checkout", 25 * MINUTE))).isNull();
        ContributorBaselinesRecord restored = states().get("checkout");
        assertThat(restored.getPendingStarts()).doesNotContain(25 * MINUTE).last().isEqualTo(19 * MINUTE);
        assertThat(restored.getPending()).extracting(PendingChildrenRecord::getWindowStart)
                .containsExactlyElementsOf(restored.getPendingStarts());
    }

    private ContributorStates states() {
        return new ContributorStates(new ReadThroughStates<>(baselineStore, 16),
                new ReadThroughStates<>(pendingStore, 256));
    }

    private static void update(ContributorStates states, int minute, String cost) {
        ContributorBaselinesRecord state = BASELINES.observe(states, "checkout", minute * MINUTE,
                (minute + 1) * MINUTE, children(cost), (minute + 1) * MINUTE - 1);
        BASELINES.settle(state);
        states.put("checkout", state);
    }

    private static List<ChildCost> children(String cost) {
        return List.of(
                ChildCost.newBuilder().setKind("resource").setName("i-0checkout01").setCost(Money.of(cost)).build(),
                ChildCost.newBuilder().setKind("sku").setName("m6i.xlarge").setCost(Money.of(new BigDecimal(cost)))
                        .build());
    }

    /** An in-memory store whose serializer counts the writes (the values a commit would send to the changelog). */
    private <V> KeyValueStore<String, V> store(String name, Serde<V> serde, boolean baselines) {
        Serde<V> counting = Serdes.serdeFrom((topic, value) -> {
            if (baselines) {
                baselineWrites++;
            } else {
                windowWrites++;
            }
            return serde.serializer().serialize(topic, value);
        }, (topic, bytes) -> {
            if (!baselines) {
                windowReads++;
            }
            return serde.deserializer().deserialize(topic, bytes);
        });
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), counting).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
