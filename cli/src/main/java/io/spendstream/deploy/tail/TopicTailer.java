package io.spendstream.deploy.tail;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.schemas.AvroJson;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;

/**
 * Reads Spendstream topics and prints each record as one readable line or as one JSON object per line.
 * Read-committed, so aborted transactions of an exactly-once app never show; no consumer group offsets are
 * committed, so tailing never disturbs anyone.
 */
public final class TopicTailer implements AutoCloseable {

    /** What to read and how to print it. {@code maxRecords} 0 = no limit; {@code idleTimeout} null = follow forever. */
    public record Options(boolean fromBeginning, boolean json, long maxRecords, Duration idleTimeout) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SpendstreamTopics topics;
    private final List<Topic<?, ?>> tailed = new ArrayList<>();
    private final Options options;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);

    public TopicTailer(String bootstrapServers, SpendstreamTopics topics, List<String> topicNames, Options options,
            PrintStream out) {
        for (String name : topicNames) {
            tailed.add(topics.byName(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                    + "' is not a Spendstream topic; known: " + topics.all().stream().map(Topic::name).toList())));
        }
        this.topics = topics;
        this.options = options;
        this.out = out;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "spendstream-tail-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.fromBeginning() ? "earliest" : "latest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Prints records until stopped, the record limit, or the idle timeout; returns how many were printed. */
    public long run() {
        consumer.subscribe(tailed.stream().map(Topic::name).toList());
        long printed = 0;
        Instant lastRecord = Instant.now();
        while (running.get()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                out.println(render(record));
                printed++;
                if (options.maxRecords() > 0 && printed >= options.maxRecords()) {
                    return printed;
                }
            }
            if (!records.isEmpty()) {
                lastRecord = Instant.now();
            } else if (options.idleTimeout() != null
                    && Duration.between(lastRecord, Instant.now()).compareTo(options.idleTimeout()) > 0) {
                return printed;
            }
        }
        return printed;
    }

    private String render(ConsumerRecord<byte[], byte[]> record) {
        Topic<?, ?> topic = topics.byName(record.topic()).orElseThrow();
        Object key;
        Object value;
        try {
            key = topic.key(record);
            value = topic.value(record);
        } catch (RuntimeException e) {
            return "# " + record.topic() + "[" + record.partition() + "]@" + record.offset() + " cannot be decoded: "
                    + e.getMessage();
        }
        String keyText = key instanceof byte[] raw ? new String(raw, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(key);
        if (!options.json()) {
            return RecordFormatter.format(keyText, value);
        }
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("topic", record.topic()).put("partition", record.partition()).put("offset", record.offset())
                .put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString()).put("key", keyText);
        line.set("value", value instanceof byte[] raw
                ? JsonNodeFactory.instance.textNode(AvroJson.bytesAsText(java.nio.ByteBuffer.wrap(raw)))
                : AvroJson.toNode(value));
        return line.toString();
    }

    /** Makes {@link #run()} return after its current poll (from another thread). */
    public void stop() {
        running.set(false);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
