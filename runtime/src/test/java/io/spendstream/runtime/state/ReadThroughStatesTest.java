package io.spendstream.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReadThroughStatesTest {

    private KeyValueStore<String, StringBuilder> store;
    private ReadThroughStates<StringBuilder> states;
    private int reads;

    @BeforeEach
    void createStore() {
        // Mutable values, like the Avro states: a value read from the store is a new object every time.
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("states"), Serdes.String(),
                        Serdes.serdeFrom((topic, value) -> value.toString().getBytes(), (topic, bytes) -> {
                            reads++;
                            return new StringBuilder(new String(bytes));
                        }))
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        states = new ReadThroughStates<>(store, 2);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void shouldReadAValueFromTheStoreOnceAndWriteEveryChangeThrough() {
        store.put("a", new StringBuilder("1"));
        int readsBefore = reads;

        states.get("a").append("2");
        states.put("a", states.get("a").append("3"));

        assertThat(reads - readsBefore).isEqualTo(1);
        assertThat(store.get("a")).hasToString("123");
        assertThat(states.get("a")).hasToString("123");
    }

    @Test
    void shouldNotKeepAbsentKeys() {
        assertThat(states.get("a")).isNull();
        store.put("a", new StringBuilder("written by someone else"));

        assertThat(states.get("a")).hasToString("written by someone else");
    }

    @Test
    void shouldForgetADeletedValue() {
        states.put("a", new StringBuilder("1"));
        states.delete("a");

        assertThat(states.get("a")).isNull();
        assertThat(store.get("a")).isNull();
    }

    @Test
    void shouldReadTheStoreAgainAfterClearDroppingChangesTheStoreNeverGot() {
        states.put("a", new StringBuilder("1"));
        states.get("a").append(" half a change");

        states.clear();

        assertThat(states.get("a")).hasToString("1");
    }

    @Test
    void shouldForgetEveryObjectWhenTheWorkOnARecordFailsAndRethrow() {
        states.put("a", new StringBuilder("1"));
        IllegalStateException failure = new IllegalStateException("half way");

        assertThatThrownBy(() -> ReadThroughStates.clearingOnFailure(() -> {
            states.get("a").append(" half a change");
            throw failure;
        }, states)).isSameAs(failure);

        assertThat(states.get("a")).hasToString("1");
    }

    @Test
    void shouldKeepTheObjectsWhenTheWorkSucceeds() {
        states.put("a", new StringBuilder("1"));
        int readsBefore = reads;

        ReadThroughStates.clearingOnFailure(() -> states.put("a", states.get("a").append("2")), states);

        assertThat(states.get("a")).hasToString("12");
        assertThat(reads).isEqualTo(readsBefore);
    }

    @Test
    void shouldKeepAtMostItsCapacity() {
        states.put("a", new StringBuilder("1"));
        states.put("b", new StringBuilder("2"));
        states.put("c", new StringBuilder("3"));
        int readsBefore = reads;

        states.get("c");
        states.get("b");
        states.get("a");

        // a, the least recently used, was dropped and came from the store.
        assertThat(reads - readsBefore).isEqualTo(1);
        assertThat(states.get("a")).hasToString("1");
    }
}
