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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.demo.DemoIncidentFeed;
import io.spendstream.deploy.demo.DemoScenario;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.runtime.RunningApp;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Every metric the alerting rules and the Grafana dashboard use is one the apps really serve: the four apps run on
 * an in-process broker (as {@code spendstream up} runs them), get demo traffic with a cost incident and a record
 * that is not JSON, and their {@code /metrics} are scraped until every name has appeared. Meters that only exist
 * once something happened (a dead letter, an alert) are why the traffic has both. The notifier's meters
 * ({@link MonitoredMetrics#notifierNames()}) are checked on its own scrape in {@code NotifyIntegrationTest}.
 */
class MonitoredMetricsExistTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void shouldServeEveryMetricTheRulesAndTheDashboardUse() throws Exception {
        Set<String> wanted = MonitoredMetrics.streamAppNames();
        // The extraction found the metrics it should, so an empty or partial set cannot pass by accident.
        assertThat(wanted).contains("spendstream_records_in_total", "spendstream_records_dead_lettered_total",
                "spendstream_anomalies_open", "spendstream_enrich_unallocated_share",
                "kafka_consumer_fetch_manager_records_lag", "kafka_stream_client_state", "jvm_memory_used_bytes");

        try (LocalPipeline pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(),
                FreePorts.next(), 0, true, Map.of("spendstream.application.id.prefix",
                        "ops-" + UUID.randomUUID().toString().substring(0, 8) + "-")))) {
            sendDemoTrafficWithAnIncidentAndABadRecord(pipeline);
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
}
