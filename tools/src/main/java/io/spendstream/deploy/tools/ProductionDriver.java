package io.spendstream.deploy.tools;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.AppTopology;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * An app's production topology in a {@link TopologyTestDriver}, built as production builds it
 * ({@link AppTopology}, from the app's defaults plus {@code overrides}), with RocksDB
 * state in {@code stateDir/<app>} and the in-memory schema registry of {@code registryScope} (see
 * {@link InMemorySchemaRegistry}): what the local tools ({@code state-size}, {@code value-bench}) drive.
 */
public record ProductionDriver(TopologyTestDriver driver, SpendstreamTopics topics) implements AutoCloseable {

    public static ProductionDriver of(StreamsApp app, Path stateDir, String registryScope,
            Map<String, String> overrides, Instant start) {
        Map<String, String> settings = new HashMap<>(app.defaults());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "local-driver:9092");
        settings.put(SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + registryScope);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(app.name()).toString());
        settings.putAll(overrides);
        SpendstreamConfig config = new SpendstreamConfig(settings);
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()),
                SchemaRegistryClients.fromConfig(config.asMap()));
        AppTopology built = AppTopology.build(app, config, topics, new PipelineMetrics(new SimpleMeterRegistry()));
        return new ProductionDriver(new TopologyTestDriver(built.topology(), built.properties(), start), topics);
    }

    @Override
    public void close() {
        driver.close();
    }
}
