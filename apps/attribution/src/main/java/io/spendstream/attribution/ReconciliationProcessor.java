package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.attribution.avro.ReconciliationHour;
import io.spendstream.attribution.avro.ReconciliationResource;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.Reconciliation;
import io.spendstream.runtime.config.BillLag;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * Sums, per service (the record key), SKU ({@code estimateSku}), UTC hour and resource, the metered estimates, the
 * part of them each bill superseded (the estimate-reversal ingest wrote for it) and the bill rows, in store
 * {@value ReconciliationTopology#STORE} ({@link ReconciliationHour}), and writes the hour's {@link Reconciliation}
 * each time it changes once billed. A row is cut into hours with {@link ChargePeriodSpreader} (exact, as showback
 * cuts it), so a daily bill row fills the 24 hours of its day.
 *
 * <p><b>Like with like.</b> A bill arrives resource by resource, and a resource's bill row and its reversal reach this
 * app in either order (they are different charges, on different partitions upstream). So the record compares, over
 * the resources of the hour whose bill <em>and</em> reversal both arrived, the estimate the bill superseded with what
 * was billed: never a whole hour's estimates against the first resource's bill, which would read as a mismatch until
 * the last resource is billed.
 *
 * <p>A stream-time punctuation (event time of the attributed rows) every hour writes, once, an {@code UNBILLED}
 * record for each hour whose estimates found no bill the bill lag after the hour ended, and forgets hours older than
 * the billing horizon.
 *
 * <p>Metrics: {@value #ERROR_PERCENT}{service} (gauge: absolute error % of the service's latest reconciled hour)
 * and {@value #UNBILLED}{service} (counter of unbilled hours).
 */
final class ReconciliationProcessor implements Processor<String, AttributedCost, String, Reconciliation> {

    static final String BILLED = "BILLED";
    static final String STATUS_UNBILLED = "UNBILLED";
    static final String ERROR_PERCENT = "spendstream.attribution.estimate.error.percent";
    static final String UNBILLED = "spendstream.attribution.estimates.unbilled";
    static final int PERCENT_SCALE = 6;
    /** The cost sources this processor reads (ingest's EstimateSupersession writes the last two). */
    static final String METERED = "metered";
    static final String REVERSAL = "estimate-reversal";

    private static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final ChargePeriodSpreader hours;
    private final BillingHorizon horizon;
    private final BillLag billLag;
    private final PipelineMetrics metrics;
    private ProcessorContext<String, Reconciliation> context;
    private KeyValueStore<String, ReconciliationHour> store;

    ReconciliationProcessor(AttributionSettings settings, BillingHorizon horizon, BillLag billLag,
            PipelineMetrics metrics) {
        this.hours = new ChargePeriodSpreader(new WindowGrid(Duration.ofHours(1), Duration.ZERO),
                settings.maxSpread());
        this.horizon = horizon;
        this.billLag = billLag;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Reconciliation> context) {
        this.context = context;
        this.store = context.getStateStore(ReconciliationTopology.STORE);
        context.schedule(SWEEP_INTERVAL, PunctuationType.STREAM_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, AttributedCost> record) {
        CostRecord cost = record.value().getCost();
        String source = cost.getCostSource();
        if (!METERED.equals(source) && !REVERSAL.equals(source) && !"billing".equals(source)) {
            return;
        }
        String resource = cost.getResourceId() == null ? "" : cost.getResourceId();
        for (ChargePeriodSpreader.Part part : hours.spread(cost.getEffectiveCost(), cost.getChargePeriodStart(),
                cost.getChargePeriodEnd())) {
            String key = record.key() + "|" + cost.getEstimateSku() + "|" + part.windowStartMs();
            ReconciliationHour hour = store.get(key);
            if (hour == null) {
                hour = ReconciliationHour.newBuilder().setService(record.key()).setSku(cost.getEstimateSku())
                        .setHourStart(Instant.ofEpochMilli(part.windowStartMs()))
                        .setCurrency(cost.getCurrency()).setResources(new HashMap<>()).build();
            }
            hour.setTeam(record.value().getAttribution().getTeam());
            hour.setSkuId(cost.getSkuId());
            hour.setProviderService(cost.getServiceName());
            // In place (issue 18: copying the hour's map on every row was 3% of attribution's CPU): the write-back
            // store hands out its own object, and the amounts below were always changed in place. A map Avro did not
            // make (read-only, from a builder's default) is copied once.
            Map<String, ReconciliationResource> resources = hour.getResources();
            if (!(resources instanceof HashMap)) {
                resources = new HashMap<>(resources);
                hour.setResources(resources);
            }
            ReconciliationResource amounts = resources.getOrDefault(resource, new ReconciliationResource(Money.ZERO,
                    Money.ZERO, false, Money.ZERO, 0));
            switch (source) {
                case METERED -> amounts.setEstimated(Money.add(amounts.getEstimated(), part.amount()));
                case REVERSAL -> {
                    amounts.setSuperseded(Money.add(amounts.getSuperseded(), part.amount().negate()));
                    amounts.setReversed(true);
                }
                default -> {
                    amounts.setBilled(Money.add(amounts.getBilled(), part.amount()));
                    amounts.setBillParts(amounts.getBillParts() + 1);
                }
            }
            resources.put(resource, amounts);
            store.put(key, hour);
            if (isBilled(amounts)) {
                Reconciliation out = reconciliation(hour, BILLED);
                if (out.getErrorPercent() != null) {
                    metrics.setGauge(ERROR_PERCENT, out.getErrorPercent().abs(), "service", hour.getService());
                }
                context.forward(new Record<>(hour.getService(), out, record.timestamp()));
            }
        }
    }

    /** A resource of the hour counts once both its bill and the reversal of its estimate have arrived. */
    private static boolean isBilled(ReconciliationResource amounts) {
        return amounts.getReversed() && amounts.getBillParts() > 0;
    }

    private void sweep(long streamTimeMs) {
        try (KeyValueIterator<String, ReconciliationHour> entries = store.all()) {
            while (entries.hasNext()) {
                KeyValue<String, ReconciliationHour> entry = entries.next();
                ReconciliationHour hour = entry.value;
                long start = hour.getHourStart().toEpochMilli();
                if (horizon.isOutside(start + HOUR_MS, streamTimeMs)) {
                    store.delete(entry.key);
                } else if (!hour.getUnbilledReported() && hour.getResources().values().stream()
                        .noneMatch(ReconciliationProcessor::isBilled)
                        && billLag.isOverdue(start + HOUR_MS, streamTimeMs)) {
                    hour.setUnbilledReported(true);
                    store.put(entry.key, hour);
                    metrics.counter(UNBILLED, "service", hour.getService()).increment();
                    context.forward(new Record<>(hour.getService(), reconciliation(hour, STATUS_UNBILLED),
                            streamTimeMs));
                }
            }
        }
    }

    /**
     * The hour as a record: BILLED compares the resources billed so far (estimate superseded vs billed); UNBILLED
     * gives the estimate no bill came for.
     */
    static Reconciliation reconciliation(ReconciliationHour hour, String status) {
        BigDecimal estimated = Money.ZERO;
        BigDecimal billed = Money.ZERO;
        for (ReconciliationResource amounts : hour.getResources().values()) {
            if (STATUS_UNBILLED.equals(status)) {
                estimated = estimated.add(amounts.getEstimated());
            } else if (isBilled(amounts)) {
                estimated = estimated.add(amounts.getSuperseded());
                billed = billed.add(amounts.getBilled());
            }
        }
        BigDecimal difference = Money.of(estimated.subtract(billed));
        return Reconciliation.newBuilder()
                .setService(hour.getService())
                .setTeam(hour.getTeam())
                .setSku(hour.getSku())
                .setSkuId(hour.getSkuId())
                .setProviderService(hour.getProviderService())
                .setWindowStart(hour.getHourStart())
                .setWindowEnd(hour.getHourStart().plusMillis(HOUR_MS))
                .setEstimated(Money.of(estimated))
                .setBilled(Money.of(billed))
                .setDifference(difference)
                .setErrorPercent(errorPercent(difference, billed))
                .setCurrency(hour.getCurrency())
                .setStatus(status)
                .build();
    }

    /** (estimated - billed) / billed x 100, half-even to 6 places; null when nothing was billed. */
    static BigDecimal errorPercent(BigDecimal difference, BigDecimal billed) {
        if (billed.signum() == 0) {
            return null;
        }
        return difference.multiply(BigDecimal.valueOf(100)).divide(billed, PERCENT_SCALE, RoundingMode.HALF_EVEN);
    }
}
