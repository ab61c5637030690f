package io.spendstream.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void shouldApplyBuiltInDefaultsWhenNothingElseIsSet() {
        SpendstreamConfig config = ConfigLoader.load(Map.of(), Optional.empty(), Map.of(), Map.of());

        assertThat(config.asMap()).containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("schema.registry.url", "http://localhost:8081")
                .containsEntry("spendstream.reporting.currency", "USD")
                .containsEntry("spendstream.topics.create", "true")
                .containsEntry("spendstream.topics.partitions", "4")
                .containsEntry("spendstream.topics.replication.factor", "-1")
                .containsEntry("spendstream.metrics.port", "9400");
    }

    @Test
    void shouldLetEachLayerOverrideTheOneBelow() throws IOException {
        Path file = write("app.properties", """
                spendstream.metrics.port = 9500
                spendstream.reporting.currency=EUR
                bootstrap.servers=file:9092
                spendstream.topics.partitions=12
                """);
        Map<String, String> appDefaults = Map.of("spendstream.metrics.port", "9401", "spendstream.topics.partitions", "8",
                "spendstream.anomaly.threshold", "0.9");
        Map<String, String> env = Map.of("SPENDSTREAM_REPORTING_CURRENCY", "GBP", "KAFKA_BOOTSTRAP_SERVERS", "env:9092");
        Map<String, String> overrides = Map.of("bootstrap.servers", "cli:9092");

        SpendstreamConfig config = ConfigLoader.load(appDefaults, Optional.of(file), env, overrides);

        assertThat(config.get("schema.registry.url", null)).as("built-in").isEqualTo("http://localhost:8081");
        assertThat(config.get("spendstream.anomaly.threshold", null)).as("app default").isEqualTo("0.9");
        assertThat(config.getInt("spendstream.topics.partitions", 0)).as("file over app default").isEqualTo(12);
        assertThat(config.getInt("spendstream.metrics.port", 0)).as("file value, trimmed").isEqualTo(9500);
        assertThat(config.get("spendstream.reporting.currency", null)).as("env over file").isEqualTo("GBP");
        assertThat(config.get("bootstrap.servers", null)).as("command line over env").isEqualTo("cli:9092");
    }

    @Test
    void shouldLetAppDefaultsOverrideBuiltInDefaults() {
        SpendstreamConfig config = ConfigLoader.load(Map.of("spendstream.metrics.port", "9403"), Optional.empty(),
                Map.of(), Map.of());

        assertThat(config.getInt("spendstream.metrics.port", 0)).isEqualTo(9403);
    }

    @Test
    void shouldMapEnvironmentVariableNamesToKeys() {
        assertThat(ConfigLoader.envKey("SPENDSTREAM_FOO_BAR")).contains("spendstream.foo.bar");
        assertThat(ConfigLoader.envKey("SPENDSTREAM_TOPIC_USAGE__RAW")).contains("spendstream.topic.usage-raw");
        assertThat(ConfigLoader.envKey("SPENDSTREAM_SCHEMA_REGISTRY_URL")).contains("schema.registry.url");
        assertThat(ConfigLoader.envKey("SPENDSTREAM_BASIC_AUTH_USER_INFO")).contains("basic.auth.user.info");
        assertThat(ConfigLoader.envKey("KAFKA_BOOTSTRAP_SERVERS")).contains("bootstrap.servers");
        assertThat(ConfigLoader.envKey("KAFKA_SASL_JAAS_CONFIG")).contains("sasl.jaas.config");
        assertThat(ConfigLoader.envKey("KAFKA_NUM_STREAM_THREADS")).contains("num.stream.threads");
        assertThat(ConfigLoader.envKey("KAFKA_CONSUMER_MAX_POLL_RECORDS")).contains("consumer.max.poll.records");
        assertThat(ConfigLoader.envKey("KAFKA_TOPIC_MIN_INSYNC_REPLICAS")).contains("topic.min.insync.replicas");
    }

    @Test
    void shouldIgnoreVariablesThatAreNotSettings() {
        assertThat(ConfigLoader.envKey("PATH")).isEmpty();
        assertThat(ConfigLoader.envKey("SPENDSTREAM_")).isEmpty();
        // Launcher scripts and Kubernetes service links, not client settings.
        assertThat(ConfigLoader.envKey("KAFKA_HOME")).isEmpty();
        assertThat(ConfigLoader.envKey("KAFKA_HEAP_OPTS")).isEmpty();
        assertThat(ConfigLoader.envKey("KAFKA_PORT")).isEmpty();
        assertThat(ConfigLoader.envKey("KAFKA_SERVICE_HOST")).isEmpty();
    }

    @Test
    void shouldTreatEmptyEnvironmentVariablesAsUnset() {
        SpendstreamConfig config = ConfigLoader.load(Map.of(), Optional.empty(),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "", "SPENDSTREAM_TOPIC_USAGE__RAW", "raw.usage", "HOME", "/root"),
                Map.of());

        assertThat(config.get("bootstrap.servers", null)).isEqualTo("localhost:9092");
        assertThat(config.get("spendstream.topic.usage-raw", null)).isEqualTo("raw.usage");
        assertThat(config.asMap()).doesNotContainKey("home");
    }

    @Test
    void shouldNameTheFileWhenItDoesNotExist() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Optional.of(missing), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldRefuseADirectoryAsConfigFile() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Optional.of(dir), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a regular file");
    }

    @Test
    void shouldExplainAFileThatIsNotUtf8() throws IOException {
        Path file = dir.resolve("latin1.properties");
        Files.write(file, "spendstream.reporting.currency=\u00a3\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Optional.of(file), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
