package io.spendstream.deploy.notify;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The notifier's Kafka clients, from the resolved configuration: its Kafka client keys (security, ...) and
 * {@code consumer.}/{@code producer.}-prefixed ones pass through; the settings at-least-once delivery depends on are
 * fixed here.
 */
final class NotifierKafkaClients {

    private NotifierKafkaClients() {
    }

    static KafkaConsumer<byte[], byte[]> consumer(SpendstreamConfig config, String group) {
        Map<String, Object> props = ConnectionOptions.clientProps(config, ConsumerConfig.configNames(), "consumer.");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // Offsets are committed by the notifier once every target has the alert.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The anomaly app writes alerts in transactions: an aborted one was never an alert.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Only used if a position falls out of range (retention): the notifier positions every partition itself.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Records are delivered one at a time, possibly slowly: a small batch keeps a poll's work short.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, group);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static KafkaProducer<byte[], byte[]> deadLetterProducer(SpendstreamConfig config) {
        Map<String, Object> props = ConnectionOptions.clientProps(config, ProducerConfig.configNames(), "producer.");
        // A dead letter replaces an alert that was not delivered: it must be stored before the offset moves on.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
