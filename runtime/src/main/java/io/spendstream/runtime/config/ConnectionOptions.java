package io.spendstream.runtime.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster and the schema registry are, shared by every command that talks to them.
 * Flags are the top of the precedence: defaults < --config file < SPENDSTREAM_* / KAFKA_* env < flags.
 */
public final class ConnectionOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: localhost:9092, or KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = {"-r", "--schema-registry-url"}, paramLabel = "URL",
            description = "Confluent-compatible schema registry, or several instances of it comma-separated "
            + "(failover; default: http://localhost:8081). TLS: --set schema.registry.ssl.truststore.location=...")
    String schemaRegistryUrl;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file with Kafka and "
            + "spendstream.* settings.")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting, e.g. "
            + "--set spendstream.topics.partitions=12 or --set security.protocol=SASL_SSL (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    public SpendstreamConfig resolve(Map<String, String> appDefaults) {
        Map<String, String> flags = new HashMap<>(settings);
        if (bootstrapServers != null) {
            flags.put("bootstrap.servers", bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            flags.put(SchemaRegistryClients.URL, schemaRegistryUrl);
        }
        return ConfigLoader.load(appDefaults, Optional.ofNullable(configFile), System.getenv(), flags);
    }

    public static SpendstreamTopics topics(SpendstreamConfig config) {
        return new SpendstreamTopics(TopicNames.from(config.asMap()), SchemaRegistryClients.fromConfig(config.asMap()));
    }

    /**
     * The settings of the configuration that one Kafka client knows ({@code known}, e.g.
     * {@code ConsumerConfig.configNames()}: bootstrap servers, security, ...), then {@code prefix}-ed ones such as
     * {@code consumer.max.poll.records}, which win.
     */
    public static Map<String, Object> clientProps(SpendstreamConfig config, java.util.Set<String> known,
            String prefix) {
        Map<String, Object> props = new HashMap<>();
        config.asMap().forEach((key, value) -> {
            if (known.contains(key)) {
                props.put(key, value);
            }
        });
        config.asMap().forEach((key, value) -> {
            if (key.startsWith(prefix) && known.contains(key.substring(prefix.length()))) {
                props.put(key.substring(prefix.length()), value);
            }
        });
        return props;
    }
}
