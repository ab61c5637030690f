package io.spendstream.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBackKeyValueStoreTest {

    private static final String STORE = "totals";

    /** Serializations of values, i.e. writes into the wrapped store. */
    private final AtomicInteger writes = new AtomicInteger();

    /** Mutable values, like the Avro states: changed in place, then put back. */
    private final Serde<StringBuilder> serde = Serdes.serdeFrom((topic, value) -> {
        writes.incrementAndGet();
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }, (topic, bytes) -> new StringBuilder(new String(bytes, StandardCharsets.UTF_8)));

    @TempDir
    Path stateDir;

    @Test
    void shouldWriteAChangedValueIntoTheWrappedStoreOncePerCommitBeforeTheCommit() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, String> input = input(driver);

            // Every record appends to "total" five times; the driver commits after every record.
            input.pipeInput("k", "a");
            assertThat(writes).hasValue(1);
            input.pipeInput("k", "b");
            assertThat(writes).hasValue(2);

            // The wrapped store (what the changelog and a restore see) has it after the commit, not only the object.
            WriteBackKeyValueStore<String, StringBuilder> store = WriteBackKeyValueStore.find(
                    driver.getAllStateStores().get(STORE));
            assertThat(store.dirtyCount()).isZero();
            assertThat(store.wrapped().get("total")).hasToString("aaaaabbbbb");
            assertThat(store.get("total")).hasToString("aaaaabbbbb");
        }
    }

    @Test
    void shouldWriteAChangedValueBackWhenEvicted() {
        WriteBackKeyValueStore<String, StringBuilder> store = open(2);
        store.put("a", new StringBuilder("1"));
        store.put("b", new StringBuilder("2"));
        assertThat(writes).hasValue(0);

        store.put("c", new StringBuilder("3"));

        assertThat(store.size()).isEqualTo(2);
        assertThat(writes).hasValue(1);
        assertThat(store.wrapped().get("a")).hasToString("1");
        assertThat(store.get("a")).hasToString("1");
        store.close();
    }

    @Test
    void shouldDropUnwrittenObjectsWhenClosedOrReinitialised() {
        WriteBackKeyValueStore<String, StringBuilder> store = open(10);
        store.put("a", new StringBuilder("1"));

        store.init(new MockProcessorContext<>().getStateStoreContext(), store);

        assertThat(store.size()).isZero();
        assertThat(store.get("a")).isNull();
        store.put("b", new StringBuilder("2"));
        store.close();
        assertThat(store.size()).isZero();
        assertThat(store.dirtyCount()).isZero();
        assertThat(writes).hasValue(0);
    }

    @Test
    void shouldServeRangeQueriesAndDeletesWithTheChangedValues() {
        WriteBackKeyValueStore<String, StringBuilder> store = open(10);
        store.put("a", new StringBuilder("1"));
        store.put("b", new StringBuilder("2"));
        store.put("c", new StringBuilder("3"));
        assertThat(store.delete("b")).hasToString("2");

        List<String> seen = new ArrayList<>();
        try (KeyValueIterator<String, StringBuilder> all = store.all()) {
            all.forEachRemaining(entry -> seen.add(entry.key + "=" + entry.value));
        }

        assertThat(seen).containsExactly("a=1", "c=3");
        assertThat(store.dirtyCount()).isZero();
        store.close();
    }

    @Test
    void shouldRevertOnlyTheKeysAFailedRecordTouched() {
        WriteBackKeyValueStore<String, StringBuilder> store = open(10);
        store.put("a", new StringBuilder("1"));
        store.put("b", new StringBuilder("1"));
        store.flushCache();
        store.put("b", store.get("b").append("2"));

        store.markRecordStart();
        store.get("a").append(" half a change");
        store.revertTouched();

        assertThat(store.get("a")).hasToString("1");
        assertThat(store.get("b")).hasToString("12");
        store.flushCache();
        assertThat(store.wrapped().get("b")).hasToString("12");
        store.close();
    }

    @Test
    void shouldLetReadThroughStatesRevertAFailedRecordOverAWriteBackStore() {
        WriteBackKeyValueStore<String, StringBuilder> store = open(10);
        ReadThroughStates<StringBuilder> states = new ReadThroughStates<>(store, 10);
        states.put("a", new StringBuilder("1"));
        store.flushCache();
        states.put("b", new StringBuilder("2"));

        try {
            ReadThroughStates.clearingOnFailure(() -> {
                states.get("a").append(" half a change");
                throw new IllegalStateException("half way");
            }, states);
        } catch (IllegalStateException expected) {
            // the record goes to the dead-letter topic
        }

        assertThat(states.get("a")).hasToString("1");
        assertThat(states.get("b")).hasToString("2");
        store.close();
    }

    private WriteBackKeyValueStore<String, StringBuilder> open(int capacity) {
        KeyValueStore<String, StringBuilder> built = WriteBackKeyValueStore.builder(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), serde)
                        .withLoggingDisabled(), capacity).build();
        built.init(new MockProcessorContext<>().getStateStoreContext(), built);
        return WriteBackKeyValueStore.find(built);
    }

    private TopologyTestDriver driver() {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("append", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<String, StringBuilder> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, String> record) {
                for (int i = 0; i < 5; i++) {
                    StringBuilder total = store.get("total");
                    store.put("total", (total == null ? new StringBuilder() : total).append(record.value()));
                }
            }
        }, "in");
        topology.addStateStore(WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), serde), 100), "append");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-back-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new TopologyTestDriver(topology, props);
    }

    private static TestInputTopic<String, String> input(TopologyTestDriver driver) {
        return driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
    }
}
