package io.spendstream.attribution;

import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;

import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.StreamsApp;

/**
 * The attribution stream app: what each service's traffic costs, per window, as the data arrives.
 *
 * <p>Reads {@code spend.cost.attributed} and {@code spend.apm}; writes {@code spend.unit-cost} (key = service) and
 * late records to {@code spend.dlq}. Keeps the window store {@code unit-cost-<window>} and the store
 * {@value ContributionProcessor#STREAM_TIME_STORE} (see {@link UnitCostTopology}). Settings:
 * {@link AttributionSettings}.
 */
public final class AttributionApp implements StreamsApp {

    public static final String NAME = "attribution";
    public static final String METRICS_PORT = "9403";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of("spendstream.metrics.port", METRICS_PORT);
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        UnitCostTopology.build(builder, context, AttributionSettings.from(context.config()));
    }
}
