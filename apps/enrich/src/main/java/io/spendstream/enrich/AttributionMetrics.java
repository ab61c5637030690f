package io.spendstream.enrich;

import io.spendstream.avro.Attribution;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The enrich app's cost-line meters, on top of the pipeline's records in/out:
 * {@value #ATTRIBUTED} (tag {@code source}: tag-table, focus-tags) and {@value #UNALLOCATED} (tag {@code reason}:
 * no-resource-id, untagged, tag-missing-team). Together they count every line written to
 * {@code spend.cost.attributed}, so the unallocated share of lines is
 * {@code unallocated / (attributed + unallocated)}. Also feeds the coverage gauges of {@link CostCoverage}.
 */
public final class AttributionMetrics {

    public static final String ATTRIBUTED = "spendstream.enrich.attributed";
    public static final String UNALLOCATED = "spendstream.enrich.unallocated";

    private final PipelineMetrics metrics;
    private final String outputTopic;
    private final CostCoverage coverage;

    public AttributionMetrics(PipelineMetrics metrics, String outputTopic) {
        this.metrics = metrics;
        this.outputTopic = outputTopic;
        this.coverage = new CostCoverage(metrics);
    }

    public void costIn() {
        metrics.recordIn(EnrichApp.NAME);
    }

    public void costOut(AttributedLine line) {
        metrics.recordOut(EnrichApp.NAME, outputTopic);
        Attribution attribution = line.attribution();
        if (attribution.getAllocated()) {
            metrics.counter(ATTRIBUTED, "source", attribution.getSource()).increment();
        } else {
            metrics.counter(UNALLOCATED, "reason", attribution.getUnallocatedReason()).increment();
        }
        coverage.add(attribution, line.cost().view().effectiveCost());
    }
}
