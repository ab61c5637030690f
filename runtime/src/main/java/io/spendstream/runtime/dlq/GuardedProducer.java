package io.spendstream.runtime.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The producer Kafka Streams writes with, refusing before sending a record that the producer or the broker would
 * refuse for good: larger than {@code max.request.size}, or with a timestamp further ahead of the clock than the
 * brokers accept ({@code log.message.timestamp.after.max.ms}). The refusal goes to the send's callback at once, as
 * the producer itself reports a record over {@code max.request.size}, so Kafka Streams hands it to
 * {@link DeadLetterProductionHandler} on the stream thread, with the source record known.
 *
 * <p>Why: under exactly-once, a send the real producer fails (client- or broker-side) leaves its transaction in an
 * error state; the commit then fails and the app stops, whatever the handler answered (measured on Kafka 4.3.1: a
 * 1.8 MB record stopped the anomaly app with "Cannot execute transactional method because we are in an error
 * state"). A broker-side refusal also fails every other record of its batch. A record refused here never reaches
 * the producer, so the transaction, the batch and the dead letter written in its place are all intact.
 *
 * <p>State-store changelog writes are passed through unchecked: Kafka Streams cannot dead-letter one, and refused here
 * the task would go on with a store its changelog does not match (and, measured, with the failure turned into a
 * processing error on the next send and dead-lettered as such, leaving the source record half booked). Left to the
 * producer, the transaction fails and the task restarts from its last commit, losing and doubling nothing; the input
 * limits are what keep such records from being made.
 *
 * <p>The size is an upper bound of the record in a batch of its own, uncompressed (key, value and headers plus 128
 * bytes for the batch and record framing): a record within 128 bytes of the limit may be refused here although the
 * producer would have taken it.
 */
final class GuardedProducer implements Producer<byte[], byte[]> {

    /** Kafka Streams names every state store's changelog topic {@code <application.id>-<store>-changelog}. */
    static final String CHANGELOG_SUFFIX = "-changelog";

    /** Batch header (61 bytes) and the record's own framing (at most about 20 bytes of varints), rounded up. */
    static final int FRAMING_BYTES = 128;

    private final Producer<byte[], byte[]> delegate;
    private final int maxRequestSize;
    private final Duration timestampAfterMax;
    private final LongSupplier clock;

    GuardedProducer(Producer<byte[], byte[]> delegate, int maxRequestSize, Duration timestampAfterMax,
            LongSupplier clock) {
        this.delegate = delegate;
        this.maxRequestSize = maxRequestSize;
        this.timestampAfterMax = timestampAfterMax;
        this.clock = clock;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        RuntimeException refusal = refusal(record);
        if (refusal == null) {
            return delegate.send(record, callback);
        }
        if (callback != null) {
            callback.onCompletion(null, refusal);
        }
        return CompletableFuture.failedFuture(refusal);
    }

    /** Why the producer or the broker would refuse {@code record} for good, or null (also for changelog writes). */
    RuntimeException refusal(ProducerRecord<byte[], byte[]> record) {
        if (record.topic().endsWith(CHANGELOG_SUFFIX)) {
            return null;
        }
        long size = sizeUpperBound(record);
        if (size > maxRequestSize) {
            return new RecordTooLargeException("The message is at least " + (size - FRAMING_BYTES) + " bytes"
                    + " (key, value and headers), larger than " + maxRequestSize + ", the max.request.size"
                    + " configuration; refused before sending");
        }
        Long timestamp = record.timestamp();
        if (timestamp != null) {
            long latest = clock.getAsLong() + timestampAfterMax.toMillis();
            if (timestamp > latest) {
                return new InvalidTimestampException("Timestamp " + timestamp + " (" + Instant.ofEpochMilli(timestamp)
                        + ") is more than " + timestampAfterMax + " ahead of the clock, which brokers refuse"
                        + " (log.message.timestamp.after.max.ms); refused before sending");
            }
        }
        return null;
    }

    static long sizeUpperBound(ProducerRecord<byte[], byte[]> record) {
        long size = FRAMING_BYTES + length(record.key()) + length(record.value());
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value()) + 10;
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    @Override
    public void initTransactions() {
        delegate.initTransactions();
    }

    @Override
    public void beginTransaction() {
        delegate.beginTransaction();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata groupMetadata) {
        delegate.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void commitTransaction() {
        delegate.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        delegate.abortTransaction();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void close(Duration timeout) {
        delegate.close(timeout);
    }
}
