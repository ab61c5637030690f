package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.avro.CostRecord;
import io.spendstream.ingest.avro.ChargeState;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * Makes {@code spend.cost} sum to the latest version of every charge. Input: {@link ValuedCharge}s keyed by charge
 * identity (after the charge-identity repartition, so every version of a charge reaches the same task whatever raw
 * partition it came in on). Keeps the last version of each charge in the RocksDB store
 * {@value IngestApp#IDENTITY_STORE} ({@link ChargeState}) and forwards:
 * <ul>
 *   <li>a charge never seen (or forgotten): the record as is, revision 1 (its {@link CostLine} as read, so its
 *       bytes are written on);</li>
 *   <li>an identical re-send (same amounts as received, same currency): nothing; counted in
 *       {@code spendstream.ingest.duplicates}. The charge keeps the value it was first converted at, so re-loading a
 *       file leaves totals unchanged even if FX rates moved;</li>
 *   <li>a restatement (any amount as received differs): the difference, i.e. effectiveCost, billedCost and listCost
 *       = new minus previously written (reporting currency, exact), revision + 1; counted in
 *       {@code spendstream.ingest.restatements}. {@code originalEffectiveCost} is the difference in the original
 *       currency, or, should the original currency itself change, the reporting-currency difference with
 *       {@code originalCurrency} set to the reporting currency. Descriptive columns are the new version's.</li>
 * </ul>
 * Re-sends that differ only in descriptive columns (tags, names) count as duplicates: they move no money.
 *
 * <p>Retention: an entry is deleted once the stream time (Kafka timestamps of the raw rows) is more than the
 * configured retention past the time its charge was last seen, checked by a stream-time punctuation every
 * {@link #EXPIRY_INTERVAL}; deletions reach the changelog as tombstones, which compaction removes. Stream time,
 * not the wall clock, so that a replay expires exactly as the original run did. After expiry a re-sent row counts
 * again, which is the price of bounded state; each expiry is counted in {@code spendstream.ingest.identity.expired}.
 */
final class RestatementProcessor implements Processor<String, ValuedCharge, String, CostLine> {

    /** How often (in stream time) expired identities are swept: a full scan, so not too often. */
    static final Duration EXPIRY_INTERVAL = Duration.ofHours(1);

    static final String DUPLICATES = "spendstream.ingest.duplicates";
    static final String RESTATEMENTS = "spendstream.ingest.restatements";
    static final String EXPIRED = "spendstream.ingest.identity.expired";

    private final Duration retention;
    private final PipelineMetrics metrics;
    private ProcessorContext<String, CostLine> context;
    private KeyValueStore<String, ChargeState> store;

    RestatementProcessor(Duration retention, PipelineMetrics metrics) {
        this.retention = retention;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, CostLine> context) {
        this.context = context;
        this.store = context.getStateStore(IngestApp.IDENTITY_STORE);
        context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(Record<String, ValuedCharge> record) {
        ValuedCharge charge = record.value();
        ChargeState previous = store.get(record.key());
        Instant seen = Instant.ofEpochMilli(record.timestamp());
        if (previous != null && sameAsReceived(previous, charge)) {
            if (seen.isAfter(previous.getLastSeen())) {
                previous.setLastSeen(seen);
                store.put(record.key(), previous);
            }
            metrics.counter(DUPLICATES).increment();
            return;
        }
        CostLine out;
        Instant lastSeen = seen;
        if (previous == null) {
            // As read: the bytes of the repartition topic go on unchanged.
            out = charge.line();
        } else {
            out = CostLine.built(difference(previous, charge.cost()));
            // An out-of-order older version must not pull the retention clock back.
            lastSeen = seen.isAfter(previous.getLastSeen()) ? seen : previous.getLastSeen();
            metrics.counter(RESTATEMENTS).increment();
        }
        store.put(record.key(), state(charge, out.record().getRevision(), lastSeen));
        context.forward(record.withValue(out));
    }

    private void expire(long streamTime) {
        Instant cutoff = Instant.ofEpochMilli(streamTime).minus(retention);
        try (KeyValueIterator<String, ChargeState> entries = store.all()) {
            while (entries.hasNext()) {
                KeyValue<String, ChargeState> entry = entries.next();
                if (entry.value.getLastSeen().isBefore(cutoff)) {
                    store.delete(entry.key);
                    metrics.counter(EXPIRED).increment();
                }
            }
        }
    }

    private static boolean sameAsReceived(ChargeState previous, ValuedCharge charge) {
        CostRecord cost = charge.cost();
        return previous.getOriginalCurrency().equals(cost.getOriginalCurrency())
                && sameAmount(previous.getOriginalEffectiveCost(), cost.getOriginalEffectiveCost())
                && sameAmount(previous.getOriginalBilledCost(), charge.originalBilledCost())
                && sameAmount(previous.getOriginalListCost(), charge.originalListCost());
    }

    private static boolean sameAmount(BigDecimal a, BigDecimal b) {
        return a == null || b == null ? Objects.equals(a, b) : a.compareTo(b) == 0;
    }

    private static CostRecord difference(ChargeState previous, CostRecord latest) {
        BigDecimal effective = minus(latest.getEffectiveCost(), previous.getEffectiveCost());
        CostRecord delta = CostRecordCopy.of(latest);
        delta.setRevision(previous.getRevision() + 1);
        delta.setEffectiveCost(effective);
        delta.setBilledCost(nullableMinus(latest.getBilledCost(), previous.getBilledCost()));
        delta.setListCost(nullableMinus(latest.getListCost(), previous.getListCost()));
        if (previous.getOriginalCurrency().equals(latest.getOriginalCurrency())) {
            delta.setOriginalEffectiveCost(minus(latest.getOriginalEffectiveCost(), previous.getOriginalEffectiveCost()));
        } else {
            // A difference between two currencies means nothing; express it in the reporting currency instead.
            delta.setOriginalEffectiveCost(effective);
            delta.setOriginalCurrency(latest.getCurrency());
        }
        return delta;
    }

    private static BigDecimal minus(BigDecimal latest, BigDecimal previous) {
        return Money.of(latest.subtract(previous));
    }

    /** Absent on both sides stays absent; absent on one side counts as zero. */
    private static BigDecimal nullableMinus(BigDecimal latest, BigDecimal previous) {
        if (latest == null && previous == null) {
            return null;
        }
        return Money.of((latest == null ? BigDecimal.ZERO : latest).subtract(previous == null ? BigDecimal.ZERO : previous));
    }

    /** What was written so far for the charge, which is now the latest version's amounts (the deltas telescope). */
    private static ChargeState state(ValuedCharge charge, int revision, Instant lastSeen) {
        CostRecord cost = charge.cost();
        return ChargeState.newBuilder()
                .setRevision(revision)
                .setLastSeen(lastSeen)
                .setOriginalCurrency(cost.getOriginalCurrency())
                .setOriginalEffectiveCost(cost.getOriginalEffectiveCost())
                .setOriginalBilledCost(charge.originalBilledCost())
                .setOriginalListCost(charge.originalListCost())
                .setEffectiveCost(cost.getEffectiveCost())
                .setBilledCost(cost.getBilledCost())
                .setListCost(cost.getListCost())
                .build();
    }
}
