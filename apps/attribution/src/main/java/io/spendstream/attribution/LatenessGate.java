package io.spendstream.attribution;

import static io.spendstream.schemas.DeadLetterReasons.Attribution.MISSING_KEY;
import static io.spendstream.schemas.DeadLetterReasons.Attribution.OUTSIDE_BILLING_HORIZON;

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

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The app's one lateness decision, taken before any topology (unit cost, burn rate, showback) sees a record, so a
 * dead-lettered row is counted nowhere and replaying it later counts it exactly once everywhere. For each
 * {@link Arrival}:
 * <ul>
 *   <li>older than the billing horizon ({@link BillingHorizon}, default 65 days behind the newest record of the
 *       task): to the dead-letter branch with reason {@value #OUTSIDE_BILLING_HORIZON}, the message
 *       saying the horizon and the key that widens it;</li>
 *   <li>its first real-time window closed ({@link WindowGrid#isClosed}, grid {@link AttributionSettings#grid()}: the
 *       finest unit-cost size with the real-time grace): passed on marked {@link Arrival#pastRealTime()}, counted in
 *       {@value #PAST_REAL_TIME_METRIC}. Bills arrive a day or more after the usage and restatements weeks later:
 *       such money still lands in the hourly and daily unit cost, in showback per hour, day and month, and in burn
 *       rate; only the minute windows the detectors read have closed;</li>
 *   <li>otherwise passed on as is; a record without key goes to the dead-letter branch ({@value #MISSING_KEY}).</li>
 * </ul>
 *
 * <p>Stream time is the largest event time this task has seen (ChargePeriodStart of cost rows, windowStart of APM
 * summaries), kept in store {@value #STREAM_TIME_STORE} (RocksDB, cached, changelogged) so it survives restarts like
 * the window stores' own stream time does.
 */
public final class LatenessGate implements FixedKeyProcessor<String, Arrival, Validated<Arrival>> {

    public static final String STREAM_TIME_STORE = "attribution-stream-time";
    /** Records that missed the real-time windows' grace and went to the ledger windows only. */
    public static final String PAST_REAL_TIME_METRIC = "spendstream.attribution.records.past.realtime";

    private static final String STREAM_TIME_KEY = "stream-time";

    private final String stage;
    private final String processorName;
    private final WindowGrid grid;
    private final BillingHorizon horizon;
    private final SpendstreamTopics topics;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, Validated<Arrival>> context;
    private KeyValueStore<String, Long> streamTimeStore;
    private long streamTime;

    LatenessGate(String stage, String processorName, AttributionSettings settings, SpendstreamTopics topics,
            PipelineMetrics metrics) {
        this.stage = stage;
        this.processorName = processorName;
        this.grid = settings.grid();
        this.horizon = settings.horizon();
        this.topics = topics;
        this.metrics = metrics;
    }

    /** Supplier that also declares (and so creates and connects) the stream-time store. */
    public static FixedKeyProcessorSupplier<String, Arrival, Validated<Arrival>> supplier(String stage,
            String processorName, AttributionSettings settings, SpendstreamTopics topics, PipelineMetrics metrics) {
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, Arrival, Validated<Arrival>> get() {
                return new LatenessGate(stage, processorName, settings, topics, metrics);
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
        if (horizon.isOutside(eventTime, streamTime)) {
            reject(record, new RejectedRecordException(OUTSIDE_BILLING_HORIZON,
                    horizon.outsideMessage(arrival.describe(), eventTime, streamTime)));
            return;
        }
        if (grid.isClosed(grid.startOf(eventTime), streamTime)) {
            metrics.counter(PAST_REAL_TIME_METRIC, "stage", stage).increment();
            arrival = arrival.pastRealTime();
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
