package io.spendstream.deploy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tells when a stream app has processed everything in its input, from the outside (works for any app, the
 * pass-through included): the app's consumer group has committed, on every partition of its input topics and of its
 * own repartition topics, an offset past the partition's last record.
 *
 * <p>"Past the last record", not "equal to the end offset": topics written by exactly-once producers end with a
 * transaction marker, which takes an offset but is no record, and a consumer may commit the offset just before it.
 * So where the committed offset is short of the end, the last record's offset is looked up (read_committed).
 * Under exactly-once an app's outputs commit in the same transaction as its input offsets, so when this says done,
 * every output the input causes has been written.
 */
final class CatchUp implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    /** How far back from the end to look for the last record: transaction markers are one offset each. */
    private static final int TAIL = 32;

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;

    CatchUp(String bootstrapServers) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Committed records in these topics (read_committed: transaction markers and aborted records not counted). */
    long count(Collection<String> topics) {
        List<TopicPartition> partitions = partitions(topics);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long count = 0;
        while (!reached(ends)) {
            count += consumer.poll(POLL).count();
        }
        consumer.unsubscribe();
        return count;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until group {@code group} has processed all of {@code inputs} (and its own repartition topics); returns the
     * System.nanoTime() at which that was seen. Fails when {@code alive} turns false (the app died) or on timeout.
     */
    long await(String group, Collection<String> inputs, Duration timeout, BooleanSupplier alive)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Called once the app is RUNNING: Kafka Streams has created its repartition topics by then.
        List<TopicPartition> watched = inputPartitions(group, inputs);
        while (true) {
            if (done(group, watched)) {
                return System.nanoTime();
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(group + " stopped before it had processed its input");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " had not processed its input after " + timeout);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * How far group {@code group} is behind on {@code inputs} and its own repartition topics: the sum over their
     * partitions of end offset - committed offset. Approximate by a few: transaction markers take offsets too.
     */
    long lag(String group, Collection<String> inputs) {
        List<TopicPartition> partitions = inputPartitions(group, inputs);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long lag = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            lag += Math.max(0, ends.get(tp) - (offset == null ? 0 : offset.offset()));
        }
        return lag;
    }

    /**
     * Sum over {@code partitions} of the offsets group {@code group} has committed (0 where it has none): how far it
     * has got, in offsets. Read every few seconds while a phase is measured; the difference between two reads over
     * the time between them is the group's rate (transaction markers count as offsets too: one per partition and
     * commit of the producer that wrote the input, none where the bench wrote it).
     */
    long committedSum(String group, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        long sum = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    /** Sum of the end offsets of {@code partitions}: how much input there is, in offsets. */
    long endSum(Collection<TopicPartition> partitions) {
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The end offset of every partition of {@code topics}. */
    Map<TopicPartition, Long> ends(Collection<String> topics) {
        return consumer.endOffsets(partitions(topics));
    }

    /** The partitions of {@code inputs} and of the group's own repartition topics: all that the app reads. */
    private List<TopicPartition> inputPartitions(String group, Collection<String> inputs) {
        List<String> topics = new ArrayList<>(inputs);
        topics.addAll(repartitionTopics(group));
        return partitions(topics);
    }

    private boolean done(String group, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            long end = ends.get(tp);
            OffsetAndMetadata offset = committed.get(tp);
            long position = offset == null ? 0 : offset.offset();
            if (position < end && position <= lastRecordOffset(tp, end)) {
                return false;
            }
        }
        return true;
    }

    /** Offset of the last committed record before {@code end}, or the start of the looked-at tail if it holds none. */
    private long lastRecordOffset(TopicPartition tp, long end) {
        long from = Math.max(0, end - TAIL);
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        long last = from - 1;
        while (consumer.position(tp) < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                last = Math.max(last, record.offset());
            }
        }
        consumer.unsubscribe();
        return last;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        try {
            return new HashMap<>(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the offsets of " + group + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private List<String> repartitionTopics(String group) {
        try {
            Set<String> names = admin.listTopics().names().get();
            return names.stream().filter(n -> n.startsWith(group + "-") && n.endsWith("-repartition")).toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list topics: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    List<TopicPartition> partitions(Collection<String> topics) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
            List<TopicPartition> partitions = new ArrayList<>();
            described.values().forEach(d -> d.partitions().forEach(
                    p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            return partitions;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe " + topics + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
