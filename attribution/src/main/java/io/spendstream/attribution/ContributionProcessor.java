package io.spendstream.attribution;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * Turns each on-time {@link Arrival} (see {@link LatenessGate}) into its per-window unit-cost contributions.
 *
 * <p>Cost rows are cut by {@link ChargePeriodSpreader}, APM summaries go whole to the window of their windowStart;
 * each contribution is forwarded with its window's start as timestamp, which is what places it in that window
 * downstream. Keeps no state.
 */
public final class ContributionProcessor implements FixedKeyProcessor<String, Arrival, UnitCostTally> {

    public static final String UNSPREAD_ROWS = "spendstream.attribution.cost.rows.unspread";

    private final String stage;
    private final WindowGrid grid;
    private final ChargePeriodSpreader spreader;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, UnitCostTally> context;

    ContributionProcessor(String stage, AttributionSettings settings, PipelineMetrics metrics) {
        this.stage = stage;
        this.grid = settings.grid();
        this.spreader = new ChargePeriodSpreader(grid, settings.maxSpread());
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UnitCostTally> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Arrival> record) {
        if (record.value() instanceof Arrival.Cost cost) {
            var row = cost.value().getCost();
            if (!spreader.spreads(row.getChargePeriodStart(), row.getChargePeriodEnd())) {
                metrics.counter(UNSPREAD_ROWS, "stage", stage).increment();
            }
            for (ChargePeriodSpreader.Part part : spreader.spread(row.getEffectiveCost(), row.getChargePeriodStart(),
                    row.getChargePeriodEnd())) {
                context.forward(record.withValue(UnitCostAccumulator.ofCost(part.amount()))
                        .withTimestamp(part.windowStartMs()));
            }
        } else if (record.value() instanceof Arrival.Apm apm) {
            context.forward(record.withValue(UnitCostAccumulator.ofApm(apm.value()))
                    .withTimestamp(grid.startOf(apm.eventTimeMs())));
        }
    }
}
