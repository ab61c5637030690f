package io.spendstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/** The one build path production, topology tests and tools share. */
class AppTopologyTest {

    private final String scope = "app-topology-" + UUID.randomUUID();
    private final SpendstreamConfig config = new SpendstreamConfig(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
            "k:9092", SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + scope));
    private final SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()),
            SchemaRegistryClients.fromConfig(config.asMap()));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PipelineMetrics metrics = new PipelineMetrics(meters);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldHandTheDeadLetterHandlersTheTopologysTopicsAndMetrics() {
        AppTopology built = AppTopology.build(app("counting", countingBy(Materialized.as("counts"))), config, topics,
                metrics);

        assertThat(built.properties().get(StreamsProperties.TOPICS)).isSameAs(topics);
        assertThat(built.properties().get(StreamsProperties.PIPELINE_METRICS)).isSameAs(metrics);
        assertThat(built.properties().get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("spendstream-counting");
        assertThat(built.topology().describe().subtopologies()).hasSize(1);
    }

    @Test
    void shouldCreateTheAppsDeadLetterCountersAtZeroBeforeTheFirstDeadLetter() {
        AppTopology.build(app("counting", countingBy(Materialized.as("counts"))), config, topics, metrics);

        assertThat(meters.find(PipelineMetrics.DEAD_LETTERED).tags("stage", "counting", "reason", "too-many")
                .counter()).as("the app's own reason").isNotNull().satisfies(c -> assertThat(c.count()).isZero());
        assertThat(meters.find(PipelineMetrics.RECORDS_IN).tags("stage", "counting").counter()).isNotNull();
    }

    @Test
    void shouldBuildWithTheAppsOwnConfigSoThatAnUnnamedStoreFails() {
        // A builder without the app's config would name the store KSTREAM-AGGREGATE-STATE-STORE-... silently.
        StreamsApp unnamed = app("unnamed", countingBy(Materialized.with(null, null)));

        assertThatThrownBy(() -> AppTopology.build(unnamed, config, topics, metrics))
                .isInstanceOf(TopologyException.class);
    }

    private static BiConsumer<StreamsBuilder, AppContext> countingBy(
            Materialized<byte[], Long, KeyValueStore<Bytes, byte[]>> store) {
        return (builder, context) -> builder
                .stream(context.topics().usageRaw.name(), context.topics().usageRaw.consumed("raw-source"))
                .groupByKey(Grouped.as("by-key"))
                .count(store);
    }

    private static StreamsApp app(String name, BiConsumer<StreamsBuilder, AppContext> topology) {
        return new StreamsApp() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AppTopics topics(SpendstreamTopics topics) {
                return new AppTopics(List.of(topics.usageRaw), List.of(), List.of(), topics.dlq);
            }

            @Override
            public void buildTopology(StreamsBuilder builder, AppContext context) {
                topology.accept(builder, context);
            }

            @Override
            public List<String> deadLetterReasons() {
                return List.of("too-many");
            }
        };
    }
}
