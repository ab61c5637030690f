package io.spendstream.attribution.value;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.attribution.ScopeSpend;
import io.spendstream.attribution.avro.ValueHour;
import io.spendstream.attribution.avro.ValueMinute;
import io.spendstream.attribution.avro.ValueState;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.schemas.Money;

/**
 * Folds a service's sample windows (the finest {@code spend.unit-cost} windows, a minute by default) into hours and
 * writes each hour's {@link ServiceValue} when it closes. Keeps per service a {@link ValueState} in the store
 * {@value ValueTopology#STORE} (as objects, written once per commit) and its unsettled windows in
 * {@value ValueTopology#MINUTES_STORE} (key {@code service@start}, so one service's windows are a range in start
 * order):
 * <ul>
 * <li><b>Settling.</b> Unit cost is written on every update of a window; the latest totals of each unsettled window
 *     are kept. Cost rows and APM summaries reach attribution by different paths (cost through enrich), so in a
 *     backlog one side can run hours ahead of the other in event time. A window settles once <em>both</em> sides of
 *     the service (its newest window with cost rows, its newest with APM data) have a window starting more than
 *     {@link ValueSettings#settle} after it; a side the service has not shown (yet) is waited for until the window
 *     has been stored for {@code maxWait} of wall-clock time (a service without cost rows, or without APM data,
 *     then settles on the side it has). Wall-clock, because event time cannot tell a side that is late in a backlog
 *     from one that never comes. Settled windows are folded in start order; a later update of one is ignored and
 *     counted in {@value #LATE_METRIC} (its money still reaches the hourly unit cost, showback and burn rate).</li>
 * <li><b>Hours.</b> Each settled window adds to its UTC hour's {@link ValueHour}: the hour's totals, its compliant
 *     requests under the service's SLO, and its part of the two trailing fits ({@link WeightedSums}). An hour
 *     closes, and is written, when the first window of a later hour settles; a service that goes quiet keeps its
 *     last hour open until its next window.</li>
 * <li><b>Bounded.</b> A service's state holds one {@link ValueHour} per hour of the longest trailing window
 *     ({@link ValueSettings#keptHours}); its unsettled windows are those of the last {@code maxWait} (wall-clock)
 *     or the lag between its two sides, each its own small entry, deleted when it settles.</li>
 * </ul>
 */
final class ValueProcessor implements Processor<String, UnitCost, String, ServiceValue> {

    public static final String LATE_METRIC = "spendstream.value.late.updates";
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final ValueSettings settings;
    private final ValueFigures figures;
    private final long sampleMs;
    private final long maxWaitMs;
    private final PipelineMetrics metrics;
    private ProcessorContext<String, ServiceValue> context;
    private ReadThroughStates<ValueState> states;
    private KeyValueStore<String, ValueMinute> minutes;

    /** {@code maxWait}: how long (wall-clock) a window waits for a side of its service that lags or never came. */
    ValueProcessor(ValueSettings settings, ValueFigures figures, Duration sampleWindow, Duration maxWait,
            PipelineMetrics metrics) {
        this.settings = settings;
        this.figures = figures;
        this.sampleMs = sampleWindow.toMillis();
        this.maxWaitMs = maxWait.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ServiceValue> context) {
        this.context = context;
        // New objects on every (re)initialisation: a revived task restores its stores, objects from before are stale.
        this.states = new ReadThroughStates<>(context.getStateStore(ValueTopology.STORE),
                ValueTopology.CACHED_SERVICES);
        this.minutes = context.getStateStore(ValueTopology.MINUTES_STORE);
    }

    @Override
    public void process(Record<String, UnitCost> record) {
        ReadThroughStates.clearingOnFailure(() -> processRecord(record), states);
    }

    private void processRecord(Record<String, UnitCost> record) {
        UnitCost window = record.value();
        String service = record.key();
        if (window == null || service == null) {
            return;
        }
        ValueState state = states.get(service);
        if (state == null) {
            state = new ValueState(Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, new ArrayList<>());
        }
        long start = window.getWindowStart().toEpochMilli();
        if (start < state.getSettledBefore()) {
            metrics.counter(LATE_METRIC, "stage", AttributionApp.NAME).increment();
            return;
        }
        String key = minuteKey(service, start);
        ValueMinute before = minutes.get(key);
        long now = context.currentSystemTimeMs();
        minutes.put(key, minute(window, before == null ? now : before.getFirstSeenMs()));
        if (window.getCostRecords() > 0) {
            state.setNewestCost(Math.max(state.getNewestCost(), start));
        }
        if (window.getApmRecords() > 0) {
            state.setNewestApm(Math.max(state.getNewestApm(), start));
        }
        List<ValueHour> hours = new ArrayList<>(state.getHours());
        long settle = settings.settle().toMillis();
        long lagging = Math.min(state.getNewestCost(), state.getNewestApm());
        long ahead = Math.max(state.getNewestCost(), state.getNewestApm());
        // Both sides past it: settles. Only the side ahead past it: settles once it has waited maxWait.
        long bothLine = lagging == Long.MIN_VALUE ? 0 : Math.max(0, lagging - settle);
        long aheadLine = Math.max(0, ahead - settle);
        if (aheadLine > 0) {
            // Settled windows were deleted: start the read at the settled line, not at 0, so it never walks their
            // tombstones. Read only the windows that settle now, in start order, and the first that does not: the
            // rest wait behind it. Reading every unsettled window here made each record's cost grow with how far
            // one side of the service lags the other (issue 18: attribution slowed down while it ran).
            List<KeyValue<String, ValueMinute>> settling = new ArrayList<>();
            long from = Math.max(0, state.getSettledBefore());
            if (from < aheadLine) {
                try (KeyValueIterator<String, ValueMinute> range = minutes.range(minuteKey(service, from),
                        minuteKey(service, aheadLine - 1))) {
                    while (range.hasNext()) {
                        KeyValue<String, ValueMinute> candidate = range.next();
                        ValueMinute minute = candidate.value;
                        if (minute.getWindowStart() >= bothLine && now - minute.getFirstSeenMs() < maxWaitMs) {
                            break;
                        }
                        settling.add(candidate);
                    }
                }
            }
            // Deleted after the read: the iterator must not see the store change under it.
            for (KeyValue<String, ValueMinute> settled : settling) {
                ValueMinute minute = settled.value;
                settle(service, minute, hours, record);
                minutes.delete(settled.key);
                state.setSettledBefore(minute.getWindowStart() + sampleMs);
            }
        }
        state.setHours(hours);
        states.put(service, state);
    }

    /** {@code service@start}, the start zero-padded so one service's windows sort in time. */
    static String minuteKey(String service, long start) {
        return ScopeSpend.timeKey(service, start);
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

    private static ValueMinute minute(UnitCost w, long firstSeenMs) {
        return new ValueMinute(w.getWindowStart().toEpochMilli(), Money.of(w.getCost()), w.getRequests(),
                w.getErrors(), w.getConversionCount(), Money.of(w.getRevenue()), w.getLatencyP95Ms(),
                w.getCostRecords(), w.getApmRecords(), w.getTeam(), firstSeenMs);
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
