package io.spendstream.attribution;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * Turns each {@link Arrival} into its contributions to the unit-cost windows of one size. A real-time size (shorter
 * than an hour) takes only arrivals still on time for it ({@link Arrival#realTime()}, decided by {@link LatenessGate});
 * a ledger size takes every arrival inside the billing horizon.
 *
 * <p>Cost rows are cut by {@link ChargePeriodSpreader} over the finest windows of {@link AttributionSettings}, and
 * for a coarser size those parts are summed per window ({@link ChargePeriodSpreader#rollUp}): so an hour's cost is
 * exactly the sum of its 60 minutes' costs, whatever the rounding of each part. APM summaries go whole to the window
 * of their windowStart. Each contribution is forwarded with its window's start as timestamp, which is what places it
 * in that window downstream. Keeps no state.
 */
public final class ContributionProcessor implements FixedKeyProcessor<String, Arrival, UnitCostTally> {

    public static final String UNSPREAD_ROWS = "spendstream.attribution.cost.rows.unspread";

    private final String stage;
    private final WindowGrid grid;
    private final boolean finest;
    private final boolean realTimeWindows;
    private final ChargePeriodSpreader spreader;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, UnitCostTally> context;

    /** {@code size}: one of {@link AttributionSettings#windows}. */
    ContributionProcessor(String stage, AttributionSettings settings, Duration size, PipelineMetrics metrics) {
        this.stage = stage;
        this.grid = settings.grid(size);
        this.finest = size.equals(settings.finestWindow());
        this.realTimeWindows = AttributionSettings.isRealTime(size);
        this.spreader = new ChargePeriodSpreader(settings.grid(), settings.maxSpread());
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UnitCostTally> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Arrival> record) {
        if (realTimeWindows && !record.value().realTime()) {
            // Past the real-time grace: the gate counted it, and the ledger sizes take it.
            return;
        }
        if (record.value() instanceof Arrival.Cost cost) {
            var row = cost.value().getCost();
            // Whether a row spreads does not depend on the window size: count it once, not once per size.
            if (finest && !spreader.spreads(row.getChargePeriodStart(), row.getChargePeriodEnd())) {
                metrics.counter(UNSPREAD_ROWS, "stage", stage).increment();
            }
            List<ChargePeriodSpreader.Part> parts = spreader.spread(row.getEffectiveCost(),
                    row.getChargePeriodStart(), row.getChargePeriodEnd());
            long start = row.getChargePeriodStart().toEpochMilli();
            // How far a part covers its window: a per-minute row stamped at its minute's start covers the whole
            // minute at once (its cost is a minute's cost, not a second's); a row too long to spread is booked whole
            // in one window and covers it; a row without length covers up to its start.
            boolean bookedWhole = !spreader.spreads(row.getChargePeriodStart(), row.getChargePeriodEnd())
                    && row.getChargePeriodEnd().toEpochMilli() > start;
            long end = bookedWhole ? Long.MAX_VALUE : Math.max(start, row.getChargePeriodEnd().toEpochMilli());
            for (ChargePeriodSpreader.Part part : finest ? parts : ChargePeriodSpreader.rollUp(parts, grid)) {
                long coveredUntil = Math.min(end, part.windowStartMs() + grid.sizeMs());
                UnitCostTally tally = UnitCostAccumulator.ofCost(part.amount(), row.getResourceId(), row.getSkuId(),
                        cost.value().getAttribution().getTeam(), coveredUntil);
                context.forward(record.withValue(tally).withTimestamp(part.windowStartMs()));
            }
        } else if (record.value() instanceof Arrival.Apm apm) {
            long window = grid.startOf(apm.eventTimeMs());
            long coveredUntil = Math.min(Math.max(apm.value().getWindowEnd().toEpochMilli(), apm.eventTimeMs()),
                    window + grid.sizeMs());
            context.forward(record.withValue(UnitCostAccumulator.ofApm(apm.value(), coveredUntil))
                    .withTimestamp(window));
        }
    }
}
