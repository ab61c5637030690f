package io.spendstream.ingest;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.ingest.avro.EstimateDay;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.state.WriteBackKeyValueStore;

/**
 * The usage path's estimate step, between restatement and the {@code spend.cost} sink: rows that take part
 * ({@link EstimateMatch}) are re-partitioned by match key (repartition topic
 * {@code <application.id>-}{@value IngestApp#ESTIMATE_REPARTITION}{@code -repartition}) to
 * {@link EstimateSupersession} (store {@value IngestApp#ESTIMATE_STORE}); the others skip it. With
 * {@value EstimateSettings#SUPERSEDE}{@code =false} the step is not built at all.
 */
final class EstimateSupersessionTopology {

    private EstimateSupersessionTopology() {
    }

    /** The rows after the step (keys are not kept: the sink re-keys by charge identity). */
    static KStream<String, CostLine> build(StreamsBuilder builder, KStream<String, CostLine> rows,
            AppContext context, EstimateSettings settings) {
        if (!settings.supersede()) {
            return rows;
        }
        EstimateMatch match = new EstimateMatch(settings.match());
        var branches = rows.split(Named.as(IngestApp.ESTIMATE_SPLIT))
                .branch((key, line) -> match.takesPart(line.record()), Branched.as("matching"))
                .defaultBranch(Branched.as("other"));
        // Each metered row updates its match key's day: the days are kept as objects and written once per commit.
        builder.addStateStore(WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(IngestApp.ESTIMATE_STORE), Serdes.String(),
                context.topics().avroSerde(EstimateDay.class)), EstimateSupersession.CACHED_DAYS));
        KStream<String, CostLine> superseded = branches.get(IngestApp.ESTIMATE_MATCHING)
                .selectKey((key, line) -> match.key(line.record()), Named.as(IngestApp.KEY_BY_MATCH))
                // A resource's estimates and its bill come from different charges (other identities, other tasks).
                // Lines as read from the charge-identity topic go through as their bytes (CostLineSerde).
                .repartition(Repartitioned.<String, CostLine>as(IngestApp.ESTIMATE_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new CostLineSerde(context.topics().avroValues(context.topics().cost))))
                .process(() -> new EstimateSupersession(settings, context.metrics()), Named.as(IngestApp.SUPERSEDE),
                        IngestApp.ESTIMATE_STORE);
        return superseded.merge(branches.get(IngestApp.ESTIMATE_OTHER), Named.as(IngestApp.ESTIMATE_MERGE));
    }
}
