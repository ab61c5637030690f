package io.spendstream.deploy.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * What broker-backed tests of the whole pipeline share: a {@link LocalPipeline} on free ports with application ids
 * of their own, its topics, and a committed-only consumer with a group of its own (a crashed member of a shared
 * group would block the next join for the session timeout).
 */
public final class TestPipelines {

    private TestPipelines() {
    }

    /** The four apps as {@code spendstream up} runs them, application ids {@code it-<name>-<random>-<app>}. */
    public static LocalPipeline start(Path dataDir, String name) throws IOException {
        return start(dataDir, name, Map.of());
    }

    /** As {@link #start(Path, String)}, with further configuration ({@code spendstream.topics.partitions}, ...). */
    public static LocalPipeline start(Path dataDir, String name, Map<String, String> overrides) throws IOException {
        Map<String, String> config = new HashMap<>(overrides);
        config.put("spendstream.application.id.prefix", "it-" + name + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "-");
        return LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0, true,
                config));
    }

    public static SpendstreamTopics topics(LocalPipeline pipeline) {
        return new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(pipeline.registryUrl(), null));
    }

    /** Reads committed records from the oldest. */
    public static KafkaConsumer<byte[], byte[]> consumer(LocalPipeline pipeline) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Adds the record's value to {@code into} when it comes from {@code topic}. */
    public static <V> void collect(ConsumerRecord<byte[], byte[]> record, Topic<?, V> topic, List<V> into) {
        if (record.topic().equals(topic.name())) {
            into.add(topic.value(record));
        }
    }
}
