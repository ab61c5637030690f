package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.avro.CostRecord;
import io.spendstream.ingest.avro.EstimateDay;
import io.spendstream.ingest.avro.EstimateHour;
import io.spendstream.ingest.avro.EstimateOwner;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.runtime.state.WriteBackKeyValueStore;
import io.spendstream.schemas.Money;

/**
 * Makes metered estimates give way to the bill, so that {@code spend.cost} ends equal to the bill. Input: the cost
 * rows that take part ({@link EstimateMatch}), keyed by match key (ResourceId + SKU) after the repartition
 * {@value IngestApp#ESTIMATE_REPARTITION}, so that a resource's estimates and its bill meet on one task. Keeps, per
 * match key and UTC day, the RocksDB store {@value IngestApp#ESTIMATE_STORE} ({@link EstimateDay}: per hour the
 * estimate written so far and whether a bill has covered it). Per row:
 * <ul>
 *   <li><b>metered</b> (an estimate): cut into hours ({@link HourPieces}); a piece whose hour a bill already covered is
 *       not written ({@value #AFTER_BILL}); the others are added to their hour and written, marked with
 *       {@code estimateSku};</li>
 *   <li><b>billing</b> (Usage): written as is, and marked with {@code estimateSku} when any hour it covers had
 *       estimates (then it is the billed side of {@code spend.reconciliation}). Each covered hour that has estimates
 *       and was not billed before is superseded: one {@code estimate-reversal} row with effectiveCost = minus the
 *       hour's estimate, charge period = that hour, the estimate's resource, SKU and tags (so enrich gives it the
 *       estimate's owner) and a chargeId derived from match key and hour, written before the bill row. Later bill
 *       rows and restatement deltas of an already billed hour are written as they are (they only move the billed
 *       side).</li>
 * </ul>
 * A daily bill row covers, and so supersedes, the 24 hourly estimates of its day.
 *
 * <p>The store keeps the days a task updates as objects and writes each changed one once per commit
 * ({@link WriteBackKeyValueStore}, at most {@value #CACHED_DAYS} per task; issue 18: a metered row per resource and
 * minute re-serialized its day on every row). A record that fails half way reverts the days it touched to their last
 * written value ({@link ReadThroughStates#clearingOnFailure}), as the store alone did before.
 *
 * <p>Retention: a stream-time punctuation every {@link #SWEEP_INTERVAL} (Kafka timestamps of the raw rows, as
 * {@link RestatementProcessor} does) deletes days that ended more than the billing horizon ago
 * ({@value #EXPIRED}), and reports once each estimate hour still without a bill the bill lag after it ended
 * ({@value #UNBILLED}). Unbilled estimates are only reported: they stay counted.
 */
final class EstimateSupersession implements Processor<String, CostLine, String, CostLine> {

    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    /**
     * Days kept as objects per task: every metered resource of a task at the default estate (9,000 over 4 tasks);
     * at ~2 KiB per day object (up to 24 hours and the owner's tags) at most ~8 MiB per task.
     */
    static final int CACHED_DAYS = 4_096;
    /** Cost source of the rows that take an hour's estimate back. */
    static final String COST_SOURCE_REVERSAL = "estimate-reversal";
    /** Extension column of a reversal naming the bill row that superseded the estimate. */
    static final String SUPERSEDED_BY = "x_SupersededBy";

    static final String AFTER_BILL = "spendstream.ingest.estimates.after-bill";
    static final String REVERSALS = "spendstream.ingest.estimates.reversals";
    static final String HOUR_PIECES = "spendstream.ingest.estimates.hour-pieces";
    static final String UNBILLED = "spendstream.ingest.estimates.unbilled";
    static final String EXPIRED = "spendstream.ingest.estimates.expired";

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final EstimateSettings settings;
    private final EstimateMatch match;
    private final PipelineMetrics metrics;
    private ProcessorContext<String, CostLine> context;
    private KeyValueStore<String, EstimateDay> store;
    private ReadThroughStates<EstimateDay> dayStates;

    EstimateSupersession(EstimateSettings settings, PipelineMetrics metrics) {
        this.settings = settings;
        this.match = new EstimateMatch(settings.match());
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, CostLine> context) {
        this.context = context;
        this.store = context.getStateStore(IngestApp.ESTIMATE_STORE);
        this.dayStates = new ReadThroughStates<>(store, CACHED_DAYS);
        context.schedule(SWEEP_INTERVAL, PunctuationType.STREAM_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, CostLine> record) {
        ReadThroughStates.clearingOnFailure(() -> {
            if (EstimateMatch.isEstimate(record.value().record())) {
                estimate(record);
            } else {
                bill(record);
            }
        }, dayStates);
    }

    private void estimate(Record<String, CostLine> record) {
        CostLine line = record.value();
        String sku = match.sku(line.record());
        List<CostRecord> pieces = HourPieces.of(line.record());
        metrics.counter(HOUR_PIECES).increment(pieces.size() - 1);
        for (CostRecord piece : pieces) {
            long hour = HourPieces.hourOf(piece.getChargePeriodStart().toEpochMilli());
            String key = dayKey(record.key(), hour);
            EstimateDay day = load(key, hour);
            EstimateHour entry = hour(day, hour);
            if (entry.getBilled()) {
                metrics.counter(AFTER_BILL).increment();
                continue;
            }
            entry.setEstimates(entry.getEstimates() + 1);
            entry.setEstimated(Money.add(entry.getEstimated(), piece.getEffectiveCost()));
            if (day.getOwner() == null) {
                day.setOwner(owner(piece));
            }
            dayStates.put(key, day);
            // A row inside one hour is its own piece: its line, with the bytes it was read as, takes the mark.
            CostLine out = piece == line.record() ? line : CostLine.built(piece);
            context.forward(record.withValue(out.withEstimateSku(sku)));
        }
    }

    private void bill(Record<String, CostLine> record) {
        CostLine line = record.value();
        CostRecord bill = line.record();
        String sku = match.sku(bill);
        boolean hadEstimates = false;
        List<CostRecord> reversals = new ArrayList<>();
        for (Map.Entry<String, List<Long>> days : coveredHoursByDay(record.key(), bill).entrySet()) {
            List<Long> hours = days.getValue();
            EstimateDay day = load(days.getKey(), hours.get(0));
            for (long hour : hours) {
                EstimateHour entry = hour(day, hour);
                hadEstimates |= entry.getEstimates() > 0;
                if (!entry.getBilled()) {
                    entry.setBilled(true);
                    if (entry.getEstimates() > 0) {
                        reversals.add(reversal(record.key(), sku, day.getOwner(), hour, entry.getEstimated(), bill));
                    }
                }
            }
            dayStates.put(days.getKey(), day);
        }
        // The estimate is taken back before the bill is added: in between, totals dip instead of doubling.
        for (CostRecord reversal : reversals) {
            context.forward(record.withValue(CostLine.built(reversal)));
            metrics.counter(REVERSALS).increment();
        }
        context.forward(record.withValue(hadEstimates ? line.withEstimateSku(sku) : line));
    }

    /**
     * The hours a bill row covers, grouped by day store key. A row without length covers the hour it starts in. A
     * row longer than the billing horizon covers only its last horizon's worth of hours: older estimates are gone.
     */
    private Map<String, List<Long>> coveredHoursByDay(String matchKey, CostRecord bill) {
        long startMs = bill.getChargePeriodStart().toEpochMilli();
        long endMs = Math.max(bill.getChargePeriodEnd().toEpochMilli(), startMs + 1);
        long first = HourPieces.hourOf(Math.max(startMs, endMs - settings.horizon().span().toMillis()));
        Map<String, List<Long>> byDay = new LinkedHashMap<>();
        for (long hour = first; hour < endMs; hour += HourPieces.HOUR_MS) {
            byDay.computeIfAbsent(dayKey(matchKey, hour), k -> new ArrayList<>()).add(hour);
        }
        return byDay;
    }

    private CostRecord reversal(String matchKey, String sku, EstimateOwner owner, long hourMs, BigDecimal estimated,
            CostRecord bill) {
        BigDecimal amount = Money.of(estimated.negate());
        Instant hour = Instant.ofEpochMilli(hourMs);
        return CostRecord.newBuilder()
                .setChargeId(COST_SOURCE_REVERSAL + ":" + ChargeIdentity.sha256Hex(matchKey + "@" + hour))
                .setRevision(1)
                .setChargePeriodStart(hour)
                .setChargePeriodEnd(hour.plus(Duration.ofHours(1)))
                .setEffectiveCost(amount)
                .setBilledCost(amount)
                .setCurrency(bill.getCurrency())
                .setOriginalEffectiveCost(amount)
                .setOriginalCurrency(bill.getCurrency())
                .setCostSource(COST_SOURCE_REVERSAL)
                .setChargeCategory(owner.getChargeCategory())
                .setProviderName(owner.getProviderName())
                .setServiceName(owner.getServiceName())
                .setServiceCategory(owner.getServiceCategory())
                .setResourceId(owner.getResourceId())
                .setResourceName(owner.getResourceName())
                .setSkuId(owner.getSkuId())
                .setSkuPriceId(owner.getSkuPriceId())
                .setRegionId(owner.getRegionId())
                .setSubAccountId(owner.getSubAccountId())
                .setPricingUnit(owner.getPricingUnit())
                .setTags(new LinkedHashMap<>(owner.getTags()))
                .setExtensions(Map.of(SUPERSEDED_BY, bill.getChargeId()))
                .setEstimateSku(sku)
                .build();
    }

    private void sweep(long streamTimeMs) {
        long horizonMs = settings.horizon().span().toMillis();
        try (KeyValueIterator<String, EstimateDay> days = store.all()) {
            while (days.hasNext()) {
                KeyValue<String, EstimateDay> day = days.next();
                long dayStart = day.value.getDayStart().toEpochMilli();
                if (dayStart + DAY_MS + horizonMs <= streamTimeMs) {
                    store.delete(day.key);
                    metrics.counter(EXPIRED).increment();
                } else if (reportUnbilled(day.value, streamTimeMs)) {
                    store.put(day.key, day.value);
                }
            }
        }
    }

    private boolean reportUnbilled(EstimateDay day, long streamTimeMs) {
        boolean changed = false;
        for (EstimateHour hour : day.getHours()) {
            long hourEnd = day.getDayStart().toEpochMilli() + (hour.getHour() + 1) * HourPieces.HOUR_MS;
            if (hour.getEstimates() > 0 && !hour.getBilled() && !hour.getUnbilledReported()
                    && settings.billLag().isOverdue(hourEnd, streamTimeMs)) {
                hour.setUnbilledReported(true);
                metrics.counter(UNBILLED).increment();
                changed = true;
            }
        }
        return changed;
    }

    private EstimateDay load(String key, long anyHourMs) {
        EstimateDay day = dayStates.get(key);
        if (day == null) {
            day = EstimateDay.newBuilder().setDayStart(Instant.ofEpochMilli(dayOf(anyHourMs)))
                    .setHours(new ArrayList<>()).setOwner(null).build();
        }
        return day;
    }

    /** The day's entry for an hour, added in hour order when absent. */
    private static EstimateHour hour(EstimateDay day, long hourMs) {
        int hourOfDay = (int) ((hourMs - day.getDayStart().toEpochMilli()) / HourPieces.HOUR_MS);
        List<EstimateHour> hours = day.getHours();
        int at = 0;
        while (at < hours.size() && hours.get(at).getHour() < hourOfDay) {
            at++;
        }
        if (at < hours.size() && hours.get(at).getHour() == hourOfDay) {
            return hours.get(at);
        }
        EstimateHour entry = EstimateHour.newBuilder().setHour(hourOfDay).setEstimated(Money.ZERO).build();
        hours.add(at, entry);
        return entry;
    }

    private static EstimateOwner owner(CostRecord estimate) {
        return EstimateOwner.newBuilder()
                .setResourceId(estimate.getResourceId())
                .setResourceName(estimate.getResourceName())
                .setSkuId(estimate.getSkuId())
                .setSkuPriceId(estimate.getSkuPriceId())
                .setServiceName(estimate.getServiceName())
                .setServiceCategory(estimate.getServiceCategory())
                .setProviderName(estimate.getProviderName())
                .setRegionId(estimate.getRegionId())
                .setSubAccountId(estimate.getSubAccountId())
                .setChargeCategory(estimate.getChargeCategory())
                .setPricingUnit(estimate.getPricingUnit())
                .setTags(new LinkedHashMap<>(estimate.getTags()))
                .build();
    }

    static long dayOf(long timestampMs) {
        return Math.floorDiv(timestampMs, DAY_MS) * DAY_MS;
    }

    /** Store key: match key, then the day (fixed-length ISO date), so a match key's days sort together. */
    private static String dayKey(String matchKey, long hourMs) {
        return matchKey + "@" + Instant.ofEpochMilli(dayOf(hourMs)).toString().substring(0, 10);
    }
}
