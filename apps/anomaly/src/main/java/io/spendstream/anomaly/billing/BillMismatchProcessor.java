package io.spendstream.anomaly.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.BillMismatchHourRecord;
import io.spendstream.anomaly.avro.BillMismatchSkuRecord;
import io.spendstream.anomaly.avro.BillMismatchStateRecord;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.anomaly.core.TicketAlerts;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Reconciliation;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * BILL_MISMATCH per service, from {@code spend.reconciliation} (key = service; one record per service, SKU and hour
 * each time its billed side changes). Keeps the latest estimate and bill of every SKU of each service-hour (store
 * {@value BillMismatchTopology#HOURS_STORE}) and judges the hour as a whole, its SKUs summed
 * ({@link BillMismatchSettings#mismatches}); the open anomaly of each service and the hours it is made of live in
 * {@value BillMismatchTopology#STATE_STORE}. A mismatched hour opens the service's anomaly (FIRING a TICKET) or
 * updates it; an hour that reconciles again (a restated bill, an estimate that caught up) leaves it, and when no
 * mismatched hour is left the anomaly resolves. UNBILLED records are not judged: an estimate without a bill is
 * reported by attribution, and a bill may still come.
 *
 * <p>Hours are forgotten once stream time (the reconciliation records' timestamps) is the billing horizon past them,
 * by a stream-time punctuation every {@link #PURGE_INTERVAL}; an anomaly whose hours were all forgotten resolves then.
 */
public final class BillMismatchProcessor extends DetectorProcessor<Reconciliation> {

    public static final String NOT_BILLED = "spendstream.anomaly.bill.mismatch.unbilled.skipped";
    public static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final String BILLED = "BILLED";

    private final BillMismatchSettings settings;
    private final Duration horizon;
    private KeyValueStore<String, BillMismatchHourRecord> hours;
    private KeyValueStore<String, BillMismatchStateRecord> states;

    public BillMismatchProcessor(BillMismatchSettings settings, Duration horizon, PipelineMetrics metrics,
            OpenAnomalies openAnomalies) {
        super(metrics, openAnomalies);
        this.settings = settings;
        this.horizon = horizon;
    }

    @Override
    protected void open(ProcessorContext<String, Emission> context) {
        this.hours = context.getStateStore(BillMismatchTopology.HOURS_STORE);
        this.states = context.getStateStore(BillMismatchTopology.STATE_STORE);
        countOpen("bill-mismatch", states, state -> true);
        context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    protected void processRecord(Record<String, Reconciliation> record) {
        metrics.recordIn(Stage.NAME);
        Reconciliation reconciliation = record.value();
        if (reconciliation == null || !BILLED.equals(reconciliation.getStatus())) {
            metrics.counter(NOT_BILLED, "stage", Stage.NAME).increment();
            return;
        }
        String service = reconciliation.getService();
        long hour = reconciliation.getWindowStart().toEpochMilli();
        String hourKey = hourKey(service, hour);
        BillMismatchHourRecord hourRecord = hours.get(hourKey);
        Map<String, BillMismatchSkuRecord> skus = hourRecord == null ? new HashMap<>()
                : new HashMap<>(hourRecord.getSkus());
        skus.put(reconciliation.getSku(), new BillMismatchSkuRecord(Money.of(reconciliation.getEstimated()),
                Money.of(reconciliation.getBilled())));
        hours.put(hourKey, new BillMismatchHourRecord(skus));

        BigDecimal estimated = BillMismatchRecords.sum(skus, true);
        BigDecimal billed = BillMismatchRecords.sum(skus, false);
        BillMismatchStateRecord state = states.get(service);
        boolean wasOpen = state != null;
        String hourText = Long.toString(hour);
        if (settings.mismatches(estimated, billed)) {
            AnomalyState event = AnomalyState.UPDATE;
            if (state == null) {
                event = AnomalyState.OPEN;
                String anomalyId = TicketAlerts.anomalyId(BillMismatchRecords.dedupKey(service), hour);
                state = new BillMismatchStateRecord(anomalyId, hour, reconciliation.getTeam(),
                        new HashMap<>());
            }
            Map<String, BigDecimal> mismatched = new HashMap<>(state.getHours());
            mismatched.put(hourText, Money.of(billed.subtract(estimated)));
            state.setHours(mismatched);
            states.put(service, state);
            emit(record, state, event, service, reconciliation.getCurrency(), hour, skus, null);
        } else if (state != null && state.getHours().containsKey(hourText)) {
            Map<String, BigDecimal> mismatched = new HashMap<>(state.getHours());
            mismatched.remove(hourText);
            state.setHours(mismatched);
            if (mismatched.isEmpty()) {
                states.delete(service);
                emit(record, state, AnomalyState.RESOLVED, service, reconciliation.getCurrency(), hour, skus,
                        hour + HOUR_MS);
            } else {
                states.put(service, state);
                emit(record, state, AnomalyState.UPDATE, service, reconciliation.getCurrency(), hour, skus, null);
            }
        }
        openChanged(wasOpen, states.get(service) != null);
    }

    private void emit(Record<String, Reconciliation> record, BillMismatchStateRecord state, AnomalyState event,
            String service, String currency, long hour, Map<String, BillMismatchSkuRecord> skus, Long endedAt) {
        BigDecimal excess = Money.ZERO;
        for (BigDecimal difference : state.getHours().values()) {
            excess = excess.add(difference);
        }
        Anomaly anomaly = BillMismatchRecords.anomaly(state.getAnomalyId(), event, service, currency,
                state.getStartedAt(), hour, skus, Money.of(excess), state.getHours().size(), endedAt,
                settings.thresholdPercent());
        Emission emission = new Emission(anomaly, event == AnomalyState.UPDATE ? null
                : BillMismatchRecords.alert(anomaly, state.getTeam()));
        forward(record, emission);
    }

    /** Forgets the hours the billing horizon has passed, and resolves anomalies left without an hour. */
    private void purge(long streamTime) {
        long oldest = streamTime - horizon.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, BillMismatchHourRecord> all = hours.all()) {
            while (all.hasNext()) {
                String key = all.next().key;
                if (hourOf(key) + HOUR_MS <= oldest) {
                    expired.add(key);
                }
            }
        }
        expired.forEach(hours::delete);
        List<KeyValue<String, BillMismatchStateRecord>> left = new ArrayList<>();
        try (KeyValueIterator<String, BillMismatchStateRecord> all = states.all()) {
            all.forEachRemaining(left::add);
        }
        for (KeyValue<String, BillMismatchStateRecord> entry : left) {
            Map<String, BigDecimal> kept = new HashMap<>(entry.value.getHours());
            if (kept.keySet().removeIf(hour -> Long.parseLong(hour) + HOUR_MS <= oldest)) {
                // The hours left the horizon unreconciled: the ticket stays a record, the state goes.
                entry.value.setHours(kept);
                if (kept.isEmpty()) {
                    states.delete(entry.key);
                    openChanged(true, false);
                } else {
                    states.put(entry.key, entry.value);
                }
            }
        }
    }

    /** {@code service@hour}, the hour zero-padded so one service's hours sort in time. */
    public static String hourKey(String service, long hourStart) {
        return service + "@" + String.format("%015d", hourStart);
    }

    private static long hourOf(String hourKey) {
        return Long.parseLong(hourKey.substring(hourKey.lastIndexOf('@') + 1));
    }
}
