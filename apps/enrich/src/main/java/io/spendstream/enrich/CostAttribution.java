package io.spendstream.enrich;

import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.AppContext;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Attributes every cost line: reads {@code spend.cost} (key chargeId, event time = ChargePeriodStart), re-keys lines
 * that have a ResourceId (a provider-split row: its AllocatedResourceId) through the repartition topic {@value #REPARTITION} (co-partitioned with
 * {@code spend.tags}), left-joins them with the versioned tag table as of their own timestamp, and resolves the
 * owner with {@link AttributionResolver}. Lines without a ResourceId cannot join and go straight to the resolver.
 * Writes {@code spend.cost.attributed} (key = service, or {@code unallocated}) with the input record's timestamp.
 *
 * <p>No line is dropped: every non-null cost record in produces exactly one attributed record out, unallocated if
 * need be. Keeps no store of its own; with {@link EnrichSettings#joinGrace()} above zero the join keeps a
 * RocksDB buffer named after {@value #JOIN}.
 */
public final class CostAttribution {

    static final String SOURCE = "cost-source";
    static final String DROP_TOMBSTONES = "cost-drop-tombstones";
    static final String COUNT_IN = "cost-count-in";
    static final String SPLIT = "cost-";
    static final String WITH_RESOURCE = "with-resource";
    static final String WITHOUT_RESOURCE = "without-resource";
    static final String KEY_BY_RESOURCE = "cost-key-by-resource";
    static final String REPARTITION = "cost-by-resource";
    static final String JOIN = "cost-join-tags";
    static final String RESOLVE_WITHOUT_RESOURCE = "cost-resolve-without-resource";
    static final String MERGE = "cost-merge-attributed";
    static final String KEY_BY_SERVICE = "cost-key-by-service";
    static final String COUNT_OUT = "cost-count-out";
    static final String SINK = "cost-attributed-sink";

    private CostAttribution() {
    }

    public static void build(StreamsBuilder builder, AppContext context, EnrichSettings settings,
            KTable<String, ResourceTags> tags) {
        SpendstreamTopics topics = context.topics();
        AttributionResolver resolver = new AttributionResolver(new FocusTagReader(settings.focusTags()));
        AttributionMetrics metrics = new AttributionMetrics(context.metrics(), topics.costAttributed.name());

        Map<String, KStream<String, CostRecord>> byResource = builder
                .stream(topics.cost.name(), topics.cost.consumed(SOURCE))
                // spend.cost is not compacted and restatements arrive as deltas, so a null value carries no cost.
                .filter((chargeId, cost) -> cost != null, Named.as(DROP_TOMBSTONES))
                .peek((chargeId, cost) -> metrics.costIn(), Named.as(COUNT_IN))
                .split(Named.as(SPLIT))
                .branch((chargeId, cost) -> AttributionResolver.hasResourceId(cost), Branched.as(WITH_RESOURCE))
                .defaultBranch(Branched.as(WITHOUT_RESOURCE));

        KStream<String, AttributedCost> joined = byResource.get(SPLIT + WITH_RESOURCE)
                .selectKey((chargeId, cost) -> AttributionResolver.attributionResourceId(cost), Named.as(KEY_BY_RESOURCE))
                // Same key serde as spend.tags (plain UTF-8), so a ResourceId lands on the partition of its tags.
                .repartition(Repartitioned.<String, CostRecord>as(REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.cost.valueSerde()))
                .leftJoin(tags, resolver::resolve, joined(topics, settings));

        KStream<String, AttributedCost> unjoinable = byResource.get(SPLIT + WITHOUT_RESOURCE)
                .mapValues(cost -> resolver.resolve(cost, null), Named.as(RESOLVE_WITHOUT_RESOURCE));

        joined.merge(unjoinable, Named.as(MERGE))
                .selectKey((key, attributed) -> AttributionResolver.keyOf(attributed.getAttribution()),
                        Named.as(KEY_BY_SERVICE))
                .peek((service, attributed) -> metrics.costOut(attributed), Named.as(COUNT_OUT))
                .to(topics.costAttributed.name(), topics.costAttributed.produced(SINK));
    }

    private static Joined<String, CostRecord, ResourceTags> joined(SpendstreamTopics topics, EnrichSettings settings) {
        Joined<String, CostRecord, ResourceTags> joined = Joined
                .with(Serdes.String(), topics.cost.valueSerde(), topics.avroSerde(ResourceTags.class))
                .withName(JOIN);
        // Without a grace period the join does not buffer: a cost is attributed at once with the tags known then.
        return settings.joinGrace().isZero() ? joined : joined.withGracePeriod(settings.joinGrace());
    }
}
