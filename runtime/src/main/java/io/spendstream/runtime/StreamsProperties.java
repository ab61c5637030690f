package io.spendstream.runtime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.dlq.DeadLetterDeserializationHandler;
import io.spendstream.runtime.dlq.DeadLetterProcessingHandler;
import io.spendstream.runtime.dlq.DeadLetterProductionHandler;
import io.spendstream.runtime.dlq.GuardedClientSupplier;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The Kafka Streams properties of one app, built the same way for production and for topology tests.
 *
 * <p>Spendstream owns application.id (prefix + app name), the processing guarantee (exactly_once_v2 unless
 * {@code spendstream.processing.guarantee} says otherwise), explicit naming and the dead-letter handlers; setting
 * those Kafka keys directly is refused rather than silently ignored. Every other Kafka key passes through.
 */
public final class StreamsProperties {

    public static final String APPLICATION_ID_PREFIX = "spendstream.application.id.prefix";
    public static final String PROCESSING_GUARANTEE = "spendstream.processing.guarantee";
    public static final String STATE_DIR = "spendstream.state.dir";
    public static final String STAGE = "spendstream.stage";
    /**
     * Carries the app's {@link PipelineMetrics} (an object, not a string) to the dead-letter handlers, which Kafka
     * Streams instantiates itself, so that their dead letters are counted like in-topology rejects.
     */
    public static final String PIPELINE_METRICS = "spendstream.pipeline.metrics";

    /**
     * Carries the app's {@code SpendstreamTopics} (an object) to the dead-letter handlers, so that they write with the
     * serdes whose schema ids the runner registered at start-up: a dead letter then never needs the registry.
     */
    public static final String TOPICS = "spendstream.runtime.topics";

    private static final Set<String> OWNED = Set.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG,
            StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);

    private StreamsProperties() {
    }

    public static String applicationId(StreamsApp app, SpendstreamConfig config) {
        return config.get(APPLICATION_ID_PREFIX, "spendstream-") + app.name();
    }

    /** Like {@link #build(StreamsApp, SpendstreamConfig)}, with the handlers counting dead letters in {@code metrics}. */
    public static Properties build(StreamsApp app, SpendstreamConfig config, PipelineMetrics metrics) {
        Properties props = build(app, config);
        props.put(PIPELINE_METRICS, metrics);
        return props;
    }

    public static Properties build(StreamsApp app, SpendstreamConfig config) {
        for (String key : OWNED) {
            if (config.find(key).isPresent()) {
                throw new IllegalArgumentException(key + " is set by Spendstream and cannot be configured directly"
                        + " (use " + APPLICATION_ID_PREFIX + " or " + PROCESSING_GUARANTEE + " where you need to)");
            }
        }
        Properties props = new Properties();
        // Pass-through first: Kafka client keys and spendstream.* keys (handlers read the latter from their config).
        config.asMap().forEach(props::put);

        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(app, config));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                config.get(PROCESSING_GUARANTEE, StreamsConfig.EXACTLY_ONCE_V2));
        props.put(STAGE, app.name());
        // An unnamed store or repartition topic fails at start-up instead of getting a generated name that changes
        // when the topology does (which would orphan its state on upgrade).
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionHandler.class.getName());
        // A record the broker would refuse for good is refused before it reaches the producer: under exactly-once a
        // failed send breaks the transaction, and the production handler's dead letter could never be committed.
        props.put(StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG, GuardedClientSupplier.class.getName());
        // Global tables (reference data) dead-letter a failing record like every other processor does.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // The partition assignor builds its own StreamsConfig from the main consumer's configs only, and warns at
        // every start that the global handler is disabled unless the key reaches the consumer too.
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                true);
        props.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG,
                config.get(STATE_DIR, Path.of(System.getProperty("user.home"), ".spendstream", "state").toString()));
        // Read only committed input: upstream Spendstream apps write transactionally.
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // Larger batches cost a few ms of latency and buy most of the producer's throughput on small records.
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "10");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return props;
    }

    /** Everything a handler or serde needs, as a plain map. */
    public static Map<String, Object> asMap(Properties props) {
        Map<String, Object> map = new java.util.HashMap<>();
        props.forEach((k, v) -> map.put(k.toString(), v));
        return map;
    }
}
