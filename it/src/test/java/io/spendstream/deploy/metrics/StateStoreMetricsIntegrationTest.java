package io.spendstream.deploy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.runtime.RunningApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsProperties;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Every state store of every app is in its {@code /metrics}: the four apps on a real broker, scraped like
 * Prometheus does. Micrometer's Kafka binder picks up new Kafka metrics once a minute, so a store's meters appear
 * up to a minute after the store opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateStoreMetricsIntegrationTest {

    /** {@code kafka_stream_state_<metric>{...store="<name>"...}}: the metric and the store. */
    private static final Pattern STORE_SERIES = Pattern.compile("^(kafka_stream_state_[a-z_]+)\\{[^}]*store=\"([^\"]+)\"");

    @TempDir
    static Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalPipeline pipeline;

    @BeforeAll
    void startPipeline() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0, true,
                Map.of("spendstream.application.id.prefix", "it-" + UUID.randomUUID().toString().substring(0, 8)
                        + "-")));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldExposeTheRocksDbMetricsOfEveryStoreOfEveryApp() {
        await("all apps RUNNING").atMost(Duration.ofMinutes(2)).until(pipeline::isReady);
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String name : Apps.names()) {
            expected.put(name, storeNames(topology(Apps.create(name)).describe()));
        }
        assertThat(expected.get("attribution")).as("attribution's stores").hasSizeGreaterThan(5);
        assertThat(expected.get("anomaly")).as("anomaly's stores").hasSizeGreaterThan(5);

        for (RunningApp app : pipeline.apps()) {
            String name = app.applicationId().substring(app.applicationId().lastIndexOf('-') + 1);
            await(name + "'s store metrics").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5))
                    .untilAsserted(() -> {
                        Map<String, Set<String>> storesByMetric = storesByMetric(scrape(app));
                        // RocksDB's memory and disk figures, which the dashboard and docs/deployment.md sum per pod.
                        for (String metric : Set.of("kafka_stream_state_size_all_mem_tables",
                                "kafka_stream_state_block_cache_usage", "kafka_stream_state_total_sst_files_size",
                                "kafka_stream_state_estimate_num_keys")) {
                            assertThat(storesByMetric.getOrDefault(metric, Set.of())).as(name + ": " + metric)
                                    .containsExactlyInAnyOrderElementsOf(expected.get(name));
                        }
                    });
        }
    }

    /** The app's topology as StreamsAppRunner builds it (same defaults, same registry). */
    private Topology topology(StreamsApp app) {
        SpendstreamConfig config = ConfigLoader.load(app.defaults(), Optional.empty(), Map.of(),
                Map.of("bootstrap.servers", pipeline.bootstrapServers(), "schema.registry.url", pipeline.registryUrl(),
                        "spendstream.state.dir", dataDir.resolve("describe").toString()));
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()),
                SchemaRegistryClients.fromConfig(config.asMap()));
        PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
        Properties props = StreamsProperties.build(app, config, metrics);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        app.buildTopology(builder, new AppContext(topics, config, metrics));
        return builder.build(props);
    }

    private static Set<String> storeNames(TopologyDescription description) {
        Set<String> stores = new TreeSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));
        description.globalStores().forEach(global -> stores.addAll(global.processor().stores()));
        return stores;
    }

    private static Map<String, Set<String>> storesByMetric(String scrape) {
        Map<String, Set<String>> stores = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            Matcher matcher = STORE_SERIES.matcher(line);
            if (matcher.find()) {
                stores.computeIfAbsent(matcher.group(1), k -> new TreeSet<>()).add(matcher.group(2));
            }
        }
        return stores;
    }

    private String scrape(RunningApp app) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(app.metricsUrl())
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
