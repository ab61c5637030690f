package io.spendstream.runtime.dlq;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

import io.spendstream.runtime.config.Durations;

/**
 * Kafka Streams' clients ({@code default.client.supplier}), as Kafka's default supplier makes them, except that the
 * producer is a {@link GuardedProducer}. Setting {@value #TIMESTAMP_AFTER_MAX} (default {@code 1h}, the brokers'
 * default {@code log.message.timestamp.after.max.ms}) should match the brokers' value.
 */
public final class GuardedClientSupplier implements KafkaClientSupplier, Configurable {

    public static final String TIMESTAMP_AFTER_MAX = "spendstream.producer.timestamp-after-max";
    public static final Duration DEFAULT_TIMESTAMP_AFTER_MAX = Duration.ofHours(1);

    /** The producer's own default of {@code max.request.size}. */
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private Duration timestampAfterMax = DEFAULT_TIMESTAMP_AFTER_MAX;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(TIMESTAMP_AFTER_MAX);
        if (value != null && !value.toString().isBlank()) {
            timestampAfterMax = Durations.parse(value.toString().trim());
        }
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Object maxRequestSize = config.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return new GuardedProducer(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
                maxRequestSize == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(maxRequestSize.toString()),
                timestampAfterMax, System::currentTimeMillis);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }
}
