package io.spendstream.deploy;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** How the broker-backed tests read topics: a byte consumer of its own group, and whole topics to their end. */
public final class TopicReads {

    private TopicReads() {
    }

    /** A consumer from the earliest offset, in a group of its own (a crashed member never blocks the next test). */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String isolation) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record of a topic (one partition or more), read from the start to its end for {@code isolation}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic,
            String isolation) {
        return readAll(bootstrapServers, List.of(topic), isolation).get(topic);
    }

    /** Every record of each of {@code topics} with one consumer, as {@link #readAll(String, String, String)}. */
    public static Map<String, List<ConsumerRecord<byte[], byte[]>>> readAll(String bootstrapServers,
            Collection<String> topics, String isolation) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> all = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, isolation)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                all.put(topic, new ArrayList<>());
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("all of " + topics + " (" + isolation + ")").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ZERO).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> all.get(r.topic()).add(r));
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return all;
    }
}
