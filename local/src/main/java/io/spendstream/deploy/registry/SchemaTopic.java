package io.spendstream.deploy.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.spendstream.deploy.registry.RegistryState.StoredRecord;

/**
 * The registry's durable log: one compacted, single-partition topic (default {@code _spendstream_schemas}).
 *
 * <p>Writes go through an idempotent producer with {@code acks=all} and count only once acknowledged; the registry's
 * state is then advanced by reading the log back up to and including that record, so memory never holds anything the
 * log does not. Reading back also picks up a write whose acknowledgement was lost (e.g. a timeout) before the next
 * write assigns ids. One partition keeps a total order of all facts. Not thread-safe: the caller serialises writes.
 */
final class SchemaTopic implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final TopicPartition partition;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;

    private SchemaTopic(String topic, Duration timeout, KafkaProducer<String, String> producer,
            KafkaConsumer<String, String> consumer) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        this.producer = producer;
        this.consumer = consumer;
    }

    /** Creates the topic if needed (or checks the existing one) and positions a reader at its start. */
    static SchemaTopic open(Map<String, Object> kafkaConfig, String topic, Duration timeout) {
        ensureTopic(kafkaConfig, topic, timeout);
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafkaConfig, timeout),
                new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer;
        try {
            consumer = new KafkaConsumer<>(consumerConfig(kafkaConfig), new StringDeserializer(),
                    new StringDeserializer());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        SchemaTopic schemaTopic = new SchemaTopic(topic, timeout, producer, consumer);
        consumer.assign(List.of(schemaTopic.partition));
        consumer.seekToBeginning(List.of(schemaTopic.partition));
        return schemaTopic;
    }

    String name() {
        return topic;
    }

    /** Reads every record not read yet, up to the current end of the topic. */
    void catchUp(BiConsumer<String, String> apply) throws TimeoutException {
        long end = consumer.endOffsets(Set.of(partition), timeout).get(partition);
        readUntil(end, apply);
    }

    /**
     * Appends a record once the log is acknowledged by all in-sync replicas, then reads the log up to and including
     * it, so {@code apply} has seen it when this returns.
     */
    void append(StoredRecord record, BiConsumer<String, String> apply)
            throws ExecutionException, TimeoutException, InterruptedException {
        RecordMetadata written = producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value()))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        readUntil(written.offset() + 1, apply);
    }

    private void readUntil(long offset, BiConsumer<String, String> apply) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(partition, timeout) < offset) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Could not read " + topic + " up to offset " + offset + " within "
                        + timeout);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                apply.accept(record.key(), record.value());
            }
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
        consumer.close(timeout);
    }

    private static void ensureTopic(Map<String, Object> kafkaConfig, String topic, Duration timeout) {
        Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "spendstream-schema-registry-admin");
        try (Admin admin = Admin.create(adminConfig)) {
            // Replication factor: the cluster's default.replication.factor, as for any production topic.
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create schema storage topic '" + topic + "': "
                            + e.getCause(), e.getCause());
                }
                checkExisting(admin, topic, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating schema storage topic '" + topic + "'", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout + " while creating schema "
                    + "storage topic '" + topic + "' (bootstrap " + kafkaConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + ")", e);
        }
    }

    /** A storage topic with deletion instead of compaction would lose old schemas; several partitions lose order. */
    private static void checkExisting(Admin admin, String topic, Duration timeout)
            throws InterruptedException, TimeoutException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("Schema storage topic '" + topic + "' has "
                        + description.partitions().size() + " partitions; it must have exactly 1");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                    || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                throw new IllegalStateException("Schema storage topic '" + topic + "' has cleanup.policy=" + policy
                        + "; it must be compact, or old schemas will be deleted");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe schema storage topic '" + topic + "': " + e.getCause(),
                    e.getCause());
        }
    }

    private static Map<String, Object> producerConfig(Map<String, Object> kafkaConfig, Duration timeout) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "spendstream-schema-registry-writer");
        // A registration is lost only if every in-sync replica loses it; retries never duplicate or reorder facts.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One record per HTTP request: no reason to wait for a batch.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Bound every step by the request timeout, so a client waiting on a registration gets an answer in time.
        int millis = (int) timeout.toMillis();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        return config;
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> kafkaConfig) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "spendstream-schema-registry-reader");
        // Assigned, not subscribed: no group, nothing committed; every start reads the whole topic.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The reader is polled only while a request waits for the log (reading back its own write), and a poll may
        // find the consumer's previous fetch still parked on the broker for fetch.max.wait.ms: with Kafka's 500 ms,
        // registrations one after the other took ~550 ms each (issue 7: a Spendstream app registering its subjects
        // at start-up, or on its first records, waited seconds). 10 ms bounds that wait.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return config;
    }
}
