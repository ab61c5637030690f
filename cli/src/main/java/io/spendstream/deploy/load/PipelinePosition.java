package io.spendstream.deploy.load;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;

import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * How far (in event time) the pipeline has got: the newest stream time of the attribution app's tasks, read from the
 * changelog of its stream-time store ({@code <application.id>-attribution-stream-time-changelog}, one value per task
 * under one key), which is exactly what its billing-horizon decision compares a record with. Empty when the
 * attribution app has not run against this cluster yet (no such topic, or nothing committed in it).
 */
final class PipelinePosition {

    /** The attribution app's application.id suffix and its stream-time store (LatenessGate.STREAM_TIME_STORE). */
    static final String ATTRIBUTION_APP = "attribution";
    static final String STREAM_TIME_STORE = "attribution-stream-time";
    private static final String PREFIX = "spendstream.application.id.prefix";
    private static final String DEFAULT_PREFIX = "spendstream-";
    /** The last records of each partition are read: transaction markers take offsets too. */
    private static final int TAIL = 16;

    private PipelinePosition() {
    }

    static String changelogTopic(SpendstreamConfig config) {
        return config.get(PREFIX, DEFAULT_PREFIX) + ATTRIBUTION_APP + "-" + STREAM_TIME_STORE + "-changelog";
    }

    static Optional<Instant> read(SpendstreamConfig config, Duration timeout) {
        String topic = changelogTopic(config);
        if (!exists(config, topic, timeout)) {
            return Optional.empty();
        }
        Map<String, Object> props = ConnectionOptions.clientProps(config, ConsumerConfig.configNames(), "consumer.");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "spendstream-load-position");
        try (KafkaConsumer<byte[], Long> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new LongDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long newest = Long.MIN_VALUE;
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(0, ends.get(partition) - TAIL));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], Long> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        newest = Math.max(newest, record.value());
                    }
                }
            }
            return newest == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(newest));
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], Long> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    private static boolean exists(SpendstreamConfig config, String topic, Duration timeout) {
        Map<String, Object> props = ConnectionOptions.clientProps(config, AdminClientConfig.configNames(), "admin.");
        // The client refuses an API timeout shorter than its request timeout: both follow --timeout.
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return names.contains(topic);
        } catch (ExecutionException e) {
            throw new LoadException("Cannot use Kafka at " + config.get("bootstrap.servers", "?") + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new LoadException("Kafka at " + config.get("bootstrap.servers", "?") + " did not answer within "
                    + timeout.toSeconds() + "s (is -b/--bootstrap-servers right?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("Interrupted while reading the pipeline's position");
        }
    }
}
