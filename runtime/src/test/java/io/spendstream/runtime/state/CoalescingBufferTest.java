package io.spendstream.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoalescingBufferTest {

    private static final String STORE = "pending";
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path stateDir;

    /** What the buffer handed out: {@code key=sum@offset of the record that last changed it}, or {@code drain}. */
    private final List<String> heard = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> in;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldHandOutOneSumPerKeyAtTheCommitInTheOrderTheKeysLastChanged() {
        open(100);
        // One record is one commit in the driver: its adds are summed until then.
        in.pipeInput("r", "a:1,b:2,a:3", T0);
        in.pipeInput("r", "c:5", T0);

        assertThat(heard).containsExactly("b=2@0", "a=4@0", "c=5@1");
        assertThat(buffer().size()).isZero();
    }

    @Test
    void shouldHandOutWhatIsPendingWhenAskedBeforeAnOutputThatMustFollowIt() {
        open(100);
        in.pipeInput("r", "a:1,b:2,drain,a:3", T0);

        assertThat(heard).containsExactly("a=1@0", "b=2@0", "drain", "a=3@0");
    }

    @Test
    void shouldHandOutEverythingAtOnceWhenMoreThanCapacityKeysArePending() {
        open(2);
        // The third key is one too many: all three go at once, inside the record; what follows waits for the commit.
        in.pipeInput("r", "a:1,b:1,c:1,a:5", T0);

        assertThat(heard).containsExactly("a=1@0", "b=1@0", "c=1@0", "a=5@0");
    }

    @Test
    void shouldDropWhatIsPendingWhenClosedOrRecycledAndHandOutNothingOfItAfter() {
        open(100);
        CoalescingBuffer<String, Long> buffer = buffer();
        buffer.add("a", 1L);
        buffer.clearCache();
        buffer.flushCache();
        assertThat(heard).isEmpty();

        buffer.add("b", 2L);
        buffer.close();
        assertThat(buffer.size()).isZero();
        assertThat(heard).isEmpty();
    }

    private CoalescingBuffer<String, Long> buffer() {
        return CoalescingBuffer.find(driver.getAllStateStores().get(STORE));
    }

    /** A processor adding each {@code key:amount} of a record's value to the buffer; {@code drain} drains it. */
    private void open(int capacity) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(new ProcessorSupplier<String, String, Void, Void>() {
                    @Override
                    public Processor<String, String, Void, Void> get() {
                        return new Processor<>() {
                            private CoalescingBuffer<String, Long> buffer;

                            @Override
                            public void init(ProcessorContext<Void, Void> context) {
                                buffer = CoalescingBuffer.find(context.getStateStore(STORE));
                                buffer.setDrain((key, sum) -> heard.add(key + "=" + sum + "@"
                                        + context.recordMetadata().orElseThrow().offset()));
                            }

                            @Override
                            public void process(Record<String, String> record) {
                                for (String add : record.value().split(",")) {
                                    if (add.equals("drain")) {
                                        buffer.drain();
                                        heard.add("drain");
                                    } else {
                                        String[] keyAndAmount = add.split(":");
                                        buffer.add(keyAndAmount[0], Long.parseLong(keyAndAmount[1]));
                                    }
                                }
                            }
                        };
                    }

                    @Override
                    public Set<StoreBuilder<?>> stores() {
                        return Set.of(CoalescingBuffer.<String, Long>builder(STORE, Long::sum, capacity));
                    }
                }, Named.as("adder"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "coalescing-buffer-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), props);
        in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
    }
}
