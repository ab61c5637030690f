package io.spendstream.enrich;

import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.AppContext;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.serde.ForwardedRecord;
import io.spendstream.schemas.serde.ForwardingAvroSerde;
import io.spendstream.schemas.serde.ForwardingRecordWriter;

/**
 * Attributes every cost line: reads {@code spend.cost} (key chargeId, event time = ChargePeriodStart), re-keys lines
 * that have a ResourceId (a provider-split row: its AllocatedResourceId) through the repartition topic
 * {@value #REPARTITION} (co-partitioned with {@code spend.tags}), left-joins them with the versioned tag table as of
 * their own timestamp, and resolves the owner with {@link AttributionResolver}. Lines without a ResourceId cannot join
 * and go straight to the resolver. Writes {@code spend.cost.attributed} (key = service, or {@code unallocated}) with
 * the input record's timestamp.
 *
 * <p>A line is not decoded whole (issue 18: decoding and encoding its ~40 fields twice each was half of enrich's
 * CPU): {@link ForwardingAvroSerde} decodes the fields of {@link CostLineFields} and keeps the bytes ingest wrote,
 * which go through the repartition topic as they are, and {@link ForwardingRecordWriter} writes the attributed
 * record as those bytes followed by the {@code Attribution}. A line written with another schema than the one
 * {@code AttributedCost} nests (an older producer) is decoded and written whole, so the output is always an
 * {@code AttributedCost} of the registered schema.
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
    static final String WRITE = "cost-write-attributed";
    static final String SINK = "cost-attributed-sink";

    private CostAttribution() {
    }

    public static void build(StreamsBuilder builder, AppContext context, EnrichSettings settings,
            KTable<String, ResourceTags> tags) {
        SpendstreamTopics topics = context.topics();
        AttributionResolver resolver = new AttributionResolver(new FocusTagReader(settings.focusTags()));
        AttributionMetrics metrics = new AttributionMetrics(context.metrics(), topics.costAttributed.name());
        ForwardingAvroSerde<CostLineFields> lines = new ForwardingAvroSerde<>(topics.avroValues(topics.cost),
                CostLineFields.FIELDS, CostLineFields::of);
        ForwardingRecordWriter<CostRecord, Attribution, AttributedCost> attributedCost = new ForwardingRecordWriter<>(
                topics.avroValues(topics.costAttributed), topics.avroValues(topics.cost), Attribution.class,
                AttributedCost::new);
        String output = topics.costAttributed.name();

        Map<String, KStream<String, ForwardedRecord<CostLineFields>>> byResource = builder
                .stream(topics.cost.name(), Consumed.with(topics.cost.keySerde(), lines).withName(SOURCE))
                // spend.cost is not compacted and restatements arrive as deltas, so a null value carries no cost.
                .filter((chargeId, line) -> line != null, Named.as(DROP_TOMBSTONES))
                .peek((chargeId, line) -> metrics.costIn(), Named.as(COUNT_IN))
                .split(Named.as(SPLIT))
                .branch((chargeId, line) -> line.view().hasResourceId(), Branched.as(WITH_RESOURCE))
                .defaultBranch(Branched.as(WITHOUT_RESOURCE));

        KStream<String, AttributedLine> joined = byResource.get(SPLIT + WITH_RESOURCE)
                .selectKey((chargeId, line) -> line.view().attributionResourceId(), Named.as(KEY_BY_RESOURCE))
                // Same key serde as spend.tags (plain UTF-8), so a ResourceId lands on the partition of its tags.
                .repartition(Repartitioned.<String, ForwardedRecord<CostLineFields>>as(REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(lines))
                .leftJoin(tags, (line, tableTags) -> new AttributedLine(line, resolver.resolve(line.view(), tableTags)),
                        joined(lines, topics, settings));

        KStream<String, AttributedLine> unjoinable = byResource.get(SPLIT + WITHOUT_RESOURCE)
                .mapValues(line -> new AttributedLine(line, resolver.resolve(line.view(), null)),
                        Named.as(RESOLVE_WITHOUT_RESOURCE));

        joined.merge(unjoinable, Named.as(MERGE))
                .selectKey((key, line) -> AttributionResolver.keyOf(line.attribution()), Named.as(KEY_BY_SERVICE))
                .peek((service, line) -> metrics.costOut(line), Named.as(COUNT_OUT))
                .mapValues(line -> attributedCost.write(output, line.cost(), line.attribution()), Named.as(WRITE))
                .to(output, Produced.with(topics.costAttributed.keySerde(), Serdes.ByteArray()).withName(SINK));
    }

    private static Joined<String, ForwardedRecord<CostLineFields>, ResourceTags> joined(
            ForwardingAvroSerde<CostLineFields> lines, SpendstreamTopics topics, EnrichSettings settings) {
        Joined<String, ForwardedRecord<CostLineFields>, ResourceTags> joined = Joined
                .with(Serdes.String(), lines, topics.avroSerde(ResourceTags.class))
                .withName(JOIN);
        // Without a grace period the join does not buffer: a cost is attributed at once with the tags known then.
        return settings.joinGrace().isZero() ? joined : joined.withGracePeriod(settings.joinGrace());
    }
}
