package io.spendstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/** The production lifecycle without a broker: what an operator sees while the cluster is unreachable. */
class StreamsAppRunnerTest {

    /** Copies spend.usage.raw to spend.apm.raw unchanged. */
    static final class PassThroughApp implements StreamsApp {
        @Override
        public String name() {
            return "pass-through";
        }

        @Override
        public AppTopics topics(SpendstreamTopics topics) {
            return new AppTopics(List.of(topics.usageRaw), List.of(), List.of(topics.apmRaw), topics.dlq);
        }

        @Override
        public void buildTopology(StreamsBuilder builder, AppContext context) {
            var topics = context.topics();
            builder.stream(topics.usageRaw.name(), topics.usageRaw.consumed("raw-source"))
                    .to(topics.apmRaw.name(), topics.apmRaw.produced("raw-sink"));
        }
    }

    private final String scope = "runner-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path stateDir;

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldServeHealthAndMetricsWhileWaitingForTheClusterAndStopGracefully() throws Exception {
        RunningApp running = StreamsAppRunner.start(new PassThroughApp(), config(Map.of()));
        URI base;
        try {
            assertThat(running.applicationId()).isEqualTo("spendstream-pass-through");
            assertThat(running.metricsPort()).isPositive();
            base = URI.create("http://127.0.0.1:" + running.metricsPort());

            assertThat(get(base.resolve("/health")).statusCode()).isEqualTo(200);
            assertThat(get(base.resolve("/ready")).statusCode()).isEqualTo(503);
            assertThat(running.isReady()).isFalse();
            assertThat(running.awaitReady(Duration.ofMillis(200))).isFalse();

            String metrics = get(base.resolve("/metrics")).body();
            assertThat(metrics).contains("jvm_memory_used_bytes")
                    .contains("kafka_stream_")
                    .contains("application=\"spendstream-pass-through\"");
        } finally {
            running.close();
        }

        assertThat(running.streams().state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        assertThat(running.fatalError()).isEmpty();
        assertThatThrownBy(() -> get(base.resolve("/health"))).isInstanceOf(IOException.class);
        running.awaitTermination();
    }

    @Test
    void shouldFailFastNamingTheSettingWhenTheMetricsPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            SpendstreamConfig config = config(Map.of("spendstream.metrics.port",
                    Integer.toString(taken.getLocalPort())));

            assertThatThrownBy(() -> StreamsAppRunner.start(new PassThroughApp(), config))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("spendstream.metrics.port");
        }
    }

    @Test
    void shouldGiveTheTopicCreatorOnlyAdminSettings() {
        Properties props = new Properties();
        props.putAll(Map.of("bootstrap.servers", "k:9092", "security.protocol", "SASL_SSL",
                "admin.request.timeout.ms", "5000", "num.stream.threads", "2", "spendstream.topics.partitions", "4"));

        Map<String, Object> admin = StreamsAppRunner.adminConfig("spendstream-ingest", props);

        assertThat(admin).containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("request.timeout.ms", "5000")
                .containsEntry("client.id", "spendstream-ingest-topic-creator")
                .doesNotContainKeys("num.stream.threads", "spendstream.topics.partitions", "admin.request.timeout.ms");
    }

    private SpendstreamConfig config(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        // Nothing listens on port 9: the client keeps trying, as it would while a cluster is down.
        settings.put("bootstrap.servers", "127.0.0.1:9");
        settings.put(SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + scope);
        settings.put("spendstream.topics.create", "false");
        settings.put("spendstream.metrics.port", "0");
        settings.put("spendstream.metrics.address", "127.0.0.1");
        settings.put(StreamsProperties.STATE_DIR, stateDir.toString());
        settings.put("spendstream.shutdown.timeout", "15s");
        settings.putAll(overrides);
        return new SpendstreamConfig(settings);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
