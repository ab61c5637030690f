package io.spendstream.deploy.bench;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;

/**
 * The benchmark's ceiling: a Kafka Streams app that copies {@code spend.usage.raw} and {@code spend.apm.raw} byte for
 * byte to one output topic ({@value #OUTPUT}, created by the benchmark with the same partitions), or, with
 * {@value #LOOP}, each record back to the end of the topic it came from (same key, so the same partition): a loop
 * whose input never runs out, whatever its rate, the clock or the bench's generator (the throughput phase). Either
 * way one read and one write of the same record per record. It runs through the same
 * {@link io.spendstream.runtime.StreamsAppRunner} as the Spendstream apps, so it has their client settings
 * (exactly_once_v2, read_committed, producer batching, dead-letter handlers, metrics): the difference between its
 * rate and an app's is what the app's own work costs. Keeps no state.
 */
public final class PassThroughApp implements StreamsApp {

    public static final String NAME = "passthrough";
    /** The topic the copies go to. */
    public static final String OUTPUT = "spendstream.bench.passthrough.output";
    /** {@code true}: each record goes back to its own topic instead of {@value #OUTPUT} (which is then not read). */
    public static final String LOOP = "spendstream.bench.passthrough.loop";

    @Override
    public String name() {
        return NAME;
    }

    /** The raw inputs; the output is the bench's own topic, named by {@value #OUTPUT}, not a Spendstream topic. */
    @Override
    public AppTopics topics(SpendstreamTopics topics) {
        return new AppTopics(List.of(topics.usageRaw, topics.apmRaw), List.of(), List.of(), topics.dlq);
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        SpendstreamTopics topics = context.topics();
        KStream<byte[], byte[]> usage = builder.stream(topics.usageRaw.name(),
                topics.usageRaw.consumed("passthrough-usage-source"));
        KStream<byte[], byte[]> apm = builder.stream(topics.apmRaw.name(),
                topics.apmRaw.consumed("passthrough-apm-source"));
        if (Boolean.parseBoolean(context.config().get(LOOP, "false"))) {
            usage.to(topics.usageRaw.name(), topics.usageRaw.produced("passthrough-usage-loop"));
            apm.to(topics.apmRaw.name(), topics.apmRaw.produced("passthrough-apm-loop"));
            return;
        }
        Topic<byte[], byte[]> output = new Topic<>(context.config().require(OUTPUT), Serdes.ByteArray(),
                Serdes.ByteArray(), false);
        usage.merge(apm, Named.as("passthrough-merge")).to(output.name(), output.produced("passthrough-sink"));
    }
}
