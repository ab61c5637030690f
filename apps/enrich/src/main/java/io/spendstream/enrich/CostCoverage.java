package io.spendstream.enrich;

import java.math.BigDecimal;
import java.math.MathContext;

import io.micrometer.core.instrument.Gauge;
import io.spendstream.avro.Attribution;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * Running attribution coverage of the cost lines this app instance has written to {@code spend.cost.attributed}
 * since it started, published as two gauges:
 *
 * <ul>
 * <li>{@value #UNALLOCATED_SHARE}: the absolute effective cost of unallocated lines divided by the absolute
 * effective cost of all lines. Absolute values, because restatements and credits arrive as negative deltas: summed
 * with their sign, a credit on an untagged resource would hide an equal untagged charge and the share could even go
 * negative or above one. 0 while the lines seen carry no cost.</li>
 * <li>{@value #TAG_COVERAGE}: the share of lines (counted, not weighted by cost) whose owner came from the tag table
 * (source {@value AttributionResolver#SOURCE_TAG_TABLE}), including those the table names a service but no team
 * for. 0 before the first line.</li>
 * </ul>
 *
 * <p>These are process-local dashboard gauges: each instance sees only the partitions it owns, and the totals start
 * from zero on every restart and move when partitions are reassigned. The exact figures are on the topics
 * ({@code spend.cost.attributed}, and the unallocated share per team window on {@code spend.allocation}). The
 * totals are exact {@link BigDecimal}s; only the ratio handed to the gauge is a double. The gauges are functions of
 * the totals, so the ratio is divided when they are read, not for every line (issue 7: that division was 4% of
 * enrich's CPU). Reads and writes no topic and keeps no store. One instance serves every stream thread of the app,
 * so updates and reads are synchronised.
 */
public final class CostCoverage {

    public static final String UNALLOCATED_SHARE = "spendstream.enrich.unallocated.share";
    public static final String TAG_COVERAGE = "spendstream.enrich.tag.coverage";

    private BigDecimal absoluteCost = Money.ZERO;
    private BigDecimal absoluteUnallocatedCost = Money.ZERO;
    private long lines;
    private long tagTableLines;

    public CostCoverage(PipelineMetrics metrics) {
        Gauge.builder(UNALLOCATED_SHARE, this, CostCoverage::unallocatedShare).strongReference(true)
                .register(metrics.registry());
        Gauge.builder(TAG_COVERAGE, this, CostCoverage::tagCoverage).strongReference(true)
                .register(metrics.registry());
    }

    /** Adds one attributed line, its owner and effective cost, to the totals and updates both gauges. */
    public synchronized void add(Attribution attribution, BigDecimal effectiveCost) {
        BigDecimal amount = effectiveCost.abs();
        absoluteCost = absoluteCost.add(amount);
        if (!attribution.getAllocated()) {
            absoluteUnallocatedCost = absoluteUnallocatedCost.add(amount);
        }
        lines++;
        if (AttributionResolver.SOURCE_TAG_TABLE.equals(attribution.getSource())) {
            tagTableLines++;
        }
    }

    private synchronized double tagCoverage() {
        return lines == 0 ? 0.0 : (double) tagTableLines / lines;
    }

    private synchronized double unallocatedShare() {
        if (absoluteCost.signum() == 0) {
            return 0.0;
        }
        return absoluteUnallocatedCost.divide(absoluteCost, MathContext.DECIMAL64).doubleValue();
    }
}
