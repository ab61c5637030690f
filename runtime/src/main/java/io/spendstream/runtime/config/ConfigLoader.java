package io.spendstream.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.spendstream.runtime.StreamsApp;

/**
 * Resolves the configuration of one app from five layers, each overriding the one before:
 *
 * <ol>
 * <li>built-in defaults ({@link #BUILT_IN_DEFAULTS}),</li>
 * <li>the app's own defaults ({@link StreamsApp#defaults()}, e.g. its metrics port),</li>
 * <li>a properties file ({@code --config FILE}, UTF-8; values are trimmed),</li>
 * <li>environment variables (see below),</li>
 * <li>command-line overrides ({@code key=value}).</li>
 * </ol>
 *
 * <h2>Environment variables</h2>
 * <table>
 * <caption>How a variable name becomes a key</caption>
 * <tr><th>variable</th><th>key</th></tr>
 * <tr><td>{@code SPENDSTREAM_SCHEMA_REGISTRY_URL}</td><td>{@code schema.registry.url}</td></tr>
 * <tr><td>{@code SPENDSTREAM_BASIC_AUTH_USER_INFO}</td><td>{@code basic.auth.user.info}</td></tr>
 * <tr><td>{@code SPENDSTREAM_FOO_BAR}</td><td>{@code spendstream.foo.bar}</td></tr>
 * <tr><td>{@code SPENDSTREAM_TOPIC_USAGE__RAW}</td><td>{@code spendstream.topic.usage-raw} ({@code __} is a dash)</td></tr>
 * <tr><td>{@code KAFKA_BOOTSTRAP_SERVERS}</td><td>{@code bootstrap.servers}</td></tr>
 * <tr><td>{@code KAFKA_CONSUMER_MAX_POLL_RECORDS}</td><td>{@code consumer.max.poll.records}</td></tr>
 * </table>
 * Names are case-insensitive after the prefix (keys are lower case). A {@code KAFKA_*} variable is used only when
 * it names a Kafka Streams, consumer, producer or admin setting (optionally with a {@code consumer.},
 * {@code producer.}, {@code admin.}, {@code main.consumer.}, {@code restore.consumer.}, {@code global.consumer.} or
 * {@code topic.} prefix): launchers and Kubernetes set {@code KAFKA_HOME}, {@code KAFKA_OPTS},
 * {@code KAFKA_HEAP_OPTS} or {@code KAFKA_PORT=tcp://...} (for a Service named kafka), which are not client
 * settings. An empty variable counts as unset, because orchestrators often pass empty values for "not configured".
 *
 * <h2>Keys</h2>
 * <table>
 * <caption>Settings the runtime reads (apps document their own {@code spendstream.<app>.*} keys)</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code bootstrap.servers}</td><td>{@code localhost:9092}</td><td>Kafka brokers</td></tr>
 * <tr><td>{@code schema.registry.url}</td><td>{@code http://localhost:8081}</td>
 *     <td>Confluent-compatible registry, or {@code mock://scope} for an in-memory one</td></tr>
 * <tr><td>{@code basic.auth.user.info}</td><td>none</td><td>{@code user:password} for the registry</td></tr>
 * <tr><td>{@code spendstream.application.id.prefix}</td><td>{@code spendstream-}</td>
 *     <td>application.id = prefix + app name</td></tr>
 * <tr><td>{@code spendstream.processing.guarantee}</td><td>{@code exactly_once_v2}</td>
 *     <td>{@code processing.guarantee} itself is refused</td></tr>
 * <tr><td>{@code spendstream.state.dir}</td><td>{@code ~/.spendstream/state}</td><td>RocksDB state</td></tr>
 * <tr><td>{@code spendstream.reporting.currency}</td><td>{@code USD}</td><td>currency of every amount written</td></tr>
 * <tr><td>{@code spendstream.topic.<logical-name>}</td><td>spec names</td>
 *     <td>topic names, e.g. {@code spendstream.topic.usage-raw=spend.usage.raw}</td></tr>
 * <tr><td>{@code spendstream.topics.create}</td><td>{@code true}</td><td>create missing topics at start-up</td></tr>
 * <tr><td>{@code spendstream.topics.partitions}</td><td>{@code 4}</td><td>partitions of created topics</td></tr>
 * <tr><td>{@code spendstream.topics.replication.factor}</td><td>{@code -1}</td>
 *     <td>replication of created topics; -1 = broker default</td></tr>
 * <tr><td>{@code spendstream.topics.dlq.retention}</td><td>{@code 30d}</td><td>retention of the dead-letter topic</td></tr>
 * <tr><td>{@code spendstream.metrics.port}</td><td>{@code 9400} (ingest 9401, enrich 9402, attribution 9403,
 *     anomaly 9404, notify 9405)</td><td>{@code /metrics}, {@code /health}, {@code /ready}; 0 = any free port</td></tr>
 * <tr><td>{@code spendstream.metrics.address}</td><td>{@code 0.0.0.0}</td><td>interface the endpoint binds</td></tr>
 * <tr><td>{@code spendstream.shutdown.timeout}</td><td>{@code 20s}</td>
 *     <td>how long a graceful close may take</td></tr>
 * <tr><td>{@code spendstream.input.max-text-length}</td><td>{@code 2048}</td>
 *     <td>longest text field or record key of a JSON input ({@code InputLimits})</td></tr>
 * <tr><td>{@code spendstream.input.future-tolerance}</td><td>{@code 1h}</td>
 *     <td>how far after its input record a time that becomes a record timestamp may lie ({@code InputLimits})</td></tr>
 * <tr><td>{@code spendstream.producer.timestamp-after-max}</td><td>{@code 1h}</td>
 *     <td>the brokers' {@code log.message.timestamp.after.max.ms}: later record timestamps are refused before sending
 *     ({@code GuardedProducer})</td></tr>
 * <tr><td>any other Kafka key</td><td>Kafka's</td><td>passed through to Kafka Streams and its clients</td></tr>
 * </table>
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "SPENDSTREAM_";
    public static final String KAFKA_ENV_PREFIX = "KAFKA_";

    /** The lowest layer: enough to run against a local broker and registry. */
    public static final Map<String, String> BUILT_IN_DEFAULTS = Collections.unmodifiableMap(new LinkedHashMap<>(Map.of(
            "bootstrap.servers", "localhost:9092",
            "schema.registry.url", "http://localhost:8081",
            "spendstream.reporting.currency", "USD",
            "spendstream.topics.create", "true",
            "spendstream.topics.partitions", "4",
            "spendstream.topics.replication.factor", "-1",
            "spendstream.metrics.port", "9400")));

    /** Keys whose names do not start with {@code spendstream.} but are still set through SPENDSTREAM_ variables. */
    private static final Map<String, String> SPECIAL_ENV = Map.of(
            "SPENDSTREAM_SCHEMA_REGISTRY_URL", "schema.registry.url",
            "SPENDSTREAM_BASIC_AUTH_USER_INFO", "basic.auth.user.info");

    private static final Set<String> CLIENT_PREFIXES = Set.of("consumer.", "producer.", "admin.", "main.consumer.",
            "restore.consumer.", "global.consumer.");

    private static final Set<String> KAFKA_KEYS = kafkaKeys();

    private ConfigLoader() {
    }

    /**
     * Resolves the layers in order of precedence (see the class comment).
     *
     * @throws IllegalArgumentException if the file does not exist or cannot be read
     */
    public static SpendstreamConfig load(Map<String, String> appDefaults, Optional<Path> file,
            Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> resolved = new TreeMap<>(BUILT_IN_DEFAULTS);
        resolved.putAll(appDefaults);
        file.ifPresent(path -> resolved.putAll(readFile(path)));
        resolved.putAll(fromEnvironment(env));
        resolved.putAll(overrides);
        return new SpendstreamConfig(resolved);
    }

    /** The usual call from a {@code main}: this process's environment, the app's defaults. */
    public static SpendstreamConfig load(StreamsApp app, Optional<Path> file, Map<String, String> overrides) {
        return load(app.defaults(), file, System.getenv(), overrides);
    }

    /** A properties file as a map, values trimmed (a trailing space in a file is never meant). */
    public static Map<String, String> readFile(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("Config file " + path.toAbsolutePath() + " does not exist");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("Config file " + path.toAbsolutePath() + " is not a regular file");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape; MalformedInputException: not UTF-8.
            throw new IllegalArgumentException("Config file " + path.toAbsolutePath() + " cannot be read: "
                    + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key.trim(), properties.getProperty(key).trim()));
        return values;
    }

    /** The settings named by {@code SPENDSTREAM_*} and {@code KAFKA_*} variables; everything else is ignored. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        env.forEach((name, value) -> {
            if (value == null || value.isEmpty()) {
                return;
            }
            envKey(name).ifPresent(key -> values.put(key, value));
        });
        return values;
    }

    /** The key an environment variable sets, if it sets one. */
    public static Optional<String> envKey(String variable) {
        String name = variable.toUpperCase(Locale.ROOT);
        if (SPECIAL_ENV.containsKey(name)) {
            return Optional.of(SPECIAL_ENV.get(name));
        }
        if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
            return Optional.of("spendstream." + toKey(name.substring(ENV_PREFIX.length())));
        }
        if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
            String key = toKey(name.substring(KAFKA_ENV_PREFIX.length()));
            return isKafkaKey(key) ? Optional.of(key) : Optional.empty();
        }
        return Optional.empty();
    }

    private static String toKey(String suffix) {
        return suffix.toLowerCase(Locale.ROOT).replace("__", "-").replace('_', '.');
    }

    private static boolean isKafkaKey(String key) {
        if (KAFKA_KEYS.contains(key) || key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            return true;
        }
        return CLIENT_PREFIXES.stream().anyMatch(p -> key.startsWith(p) && KAFKA_KEYS.contains(key.substring(p.length())));
    }

    private static Set<String> kafkaKeys() {
        Set<String> keys = new HashSet<>(StreamsConfig.configDef().names());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return Set.copyOf(keys);
    }
}
