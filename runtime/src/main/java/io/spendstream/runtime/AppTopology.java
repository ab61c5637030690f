package io.spendstream.runtime;

import java.util.Properties;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * One app's topology as production builds it, with the Kafka Streams properties it was built with (pass both to
 * {@code KafkaStreams} or a {@code TopologyTestDriver}). {@link StreamsAppRunner} builds through here, and so do the
 * topology tests, the tools' drivers and the ops checks, so that none of them runs a topology production would not.
 * Each caller keeps its own configuration source and its own topics (the runner's wait out registry outages); only
 * the build is shared. Does no I/O itself: {@code buildTopology} must not either.
 */
public record AppTopology(Topology topology, Properties properties) {

    /**
     * Creates the app's dead-letter counters in {@code metrics} at 0 (under the stage the dead-letter handlers count
     * in, {@link StreamsProperties} sets it to the app's name), builds its {@link StreamsProperties} with
     * {@code topics} for the handlers, then its topology with a builder that has the app's own config.
     *
     * @throws IllegalArgumentException for a configuration {@link StreamsProperties} refuses
     */
    public static AppTopology build(StreamsApp app, SpendstreamConfig config, SpendstreamTopics topics,
            PipelineMetrics metrics) {
        // Created at 0 before the first dead letter, so that increase() in an alert sees it.
        metrics.expectStage(app.name());
        metrics.expectDeadLetters(app.name(), app.deadLetterReasons());
        Properties props = StreamsProperties.build(app, config, metrics);
        // The dead-letter handlers write with the topology's own serdes, whose schema ids the runner registers at
        // start-up: a dead letter then never needs the registry.
        props.put(StreamsProperties.TOPICS, topics);
        // A bare StreamsBuilder() builds with defaults (and says so in a WARN), not with the app's config.
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        app.buildTopology(builder, new AppContext(topics, config, metrics));
        return new AppTopology(builder.build(props), props);
    }
}
