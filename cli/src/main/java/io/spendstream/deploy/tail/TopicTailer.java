package io.spendstream.deploy.tail;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.runtime.config.ConnectionException;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.AvroJson;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;

/**
 * Reads Spendstream topics and prints each record as one readable line or as one JSON object per line: the records
 * already there (from the oldest, up to the end as of the start), then, when following, new ones as they arrive.
 * Read-committed, so aborted transactions of an exactly-once app never show; partitions are assigned, not
 * subscribed, so no consumer group is joined and tailing never disturbs anyone.
 */
public final class TopicTailer implements AutoCloseable {

    /**
     * What to read and how to print it. {@code follow}: keep waiting for new records (from the end, or after the
     * existing ones with {@code fromBeginning}); not following reads what is there and stops. {@code maxRecords}
     * 0 = no limit; {@code idleTimeout} null = no idle stop.
     */
    public record Options(boolean fromBeginning, boolean follow, boolean json, long maxRecords, Duration idleTimeout) {

        /** Where reading starts: the oldest record, unless following new ones only. */
        boolean startAtOldest() {
            return fromBeginning || !follow;
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SpendstreamTopics topics;
    private final List<Topic<?, ?>> tailed = new ArrayList<>();
    private final Options options;
    private final PrintWriter out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final String bootstrapServers;
    /** Set for a live console: state changes only, wall-clock stamped ({@link #asConsole}). */
    private ConsoleLines console;

    /**
     * @param clientProps the consumer's connection settings: bootstrap servers, security.protocol, sasl.*, ssl.*
     *                    (e.g. {@code ConnectionOptions.clientProps}); the tailer sets its own reading settings
     */
    public TopicTailer(Map<String, Object> clientProps, SpendstreamTopics topics, List<String> topicNames,
            Options options, PrintWriter out) {
        for (String name : topicNames) {
            tailed.add(topics.byName(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                    + "' is not a Spendstream topic; known: " + topics.all().stream().map(Topic::name).toList())));
        }
        this.topics = topics;
        this.options = options;
        this.out = out;
        this.bootstrapServers = String.valueOf(clientProps.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try {
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            // e.g. no resolvable bootstrap address
            throw new ConnectionException("Cannot connect to Kafka at " + bootstrapServers + ": " + rootMessage(e), e);
        }
    }

    /**
     * Prints records until stopped, the record limit, the idle timeout, or (not following) the end; returns how
     * many were printed.
     *
     * @param connectTimeout how long to wait for the cluster to answer at start
     * @throws ConnectionException when the cluster does not answer within {@code connectTimeout} or a topic is
     *         missing
     */
    public long run(Duration connectTimeout) {
        List<TopicPartition> partitions = assign(connectTimeout);
        Map<TopicPartition, Long> ends = options.follow() ? Map.of() : consumer.endOffsets(partitions, connectTimeout);
        long printed = 0;
        Instant lastRecord = Instant.now();
        while (running.get()) {
            if (!options.follow() && caughtUp(ends)) {
                return printed;
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String line = render(record);
                if (line == null) {
                    continue;
                }
                out.println(line);
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

    private List<TopicPartition> assign(Duration connectTimeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<?, ?> topic : tailed) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic.name(), connectTimeout);
            } catch (TimeoutException e) {
                throw new ConnectionException("Kafka at " + bootstrapServers + " did not answer within "
                        + Durations.format(connectTimeout) + " (is the broker up? is -b/--bootstrap-servers right? "
                        + "security.protocol, sasl.*, ssl.* through --config or --set)", e);
            } catch (KafkaException e) {
                throw new ConnectionException("Kafka at " + bootstrapServers + " refused to describe "
                        + topic.name() + ": " + rootMessage(e), e);
            }
            if (infos == null || infos.isEmpty()) {
                throw new ConnectionException("Topic " + topic.name() + " does not exist on " + bootstrapServers
                        + " (the apps create their topics when they start)");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        consumer.assign(partitions);
        if (options.startAtOldest()) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        return partitions;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** The line for a record; null when the console leaves it out. */
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
        if (console != null) {
            return console.line(keyText, value).orElse(null);
        }
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

    /**
     * Prints as a live console does ({@link ConsoleLines}): state changes, updates at most every {@code updateEvery}
     * per anomaly, each line led by the wall-clock time. Readable lines only (not with {@code json}).
     */
    public TopicTailer asConsole(Duration updateEvery) {
        if (options.json()) {
            throw new IllegalStateException("A console prints readable lines, not JSON");
        }
        this.console = new ConsoleLines(updateEvery, java.time.Clock.systemUTC());
        return this;
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
