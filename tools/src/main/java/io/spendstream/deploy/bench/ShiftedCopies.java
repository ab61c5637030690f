package io.spendstream.deploy.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.spendstream.schemas.Topic;

/**
 * Makes an app's input longer for its alone phase: appends copies of what the app before it wrote (its Avro input
 * topics), every timestamp moved later by a whole number of {@code shift}s (the record's own and every
 * {@code timestamp-millis} field, nested records and arrays included), so that a copy is new traffic in later
 * windows, not a late duplicate of the original. Round {@code k} moves everything by {@code k * shift}; {@code shift}
 * must be longer than the span of event times in the original (plus the longest window), so rounds never overlap.
 *
 * <p>Why: an app alone at steady state needs a backlog of a minute or more of its own load, and the app before it,
 * which is slower or faster, wrote what it wrote in its own phase. Copying keeps the input real (every field as the
 * app before wrote it) where generating Avro inputs from scratch would have to imitate four apps.
 */
final class ShiftedCopies {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;
    private final List<Topic<?, ?>> topics;
    private final Duration shift;
    /** The original: each partition's records up to these offsets (what the app before wrote), copied every round. */
    private final Map<TopicPartition, Long> originalEnds;
    private int rounds;
    /** The first error the producer reported: a copy that was not written fails the top-up, never goes uncounted. */
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    ShiftedCopies(String bootstrap, List<Topic<?, ?>> topics, Duration shift, Map<TopicPartition, Long> originalEnds) {
        this.bootstrap = bootstrap;
        this.topics = List.copyOf(topics);
        this.shift = shift;
        this.originalEnds = Map.copyOf(originalEnds);
    }

    /** Appends whole copies of the original until at least {@code records} were appended; returns how many. */
    long add(long records) {
        long added = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG, 20,
                        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            while (added < records) {
                rounds++;
                long round = copyOnce(consumer, producer, shift.toMillis() * rounds);
                if (round == 0) {
                    break; // nothing to copy: the app before wrote nothing
                }
                added += round;
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("The broker refused a shifted copy: " + failure.get(), failure.get());
        }
        return added;
    }

    private long copyOnce(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
            long millis) {
        long copied = 0;
        for (Topic<?, ?> topic : topics) {
            List<TopicPartition> partitions = new ArrayList<>();
            originalEnds.forEach((tp, end) -> {
                if (tp.topic().equals(topic.name()) && end > 0) {
                    partitions.add(tp);
                }
            });
            if (partitions.isEmpty()) {
                continue;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < originalEnds.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= originalEnds.get(tp)) {
                        continue;
                    }
                    producer.send(new ProducerRecord<>(record.topic(), record.partition(),
                            record.timestamp() + millis, record.key(), shifted(topic, record, millis),
                            record.headers()), (metadata, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                }
                            });
                    copied++;
                }
            }
            consumer.unsubscribe();
        }
        return copied;
    }

    private static <V> byte[] shifted(Topic<?, V> topic, ConsumerRecord<byte[], byte[]> record, long millis) {
        if (record.value() == null) {
            return null;
        }
        V value = topic.value(record);
        if (value instanceof IndexedRecord avro) {
            shift(avro, millis);
        }
        return topic.valueSerde().serializer().serialize(topic.name(), value);
    }

    /** Moves every timestamp field of {@code record} (nested records and arrays of records too) by {@code millis}. */
    static void shift(IndexedRecord record, long millis) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            Object moved = shift(field.schema(), value, millis);
            if (moved != value) {
                record.put(field.pos(), moved);
            }
        }
    }

    private static Object shift(Schema schema, Object value, long millis) {
        if (value == null) {
            return null;
        }
        switch (schema.getType()) {
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    if (fits(branch, value)) {
                        return shift(branch, value, millis);
                    }
                }
                return value;
            case LONG:
                return isTimestamp(schema) ? moved(value, millis) : value;
            case RECORD:
                shift((IndexedRecord) value, millis);
                return value;
            case ARRAY:
                @SuppressWarnings("unchecked")
                List<Object> items = (List<Object>) value;
                for (int i = 0; i < items.size(); i++) {
                    Object item = items.get(i);
                    Object movedItem = shift(schema.getElementType(), item, millis);
                    if (movedItem != item) {
                        items.set(i, movedItem);
                    }
                }
                return value;
            default:
                return value;
        }
    }

    private static boolean fits(Schema branch, Object value) {
        return switch (branch.getType()) {
            case LONG -> value instanceof Long || value instanceof Instant;
            case RECORD -> value instanceof IndexedRecord;
            case ARRAY -> value instanceof List;
            default -> false;
        };
    }

    private static boolean isTimestamp(Schema schema) {
        LogicalType type = schema.getLogicalType();
        return type instanceof LogicalTypes.TimestampMillis;
    }

    private static Object moved(Object value, long millis) {
        if (value instanceof Instant instant) {
            return instant.plusMillis(millis);
        }
        return (Long) value + millis;
    }
}
