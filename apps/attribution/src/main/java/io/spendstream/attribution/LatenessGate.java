package io.spendstream.attribution;

import java.time.Instant;
import java.util.Set;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The app's one lateness decision: passes each {@link Arrival} on, or turns it into a dead letter when it is too late
 * or has no key, before any topology (unit cost, burn rate, showback) sees it. One decision for all means a
 * dead-lettered row is counted nowhere, so replaying it later counts it exactly once everywhere.
 *
 * <p>Stream time is the largest event time this task has seen (ChargePeriodStart of cost rows, windowStart of APM
 * summaries), kept in store {@value #STREAM_TIME_STORE} (RocksDB, cached, changelogged) so it survives restarts like
 * the window stores' own stream time does. A record whose first window of the finest unit-cost size is closed
 * ({@link WindowGrid#isClosed}, grid {@link AttributionSettings#grid()}) goes whole to the dead-letter branch with
 * reason {@value #LATE}: Kafka Streams would otherwise drop it silently. As every other window of the app (the
 * coarser unit-cost sizes, which are multiples of the finest, showback's 1h and 1d, burn-rate minutes) holds that
 * window and has the same grace, a record on time here is on time for all of them.
 */
public final class LatenessGate implements FixedKeyProcessor<String, Arrival, Validated<Arrival>> {

    public static final String STREAM_TIME_STORE = "attribution-stream-time";
    public static final String LATE = "late";
    public static final String MISSING_KEY = "missing-key";

    private static final String STREAM_TIME_KEY = "stream-time";

    private final String stage;
    private final String processorName;
    private final WindowGrid grid;
    private final SpendstreamTopics topics;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, Validated<Arrival>> context;
    private KeyValueStore<String, Long> streamTimeStore;
    private long streamTime;

    LatenessGate(String stage, String processorName, WindowGrid grid, SpendstreamTopics topics,
            PipelineMetrics metrics) {
        this.stage = stage;
        this.processorName = processorName;
        this.grid = grid;
        this.topics = topics;
        this.metrics = metrics;
    }

    /** Supplier that also declares (and so creates and connects) the stream-time store. */
    public static FixedKeyProcessorSupplier<String, Arrival, Validated<Arrival>> supplier(String stage,
            String processorName, WindowGrid grid, SpendstreamTopics topics, PipelineMetrics metrics) {
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, Arrival, Validated<Arrival>> get() {
                return new LatenessGate(stage, processorName, grid, topics, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Cached: stream time moves with nearly every record, the changelog only needs its value per commit.
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STREAM_TIME_STORE),
                        Serdes.String(), Serdes.Long()).withCachingEnabled());
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Validated<Arrival>> context) {
        this.context = context;
        this.streamTimeStore = context.getStateStore(STREAM_TIME_STORE);
        Long stored = streamTimeStore.get(STREAM_TIME_KEY);
        this.streamTime = stored == null ? Long.MIN_VALUE : stored;
    }

    @Override
    public void process(FixedKeyRecord<String, Arrival> record) {
        metrics.recordIn(stage);
        Arrival arrival = record.value();
        if (record.key() == null) {
            // The window aggregation would skip a null key silently; every Spendstream producer sets one.
            reject(record, new RejectedRecordException(MISSING_KEY, arrival.describe() + " has no key (service)"));
            return;
        }
        long eventTime = arrival.eventTimeMs();
        if (eventTime > streamTime) {
            streamTime = eventTime;
            streamTimeStore.put(STREAM_TIME_KEY, eventTime);
        }
        long firstWindow = grid.startOf(eventTime);
        if (grid.isClosed(firstWindow, streamTime)) {
            reject(record, new RejectedRecordException(LATE, arrival.describe() + " is late: its window "
                    + Instant.ofEpochMilli(firstWindow) + " closed at " + Instant.ofEpochMilli(grid.closesAt(firstWindow))
                    + " (grace " + grid.grace() + ") and stream time is " + Instant.ofEpochMilli(streamTime)));
            return;
        }
        context.forward(record.withValue(Validated.ok(arrival)));
    }

    private void reject(FixedKeyRecord<String, Arrival> record, RejectedRecordException e) {
        metrics.deadLettered(stage, e.reason());
        ProducerRecord<byte[], byte[]> raw = record.value().asReceived(record.key(), topics);
        DeadLetters.Source source = DeadLetters.Source.of(context.recordMetadata(), record.timestamp(),
                record.headers());
        context.forward(record.withValue(Validated.rejected(DeadLetters.rejected(context.applicationId(), stage,
                processorName, e, source, raw.key(), raw.value()))));
    }
}
