package io.spendstream.deploy.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Sends records to one topic with an idempotent producer ({@code acks=all}: a retried batch is never written
 * twice, an acknowledged one survives a broker failure), lz4 and a 20 ms linger with 256 KiB batches (most of a
 * producer's throughput on small records, see KAFKA-NOTES). Before the first record it checks that the cluster
 * answers and the topic exists, so that a wrong address or a missing topic is one clear message rather than a
 * minute of blocked sends. Kafka client settings of the configuration ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}, or any key prefixed {@code producer.}/{@code admin.}) are passed through; the delivery guarantees
 * above are not overridable.
 */
final class KafkaRecordSink implements RecordSink {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    private KafkaRecordSink(String topic, KafkaProducer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** @throws LoadException when the cluster does not answer within {@code timeout} or the topic does not exist */
    static KafkaRecordSink open(SpendstreamConfig config, String topic, Duration timeout) {
        String bootstrap = config.require("bootstrap.servers");
        checkTopic(config, bootstrap, topic, timeout);
        Map<String, Object> props = ConnectionOptions.clientProps(config, ProducerConfig.configNames(), "producer.");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "spendstream-load");
        return new KafkaRecordSink(topic, new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer()));
    }

    private static void checkTopic(SpendstreamConfig config, String bootstrap, String topic, Duration timeout) {
        Map<String, Object> props = ConnectionOptions.clientProps(config, AdminClientConfig.configNames(), "admin.");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new LoadException("Topic " + topic + " does not exist on " + bootstrap + ": start the "
                        + "Spendstream apps once (they create their topics) or create it");
            }
            throw new LoadException("Cannot use Kafka at " + bootstrap + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new LoadException("Kafka at " + bootstrap + " did not answer within " + timeout.toSeconds()
                    + "s (is -b/--bootstrap-servers right?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("Interrupted while connecting to Kafka at " + bootstrap);
        }
    }

    @Override
    public void send(OutgoingRecord record, Consumer<Exception> done) {
        try {
            producer.send(new ProducerRecord<>(topic, record.key(), record.value()),
                    (metadata, exception) -> done.accept(exception));
        } catch (RuntimeException e) {
            // Failures before the record is queued (e.g. metadata timeout) concern this record only.
            done.accept(e);
        }
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
