package io.spendstream.enrich;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KTable;

import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The enrich stream app: gives every cost line its owner, as of the line's own event time.
 *
 * <p>Reads {@code spend.tags} (tag JSON per ResourceId) and {@code spend.cost}; writes
 * {@code spend.cost.attributed} (key = service, or {@code unallocated}) and rejects to {@code spend.dlq}. Keeps the
 * versioned tag store {@value ResourceTagsTable#STORE}, the store {@value TagVersioningProcessor#SEEN_STORE} and
 * the repartition topic {@value CostAttribution#REPARTITION}. Settings: {@link EnrichSettings}.
 */
public final class EnrichApp implements StreamsApp {

    public static final String NAME = "enrich";
    public static final String METRICS_PORT = "9402";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppTopics topics(SpendstreamTopics topics) {
        return new AppTopics(List.of(topics.cost, topics.tags), List.of(), List.of(topics.costAttributed),
                topics.dlq);
    }

    @Override
    public List<String> deadLetterReasons() {
        return DeadLetterReasons.Enrich.ALL;
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of("spendstream.metrics.port", METRICS_PORT);
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        EnrichSettings settings = EnrichSettings.from(context.config());
        KTable<String, ResourceTags> tags = ResourceTagsTable.build(builder, context, settings);
        CostAttribution.build(builder, context, settings, tags);
    }
}
