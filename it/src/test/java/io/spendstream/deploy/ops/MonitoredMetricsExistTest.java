package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.attribution.AttributionApp;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.demo.DemoIncidentFeed;
import io.spendstream.deploy.demo.DemoScenario;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.runtime.AppTopology;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * What Prometheus scrapes from the apps is what the ops files rely on. The four apps run on an in-process broker (as
 * {@code spendstream up} runs them, one pipeline for both checks: the Kafka binder picks up new Kafka metrics every
 * ten seconds, {@code ClientMeters.REFRESH}) and get demo traffic with a cost incident and a record
 * that is not JSON; their {@code /metrics} are scraped until
 * <ul>
 * <li>every metric the alerting rules and the Grafana dashboard use has appeared (meters that only exist once
 *     something happened, a dead letter, an alert, are why the traffic has both; the notifier's meters,
 *     {@link MonitoredMetrics#notifierNames()}, are checked on its own scrape in {@code NotifyIntegrationTest});</li>
 * <li>every state store of every app is there: RocksDB's memory and disk figures, which the dashboard and
 *     docs/deployment.md sum per pod, for each store of the app's topology.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoredMetricsExistTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** {@code kafka_stream_state_<metric>{...store="<name>"...}}: the metric and the store. */
    private static final Pattern STORE_SERIES = Pattern.compile("^(kafka_stream_state_[a-z_]+)\\{[^}]*store=\"([^\"]+)\"");

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;

    @BeforeAll
    void startPipelineWithTraffic() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0, true,
                Map.of("spendstream.application.id.prefix", "ops-" + UUID.randomUUID().toString().substring(0, 8)
                        + "-")));
        sendDemoTrafficWithAnIncidentAndABadRecord(pipeline);
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldServeEveryMetricTheRulesAndTheDashboardUse() {
        Set<String> wanted = MonitoredMetrics.streamAppNames();
        // The extraction found the metrics it should, so an empty or partial set cannot pass by accident.
        assertThat(wanted).contains("spendstream_records_in_total", "spendstream_records_dead_lettered_total",
                "spendstream_anomalies_open", "spendstream_enrich_unallocated_share",
                "kafka_consumer_fetch_manager_records_lag", "kafka_stream_client_state", "jvm_memory_used_bytes");
        Set<String> served = new TreeSet<>();
        await("every metric of the rules and the dashboard served by an app; missing: "
                + "the names in the failure below")
                .atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (RunningApp app : pipeline.apps()) {
                        served.addAll(MonitoredMetrics.namesIn(scrape(app)));
                    }
                    assertThat(served).as("metric names served by the four apps").containsAll(wanted);
                });
    }

    @Test
    void shouldExposeTheRocksDbMetricsOfEveryRocksDbStoreOfEveryApp() {
        await("all apps RUNNING").atMost(Duration.ofMinutes(2)).until(pipeline::isReady);
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String name : Apps.names()) {
            expected.put(name, storeNames(topology(Apps.create(name)).describe()));
        }
        assertThat(expected.get("attribution")).as("attribution's stores").hasSizeGreaterThan(5);
        assertThat(expected.get("anomaly")).as("anomaly's stores").hasSizeGreaterThan(5);
        // Attribution's coalescing buffers live in memory until each commit: no RocksDB, so no RocksDB metrics.
        assertThat(expected.get("attribution")).as("attribution's stores")
                .containsAll(AttributionApp.MEMORY_ONLY_STORES);
        expected.get("attribution").removeAll(AttributionApp.MEMORY_ONLY_STORES);

        for (RunningApp app : pipeline.apps()) {
            String name = app.applicationId().substring(app.applicationId().lastIndexOf('-') + 1);
            await(name + "'s store metrics").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5))
                    .untilAsserted(() -> {
                        Map<String, Set<String>> storesByMetric = storesByMetric(scrape(app));
                        for (String metric : Set.of("kafka_stream_state_size_all_mem_tables",
                                "kafka_stream_state_block_cache_usage", "kafka_stream_state_total_sst_files_size",
                                "kafka_stream_state_estimate_num_keys")) {
                            assertThat(storesByMetric.getOrDefault(metric, Set.of())).as(name + ": " + metric)
                                    .containsExactlyInAnyOrderElementsOf(expected.get(name));
                        }
                    });
        }
    }

    private static void sendDemoTrafficWithAnIncidentAndABadRecord(LocalPipeline pipeline) {
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(pipeline.registryUrl(), null));
        DemoIncidentFeed.send(pipeline, topics, new DemoScenario(11), Duration.ZERO);
    }

    private static String scrape(RunningApp app) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + app.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /metrics of %s", app.applicationId()).isEqualTo(200);
        return response.body();
    }

    /** The app's topology as StreamsAppRunner builds it (same defaults, same registry). */
    private Topology topology(StreamsApp app) {
        SpendstreamConfig config = ConfigLoader.load(app.defaults(), Optional.empty(), Map.of(),
                Map.of("bootstrap.servers", pipeline.bootstrapServers(), "schema.registry.url", pipeline.registryUrl(),
                        "spendstream.state.dir", dataDir.resolve("describe").toString()));
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()),
                SchemaRegistryClients.fromConfig(config.asMap()));
        return AppTopology.build(app, config, topics, new PipelineMetrics(new SimpleMeterRegistry())).topology();
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
}
