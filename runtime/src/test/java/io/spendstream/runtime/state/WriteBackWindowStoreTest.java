package io.spendstream.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.TimestampedWindowStoreBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBackWindowStoreTest {

    private static final String STORE = "windows";
    private static final String APP = "write-back-window-test";
    private static final String CHANGELOG = APP + "-" + STORE + "-changelog";
    private static final Duration SIZE = Duration.ofMinutes(1);
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    /** Serializations of values, i.e. writes into the wrapped store. */
    private final AtomicInteger writes = new AtomicInteger();

    private final Serde<String> countingSerde = Serdes.serdeFrom((topic, value) -> {
        writes.incrementAndGet();
        return value.getBytes(StandardCharsets.UTF_8);
    }, (topic, bytes) -> new String(bytes, StandardCharsets.UTF_8));

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;

    @Test
    void shouldWriteTheSameChangelogAndEmitTheSameRecordsAsTheDslWindowedAggregation() {
        List<List<String>> dsl = run(dslAggregation(), stateDir.resolve("dsl"));
        List<List<String>> writeBack = run(writeBackAggregation(1), stateDir.resolve("write-back"));

        assertThat(dsl.get(0)).as("output of the DSL aggregation").hasSize(7);
        assertThat(writeBack.get(0)).as("output").isEqualTo(dsl.get(0));
        assertThat(dsl.get(1)).as("changelog of the DSL aggregation").hasSize(7);
        assertThat(writeBack.get(1)).as("changelog: same topic, keys, values and timestamps").isEqualTo(dsl.get(1));
    }

    @Test
    void shouldWriteAndEmitAChangedWindowOncePerCommitWithItsLatestValue() {
        try (TopologyTestDriver driver = new TopologyTestDriver(writeBackAggregation(5), properties(stateDir))) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            // Each record is added five times; the driver commits after every record.
            in.pipeInput("k", "a", T0);
            in.pipeInput("k", "b", T0.plusSeconds(1));

            assertThat(writes).hasValue(2);
            assertThat(driver.createOutputTopic("out", Serdes.String().deserializer(),
                    Serdes.String().deserializer()).readKeyValuesToList()).containsExactly(
                            KeyValue.pair("k@" + T0.toEpochMilli(), "aaaaa"),
                            KeyValue.pair("k@" + T0.toEpochMilli(), "aaaaabbbbb"));
            WriteBackWindowStore<String, ValueAndTimestamp<String>> store = WriteBackWindowStore.find(
                    driver.getAllStateStores().get(STORE));
            assertThat(store.dirtyCount()).isZero();
            assertThat(store.wrapped().fetch("k", T0.toEpochMilli()).value()).isEqualTo("aaaaabbbbb");
        }
    }

    @Test
    void shouldWriteAndReportAChangedWindowWhenEvicted() {
        List<String> heard = new ArrayList<>();
        WriteBackWindowStore<String, String> store = open(2, heard::add);
        store.put("a", "1", 0);
        store.put("b", "2", 0);
        assertThat(writes).hasValue(0);

        store.put("a", "3", 60_000);

        assertThat(store.size()).isEqualTo(2);
        assertThat(writes).hasValue(1);
        assertThat(heard).containsExactly("a@0=1");
        assertThat(store.wrapped().fetch("a", 0)).isEqualTo("1");
        assertThat(store.fetch("a", 0)).isEqualTo("1");
        store.flushCache();
        assertThat(heard).containsExactly("a@0=1", "b@0=2", "a@60000=3");
        store.close();
    }

    @Test
    void shouldDropUnwrittenWindowsWhenRecycledOrClosed() {
        List<String> heard = new ArrayList<>();
        WriteBackWindowStore<String, String> store = open(10, heard::add);
        store.put("a", "1", 0);

        store.clearCache();

        assertThat(store.size()).isZero();
        assertThat(store.fetch("a", 0)).isNull();
        store.put("b", "2", 0);
        store.close();
        assertThat(store.size()).isZero();
        assertThat(store.dirtyCount()).isZero();
        assertThat(writes).hasValue(0);
        assertThat(heard).isEmpty();
    }

    @Test
    void shouldServeRangeQueriesWithTheChangedWindows() {
        WriteBackWindowStore<String, String> store = open(10, written -> { });
        store.put("a", "1", 0);
        store.put("a", "2", 60_000);
        store.put("a", "3", 120_000);
        store.put("b", "4", 60_000);
        store.put("a", null, 60_000);

        List<String> seen = new ArrayList<>();
        try (WindowStoreIterator<String> windows = store.fetch("a", 0, 120_000)) {
            windows.forEachRemaining(window -> seen.add(window.key + "=" + window.value));
        }

        assertThat(seen).containsExactly("0=1", "120000=3");
        assertThat(store.dirtyCount()).isZero();
        store.close();
    }

    @Test
    void shouldStayAWindowStoreBuilderSoTheChangelogKeepsTheWindowRetention() {
        // Kafka Streams creates a window store's changelog with its retention (compact,delete) only for the builder
        // types it knows; any other builder's changelog would be compacted only, and grow for ever.
        StoreBuilder<?> builder = WriteBackWindowStore.timestamped(
                Stores.persistentTimestampedWindowStore(STORE, SIZE.plus(GRACE), SIZE, false),
                Serdes.String(), countingSerde, 10, Map.of());
        assertThat(builder).isInstanceOf(TimestampedWindowStoreBuilder.class);
        assertThat(builder.build()).isInstanceOf(TimestampedWindowStore.class);
    }

    /** Output and changelog records, each as "key | value | timestamp" of the raw bytes. */
    private List<List<String>> run(Topology topology, Path dir) {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, properties(dir))) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            in.pipeInput("k", "a", T0);
            in.pipeInput("j", "b", T0.plusSeconds(10));
            in.pipeInput("k", "c", T0.plusSeconds(70));
            in.pipeInput("k", "d", T0.plusSeconds(20));
            in.pipeInput("j", "e", T0.plusSeconds(65));
            in.pipeInput("k", "f", T0.plusSeconds(5));
            // Moves stream time past the grace of T0's window: the next record for it is dropped by both.
            in.pipeInput("k", "late", T0.plus(Duration.ofMinutes(10)));
            in.pipeInput("k", "too late", T0);
            return List.of(raw(driver, "out"), raw(driver, CHANGELOG));
        }
    }

    private static List<String> raw(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList().stream()
                .map(WriteBackWindowStoreTest::describe)
                .toList();
    }

    private static String describe(TestRecord<byte[], byte[]> record) {
        return Arrays.toString(record.key()) + " | " + Arrays.toString(record.value()) + " | "
                + record.timestamp();
    }

    private Topology dslAggregation() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .windowedBy(TimeWindows.ofSizeAndGrace(SIZE, GRACE))
                .aggregate(() -> "", (key, value, total) -> total + value, Named.as("aggregate"),
                        Materialized.<String, String, WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(
                                STORE).withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                .toStream()
                .map((window, total) -> KeyValue.pair(window.key() + "@" + window.window().start(), total))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    /** The same aggregation as a processor on the write-back store; each record is added {@code times} times. */
    private Topology writeBackAggregation(int times) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(new ProcessorSupplier<String, String, String, String>() {
                    @Override
                    public Processor<String, String, String, String> get() {
                        return new Appender(times);
                    }

                    @Override
                    public java.util.Set<StoreBuilder<?>> stores() {
                        return java.util.Set.of(WriteBackWindowStore.timestamped(
                                Stores.persistentTimestampedWindowStore(STORE, SIZE.plus(GRACE), SIZE, false),
                                Serdes.String(), countingSerde, 100, Map.of()));
                    }
                }, Named.as("aggregate"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    /** A tumbling-window aggregation by hand, emitting what the store writes back (as a DSL cache flush does). */
    private static final class Appender implements Processor<String, String, String, String> {

        private final int times;
        private WriteBackWindowStore<String, ValueAndTimestamp<String>> store;
        private long streamTime = Long.MIN_VALUE;

        Appender(int times) {
            this.times = times;
        }

        @Override
        public void init(ProcessorContext<String, String> context) {
            InternalProcessorContext<String, String> internal = (InternalProcessorContext<String, String>) context;
            ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
            store = WriteBackWindowStore.find(context.getStateStore(STORE));
            store.setListener((key, windowStart, value) -> {
                ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
                internal.setCurrentNode(node);
                try {
                    internal.forward(new Record<>(key + "@" + windowStart, value.value(), value.timestamp(),
                            internal.recordContext().headers()));
                } finally {
                    internal.setCurrentNode(previous);
                }
            });
        }

        @Override
        public void process(Record<String, String> record) {
            streamTime = Math.max(streamTime, record.timestamp());
            long start = record.timestamp() / SIZE.toMillis() * SIZE.toMillis();
            if (start + SIZE.toMillis() <= streamTime - GRACE.toMillis()) {
                return;
            }
            for (int i = 0; i < times; i++) {
                ValueAndTimestamp<String> old = store.fetch(record.key(), start);
                store.put(record.key(), ValueAndTimestamp.make((old == null ? "" : old.value()) + record.value(),
                        old == null ? record.timestamp() : Math.max(old.timestamp(), record.timestamp())), start);
            }
        }
    }

    /** The store of a running driver (so initialised as Kafka Streams does), used directly by the test. */
    private WriteBackWindowStore<String, String> open(int capacity, Consumer<String> heard) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(new ProcessorSupplier<String, String, Void, Void>() {
                    @Override
                    public Processor<String, String, Void, Void> get() {
                        return new Processor<>() {
                            @Override
                            public void process(Record<String, String> record) {
                                // The test uses the store directly.
                            }
                        };
                    }

                    @Override
                    public java.util.Set<StoreBuilder<?>> stores() {
                        return java.util.Set.of(WriteBackWindowStore.plain(
                                Stores.persistentWindowStore(STORE, Duration.ofHours(1), SIZE, false),
                                Serdes.String(), countingSerde, capacity, Map.of()).withLoggingDisabled());
                    }
                }, Named.as("noop"));
        driver = new TopologyTestDriver(builder.build(), properties(stateDir.resolve("store")));
        WriteBackWindowStore<String, String> store = WriteBackWindowStore.find(driver.getAllStateStores().get(STORE));
        store.setListener((key, windowStart, value) -> heard.accept(key + "@" + windowStart + "=" + value));
        return store;
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private Properties properties(Path dir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return props;
    }
}
