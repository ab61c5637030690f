package io.spendstream.attribution.value;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.attribution.avro.ValueHour;
import io.spendstream.attribution.avro.ValueMinute;
import io.spendstream.attribution.avro.ValueState;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * Folds a service's sample windows (the finest {@code spend.unit-cost} windows, a minute by default) into hours and
 * writes each hour's {@link ServiceValue} when it closes. Keeps one {@link ValueState} per service in the store
 * {@value ValueTopology#STORE}:
 * <ul>
 * <li><b>Settling.</b> Unit cost is written on every update of a window; the latest totals of each unsettled window
 *     are kept, and a window settles once the service has a window starting more than
 *     {@link ValueSettings#settle} after it (or when more than {@value #PENDING_CAP} are pending, the oldest).
 *     Settled windows are folded in start order; a later update of one is ignored and counted in
 *     {@value #LATE_METRIC} (its money still reaches the hourly unit cost, showback and burn rate).</li>
 * <li><b>Hours.</b> Each settled window adds to its UTC hour's {@link ValueHour}: the hour's totals, its compliant
 *     requests under the service's SLO, and its part of the two trailing fits ({@link WeightedSums}). An hour
 *     closes, and is written, when the first window of a later hour settles; a service that goes quiet keeps its
 *     last hour open until its next window.</li>
 * <li><b>Bounded.</b> The state holds at most {@value #PENDING_CAP} pending windows and one {@link ValueHour} per
 *     hour of the longest trailing window ({@link ValueSettings#keptHours}), whatever the traffic.</li>
 * </ul>
 */
final class ValueProcessor implements Processor<String, UnitCost, String, ServiceValue> {

    public static final String LATE_METRIC = "spendstream.value.late.updates";
    static final int PENDING_CAP = 120;
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final ValueSettings settings;
    private final ValueFigures figures;
    private final long sampleMs;
    private final PipelineMetrics metrics;
    private ProcessorContext<String, ServiceValue> context;
    private KeyValueStore<String, ValueState> store;

    ValueProcessor(ValueSettings settings, ValueFigures figures, Duration sampleWindow, PipelineMetrics metrics) {
        this.settings = settings;
        this.figures = figures;
        this.sampleMs = sampleWindow.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ServiceValue> context) {
        this.context = context;
        this.store = context.getStateStore(ValueTopology.STORE);
    }

    @Override
    public void process(Record<String, UnitCost> record) {
        UnitCost window = record.value();
        String service = record.key();
        if (window == null || service == null) {
            return;
        }
        ValueState state = store.get(service);
        if (state == null) {
            state = new ValueState(Long.MIN_VALUE, new ArrayList<>(), new ArrayList<>());
        }
        long start = window.getWindowStart().toEpochMilli();
        if (start < state.getSettledBefore()) {
            metrics.counter(LATE_METRIC, "stage", AttributionApp.NAME).increment();
            return;
        }
        List<ValueMinute> pending = new ArrayList<>(state.getPending());
        pending.removeIf(m -> m.getWindowStart() == start);
        pending.add(minute(window));
        pending.sort(Comparator.comparingLong(ValueMinute::getWindowStart));
        long newest = pending.get(pending.size() - 1).getWindowStart();
        long settleLine = newest - settings.settle().toMillis();
        List<ValueHour> hours = new ArrayList<>(state.getHours());
        while (!pending.isEmpty() && (pending.get(0).getWindowStart() < settleLine || pending.size() > PENDING_CAP)) {
            ValueMinute settled = pending.remove(0);
            settle(service, settled, hours, record);
            state.setSettledBefore(settled.getWindowStart() + sampleMs);
        }
        state.setPending(pending);
        state.setHours(hours);
        store.put(service, state);
    }

    private void settle(String service, ValueMinute minute, List<ValueHour> hours, Record<String, UnitCost> record) {
        long hourStart = Math.floorDiv(minute.getWindowStart(), HOUR_MS) * HOUR_MS;
        ValueHour open = hours.isEmpty() ? null : hours.get(hours.size() - 1);
        if (open == null || open.getHourStart() < hourStart) {
            if (open != null) {
                context.forward(record.withValue(figures.of(service, hours, open)));
            }
            long oldest = hourStart - (settings.keptHours() - 1) * HOUR_MS;
            hours.removeIf(h -> h.getHourStart() < oldest);
            open = emptyHour(hourStart);
            hours.add(open);
        }
        add(open, minute, settings.slo(service));
    }

    private static ValueMinute minute(UnitCost w) {
        return new ValueMinute(w.getWindowStart().toEpochMilli(), Money.of(w.getCost()), w.getRequests(),
                w.getErrors(), w.getConversionCount(), Money.of(w.getRevenue()), w.getLatencyP95Ms(),
                w.getCostRecords(), w.getApmRecords(), w.getTeam());
    }

    private static ValueHour emptyHour(long hourStart) {
        return new ValueHour(hourStart, 0, Money.ZERO, 0L, 0L, 0L, Money.ZERO, 0L, null,
                WeightedSums.EMPTY.toRecord(), WeightedSums.EMPTY.toRecord());
    }

    /** Adds one settled window to its hour. */
    static void add(ValueHour hour, ValueMinute m, ValueSettings.Slo slo) {
        Double p95 = m.getLatencyP95Ms();
        boolean hasLatency = p95 != null && !p95.isNaN() && !p95.isInfinite();
        hour.setMinutes(hour.getMinutes() + 1);
        hour.setCost(Money.add(hour.getCost(), m.getCost()));
        hour.setRequests(hour.getRequests() + m.getRequests());
        hour.setErrors(hour.getErrors() + m.getErrors());
        hour.setConversionCount(hour.getConversionCount() + m.getConversionCount());
        hour.setRevenue(Money.add(hour.getRevenue(), m.getRevenue()));
        if (m.getTeam() != null) {
            hour.setTeam(m.getTeam());
        }
        // Window-based latency SLI: the minute's successful requests comply when its p95 is within the threshold
        // (a minute without a p95 is judged on success alone). See docs/value.md for what this approximates.
        long successful = Math.max(0, m.getRequests() - m.getErrors());
        boolean slow = slo.latencyMs() != null && hasLatency && p95 > slo.latencyMs();
        hour.setCompliantRequests(hour.getCompliantRequests() + (slow ? 0 : successful));
        if (m.getRequests() > 0 && hasLatency) {
            hour.setLatency(WeightedSums.fromRecord(hour.getLatency()).plus(WeightedSums.ofWeighted(
                    BigDecimal.valueOf(m.getRequests()), BigDecimal.valueOf(p95),
                    BigDecimal.valueOf(m.getConversionCount()))).toRecord());
        }
        if (m.getCostRecords() > 0 && m.getApmRecords() > 0) {
            hour.setScaling(WeightedSums.fromRecord(hour.getScaling())
                    .plus(WeightedSums.of(BigDecimal.valueOf(m.getRequests()), m.getCost())).toRecord());
        }
    }
}
