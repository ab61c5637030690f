package io.spendstream.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.AppTopology;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * A {@link TopologyTestDriver} around one app, built exactly as production builds it ({@link AppTopology}), with an
 * in-memory schema registry of its own, a fixed start time, a private state directory and a
 * {@link SimpleMeterRegistry} to assert metrics. Close it (try-with-resources).
 */
public final class TopologyFixture implements AutoCloseable {

    /** Stream time at start: 2026-11-23T10:00:00Z. */
    public static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    private final TopologyTestDriver driver;
    private final SpendstreamTopics topics;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Path stateDir;
    private final String registryScope;
    private final Topology topology;

    private TopologyFixture(StreamsApp app, Map<String, String> overrides) {
        try {
            stateDir = Files.createTempDirectory("spendstream-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registryScope = "ttd-" + UUID.randomUUID();
        Map<String, String> settings = new HashMap<>(app.defaults());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "ttd:9092");
        settings.put(SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + registryScope);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.putAll(overrides);
        SpendstreamConfig config = new SpendstreamConfig(settings);
        topics = new SpendstreamTopics(TopicNames.from(config.asMap()), SchemaRegistryClients.fromConfig(config.asMap()));
        AppTopology built = AppTopology.build(app, config, topics, new PipelineMetrics(meters));
        topology = built.topology();
        driver = new TopologyTestDriver(topology, built.properties(), START);
    }

    public static TopologyFixture of(StreamsApp app) {
        return of(app, Map.of());
    }

    public static TopologyFixture of(StreamsApp app, Map<String, String> overrides) {
        return new TopologyFixture(app, overrides);
    }

    public <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                START, java.time.Duration.ZERO);
    }

    public <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    public SpendstreamTopics topics() {
        return topics;
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    public Topology topology() {
        return topology;
    }

    public SimpleMeterRegistry meters() {
        return meters;
    }

    /** Sum of a counter over all its tag combinations that match the given tags (0 when never incremented). */
    public double count(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
