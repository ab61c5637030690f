package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class MetricsServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private MetricsServer server;

    @TempDir
    java.nio.file.Path stateDir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    @Test
    void shouldServePipelineMetricsInPrometheusFormat() throws Exception {
        new PipelineMetrics(registry).recordIn("ingest");
        new PipelineMetrics(registry).deadLettered("ingest", "invalid-json");
        server = start(new StreamsHealth("spendstream-ingest", state::get));

        HttpResponse<String> response = get("/metrics", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body())
                .contains("spendstream_records_in_total{stage=\"ingest\"} 1.0")
                .contains("spendstream_records_dead_lettered_total{reason=\"invalid-json\",stage=\"ingest\"} 1.0");
    }

    @Test
    void shouldServeOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        new PipelineMetrics(registry).recordIn("enrich");
        server = start(new StreamsHealth("spendstream-enrich", state::get));

        HttpResponse<String> response = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(response.body()).contains("spendstream_records_in_total{stage=\"enrich\"} 1.0").endsWith("# EOF\n");
    }

    @Test
    void shouldBeHealthyButNotReadyWhileStartingAndReadyWhenRunning() throws Exception {
        server = start(new StreamsHealth("spendstream-anomaly", state::get));

        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/ready", null).statusCode()).isEqualTo(503);

        state.set(KafkaStreams.State.REBALANCING);
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/ready", null).statusCode()).isEqualTo(503);

        state.set(KafkaStreams.State.RUNNING);
        HttpResponse<String> ready = get("/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("ready").asBoolean()).isTrue();
        assertThat(body.get("state").asText()).isEqualTo("RUNNING");
        assertThat(body.get("applicationId").asText()).isEqualTo("spendstream-anomaly");
    }

    @Test
    void shouldBeNotReadyWhileADependencyIsDownAndSaySinceWhenAndWhy() throws Exception {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-06T20:00:00Z");
        java.time.Clock clock = java.time.Clock.fixed(t0, java.time.ZoneOffset.UTC);
        Dependency kafka = new Dependency(Dependency.KAFKA, "spendstream-enrich", "it waits", registry, clock);
        Dependency schemaRegistry = new Dependency(Dependency.SCHEMA_REGISTRY, "spendstream-enrich", "it waits",
                registry, clock);
        server = start(new StreamsHealth("spendstream-enrich", state::get, java.util.List.of(kafka, schemaRegistry)));
        state.set(KafkaStreams.State.RUNNING);
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);

        schemaRegistry.failed("unauthorized", "HTTP 401");
        schemaRegistry.failed("unauthorized", "HTTP 401 again");
        HttpResponse<String> ready = get("/ready", null);

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(ready.body());
        assertThat(body.get("state").asText()).isEqualTo("RUNNING");
        assertThat(body.at("/waitingFor/schema-registry/since").asText()).isEqualTo(t0.toString());
        assertThat(body.at("/waitingFor/schema-registry/error").asText()).isEqualTo("HTTP 401 again");
        assertThat(body.at("/waitingFor/kafka").isMissingNode()).isTrue();
        assertThat(get("/metrics", null).body())
                .contains("spendstream_dependency_up{dependency=\"schema-registry\"} 0.0")
                .contains("spendstream_dependency_up{dependency=\"kafka\"} 1.0")
                .contains("spendstream_dependency_failures_total{dependency=\"schema-registry\","
                        + "reason=\"unauthorized\"} 2.0");

        schemaRegistry.answered();
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
        kafka.failed("timeout", "no answer");
        assertThat(get("/ready", null).statusCode()).isEqualTo(503);
    }

    @Test
    void shouldReportAFailedClientAsUnhealthyWithItsError() throws Exception {
        StreamsHealth health = new StreamsHealth("spendstream-attribution", state::get);
        server = start(health);
        state.set(KafkaStreams.State.PENDING_ERROR);
        assertThat(get("/health", null).statusCode()).isEqualTo(503);

        health.recordFatalError(new IllegalStateException("state directory vanished"));
        state.set(KafkaStreams.State.ERROR);
        HttpResponse<String> response = get("/health", null);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("state").asText()).isEqualTo("ERROR");
        assertThat(body.get("error").asText()).contains("IllegalStateException").contains("state directory vanished");
        assertThat(get("/ready", null).statusCode()).isEqualTo(503);
    }

    @Test
    void shouldFollowARealKafkaStreamsClientFromCreatedToClosed() throws Exception {
        KafkaStreams streams = unstartedClient();
        try {
            server = start(StreamsHealth.of("spendstream-health-test", streams));
            assertThat(get("/health", null).statusCode()).isEqualTo(200);
            assertThat(get("/ready", null).statusCode()).isEqualTo(503);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }

        HttpResponse<String> afterClose = get("/health", null);
        assertThat(afterClose.statusCode()).isEqualTo(503);
        assertThat(afterClose.body()).contains("\"state\":\"NOT_RUNNING\"");
    }

    @Test
    void shouldProbeAProcessWithoutKafkaStreamsThroughItsOwnHealthSource() throws Exception {
        AtomicReference<HealthReport> report = new AtomicReference<>(
                new HealthReport(true, false, Map.of("state", "REBUILDING")));
        server = start(report::get);

        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> starting = get("/ready", null);
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.body()).isEqualTo("{\"status\":\"UP\",\"ready\":false,\"state\":\"REBUILDING\"}\n");

        report.set(new HealthReport(true, true, Map.of("state", "DELIVERING")));
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);

        report.set(new HealthReport(false, false, Map.of("state", "FAILED")));
        HttpResponse<String> failed = get("/health", null);
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(failed.body()).get("status").asText()).isEqualTo("DOWN");
        assertThat(get("/ready", null).statusCode()).isEqualTo(503);
    }

    @Test
    void shouldAnswerUnknownPathsAndMethodsWithErrors() throws Exception {
        server = start(new StreamsHealth("spendstream-ingest", state::get));

        assertThat(get("/metricsx", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(url("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void shouldNameTheSettingWhenThePortIsTaken() {
        server = start(new StreamsHealth("spendstream-ingest", state::get));
        InetSocketAddress taken = new InetSocketAddress("127.0.0.1", server.port());

        assertThatThrownBy(() -> MetricsServer.start(taken, registry, new StreamsHealth("other", state::get)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("spendstream.metrics.port");
    }

    private MetricsServer start(HealthSource health) {
        MetricsServer started = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                registry, health);
        assertThat(started.port()).isPositive();
        return started;
    }

    private KafkaStreams unstartedClient() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.<byte[], byte[]>as("in-source"))
                .to("out", Produced.as("out-sink"));
        Properties props = new Properties();
        props.putAll(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "spendstream-health-test",
                // Never contacted: the client is closed without being started.
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9",
                StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
        return new KafkaStreams(builder.build(), props);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
