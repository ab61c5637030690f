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

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Turns each {@link Arrival} into its per-window contributions, or into a dead letter when it is too late.
 *
 * <p>Stream time is the largest event time this task has seen (ChargePeriodStart of cost rows, windowStart of APM
 * summaries), kept in store {@value #STREAM_TIME_STORE} (RocksDB, cached, changelogged) so it survives restarts like
 * the window store's own stream time does. A record whose first window is closed ({@link WindowGrid#isClosed}) goes
 * whole to the dead-letter branch with reason {@value #LATE}: Kafka Streams would otherwise drop it silently. A cost
 * row is never split between counted and dead-lettered parts, so replaying a dead letter counts it exactly once.
 *
 * <p>On-time cost rows are cut by {@link ChargePeriodSpreader}, APM summaries go whole to the window of their
 * windowStart; each contribution is forwarded with its window's start as timestamp, which is what places it in that
 * window downstream. Stream time deliberately ignores those part timestamps: a daily row's last part is almost a day
 * ahead, and counting it would close every window of the day in between.
 */
public final class ContributionProcessor implements FixedKeyProcessor<String, Arrival, Validated<UnitCostTally>> {

    public static final String STREAM_TIME_STORE = "attribution-stream-time";
    public static final String LATE = "late";
    public static final String MISSING_KEY = "missing-key";
    public static final String UNSPREAD_ROWS = "spendstream.attribution.cost.rows.unspread";

    private static final String STREAM_TIME_KEY = "stream-time";

    private final String stage;
    private final String processorName;
    private final WindowGrid grid;
    private final ChargePeriodSpreader spreader;
    private final SpendstreamTopics topics;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, Validated<UnitCostTally>> context;
    private KeyValueStore<String, Long> streamTimeStore;
    private long streamTime;

    ContributionProcessor(String stage, String processorName, AttributionSettings settings, SpendstreamTopics topics,
            PipelineMetrics metrics) {
        this.stage = stage;
        this.processorName = processorName;
        this.grid = settings.grid();
        this.spreader = new ChargePeriodSpreader(grid, settings.maxSpread());
        this.topics = topics;
        this.metrics = metrics;
    }

    /** Supplier that also declares (and so creates and connects) the stream-time store. */
    public static FixedKeyProcessorSupplier<String, Arrival, Validated<UnitCostTally>> supplier(String stage,
            String processorName, AttributionSettings settings, SpendstreamTopics topics, PipelineMetrics metrics) {
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, Arrival, Validated<UnitCostTally>> get() {
                return new ContributionProcessor(stage, processorName, settings, topics, metrics);
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
    public void init(FixedKeyProcessorContext<String, Validated<UnitCostTally>> context) {
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
        advanceStreamTime(eventTime);
        long firstWindow = grid.startOf(eventTime);
        if (grid.isClosed(firstWindow, streamTime)) {
            reject(record, new RejectedRecordException(LATE, arrival.describe() + " is late: its window "
                    + Instant.ofEpochMilli(firstWindow) + " closed at " + Instant.ofEpochMilli(grid.closesAt(firstWindow))
                    + " (grace " + grid.grace() + ") and stream time is " + Instant.ofEpochMilli(streamTime)));
            return;
        }
        if (arrival instanceof Arrival.Cost cost) {
            forwardCost(record, cost);
        } else if (arrival instanceof Arrival.Apm apm) {
            context.forward(record.withValue(Validated.ok(UnitCostAccumulator.ofApm(apm.value())))
                    .withTimestamp(firstWindow));
        }
    }

    private void forwardCost(FixedKeyRecord<String, Arrival> record, Arrival.Cost cost) {
        var row = cost.value().getCost();
        if (!spreader.spreads(row.getChargePeriodStart(), row.getChargePeriodEnd())) {
            metrics.counter(UNSPREAD_ROWS, "stage", stage).increment();
        }
        for (ChargePeriodSpreader.Part part : spreader.spread(row.getEffectiveCost(), row.getChargePeriodStart(),
                row.getChargePeriodEnd())) {
            context.forward(record.withValue(Validated.ok(UnitCostAccumulator.ofCost(part.amount())))
                    .withTimestamp(part.windowStartMs()));
        }
    }

    private void advanceStreamTime(long eventTime) {
        if (eventTime > streamTime) {
            streamTime = eventTime;
            streamTimeStore.put(STREAM_TIME_KEY, eventTime);
        }
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
