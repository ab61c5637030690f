package io.spendstream.attribution;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Several inputs in one commit of one task, in a TopologyTestDriver (which commits after each record it is given):
 * the test pipes the number of a batch, and the app turns it into the batch's inputs, in order, all processed before
 * the driver commits. What a running task does with a commit interval's records, for the tests of what is summed
 * until the commit.
 */
final class CommitBatches<T> {

    static final String TOPIC = "test-commit-batches";

    private final List<List<KeyValue<String, T>>> batches = new ArrayList<>();
    private TestInputTopic<String, Integer> input;

    /** The app: {@code build} gets the inputs of each batch, in order, keyed as given. */
    StreamsApp app(BiConsumer<KStream<String, T>, AppContext> build) {
        return new StreamsApp() {
            @Override
            public String name() {
                return AttributionApp.NAME;
            }

            @Override
            public AppTopics topics(SpendstreamTopics topics) {
                return new AttributionApp().topics(topics);
            }

            @Override
            public void buildTopology(StreamsBuilder builder, AppContext context) {
                KStream<String, T> inputs = builder.stream(TOPIC, Consumed.with(Serdes.String(), Serdes.Integer())
                                .withName("test-batch-source"))
                        .flatMap((key, batch) -> batches.get(batch), Named.as("test-batch-inputs"));
                build.accept(inputs, context);
            }
        };
    }

    void connect(TopologyFixture fixture) {
        input = fixture.driver().createInputTopic(TOPIC, new StringSerializer(), new IntegerSerializer());
    }

    /** Processes {@code inputs} in one commit. */
    void commit(List<KeyValue<String, T>> inputs) {
        batches.add(List.copyOf(inputs));
        input.pipeInput("batch", batches.size() - 1, TopologyFixture.START);
    }

    /** Processes {@code inputs} in commits of {@code size} inputs each (the last one may be smaller). */
    void commitInBatchesOf(List<KeyValue<String, T>> inputs, int size) {
        for (int from = 0; from < inputs.size(); from += size) {
            commit(inputs.subList(from, Math.min(inputs.size(), from + size)));
        }
    }
}
