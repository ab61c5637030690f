package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.attribution.avro.ReconciliationHour;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.Reconciliation;
import io.spendstream.runtime.config.BillLag;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * Sums, per service (the record key), SKU ({@code estimateSku}) and UTC hour, the metered estimates and the bill rows
 * that superseded them, in store {@value ReconciliationTopology#STORE} ({@link ReconciliationHour}), and writes the
 * hour's {@link Reconciliation} each time its billed side changes. A row is cut into hours with
 * {@link ChargePeriodSpreader} (exact, as showback cuts it), so a daily bill row fills the 24 hours of its day.
 * Reversal rows are not counted: they take back exactly the estimates already summed on the estimated side.
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
        boolean estimate = "metered".equals(cost.getCostSource());
        if (!estimate && !"billing".equals(cost.getCostSource())) {
            return;
        }
        for (ChargePeriodSpreader.Part part : hours.spread(cost.getEffectiveCost(), cost.getChargePeriodStart(),
                cost.getChargePeriodEnd())) {
            String key = record.key() + "|" + cost.getEstimateSku() + "|" + part.windowStartMs();
            ReconciliationHour hour = store.get(key);
            if (hour == null) {
                hour = ReconciliationHour.newBuilder().setService(record.key()).setSku(cost.getEstimateSku())
                        .setHourStart(Instant.ofEpochMilli(part.windowStartMs()))
                        .setCurrency(cost.getCurrency()).setEstimated(Money.ZERO).setBilled(Money.ZERO).build();
            }
            hour.setTeam(record.value().getAttribution().getTeam());
            hour.setSkuId(cost.getSkuId());
            hour.setProviderService(cost.getServiceName());
            if (estimate) {
                hour.setEstimated(Money.add(hour.getEstimated(), part.amount()));
                hour.setEstimateParts(hour.getEstimateParts() + 1);
            } else {
                hour.setBilled(Money.add(hour.getBilled(), part.amount()));
                hour.setBillParts(hour.getBillParts() + 1);
            }
            store.put(key, hour);
            if (hour.getBillParts() > 0) {
                Reconciliation out = reconciliation(hour, BILLED);
                if (out.getErrorPercent() != null) {
                    metrics.setGauge(ERROR_PERCENT, out.getErrorPercent().abs(), "service", hour.getService());
                }
                context.forward(new Record<>(hour.getService(), out, record.timestamp()));
            }
        }
    }

    private void sweep(long streamTimeMs) {
        try (KeyValueIterator<String, ReconciliationHour> entries = store.all()) {
            while (entries.hasNext()) {
                KeyValue<String, ReconciliationHour> entry = entries.next();
                ReconciliationHour hour = entry.value;
                long start = hour.getHourStart().toEpochMilli();
                if (horizon.isOutside(start + HOUR_MS, streamTimeMs)) {
                    store.delete(entry.key);
                } else if (hour.getBillParts() == 0 && hour.getEstimateParts() > 0 && !hour.getUnbilledReported()
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

    static Reconciliation reconciliation(ReconciliationHour hour, String status) {
        BigDecimal difference = Money.of(hour.getEstimated().subtract(hour.getBilled()));
        return Reconciliation.newBuilder()
                .setService(hour.getService())
                .setTeam(hour.getTeam())
                .setSku(hour.getSku())
                .setSkuId(hour.getSkuId())
                .setProviderService(hour.getProviderService())
                .setWindowStart(hour.getHourStart())
                .setWindowEnd(hour.getHourStart().plusMillis(HOUR_MS))
                .setEstimated(hour.getEstimated())
                .setBilled(hour.getBilled())
                .setDifference(difference)
                .setErrorPercent(errorPercent(difference, hour.getBilled()))
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
