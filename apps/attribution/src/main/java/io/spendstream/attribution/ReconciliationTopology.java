package io.spendstream.attribution;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.attribution.avro.ReconciliationHour;
import io.spendstream.avro.AttributedCost;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.config.BillLag;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.state.WriteBackKeyValueStore;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Estimate versus bill per service, SKU and hour, to {@code spend.reconciliation} (key = service): the on-time cost
 * rows that ingest marked as taking part in estimate supersession ({@code estimateSku} set) go to
 * {@link ReconciliationProcessor} (RocksDB store {@value #STORE}, its busy entries kept as objects and written once per
 * commit by {@link WriteBackKeyValueStore}). The input is already partitioned by service (the
 * key of {@code spend.cost.attributed}), so there is no repartition.
 */
public final class ReconciliationTopology {

    public static final String STORE = "attribution-reconciliation-hours";
    /** Service, SKU and hour entries per task kept as objects: a few busy hours of the default estate. */
    static final int CACHED_HOURS = 10_000;
    static final String ESTIMATE_ROWS = "reconciliation-estimate-rows";
    static final String PROCESSOR = "reconcile-estimates";
    static final String COUNT_OUT = "reconciliation-count-out";
    static final String SINK = "reconciliation-sink";

    private ReconciliationTopology() {
    }

    public static void build(StreamsBuilder builder, KStream<String, AttributedCost> costs, AppContext context,
            AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        // Written back once per commit (issue 18): every metered row rewrote its hour (all its resources) into the
        // store and its changelog. Same store, serde and changelog as before.
        builder.addStateStore(WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), topics.avroSerde(ReconciliationHour.class)),
                CACHED_HOURS));
        costs.filter((service, cost) -> cost.getCost().getEstimateSku() != null, Named.as(ESTIMATE_ROWS))
                .process(() -> new ReconciliationProcessor(settings, BillingHorizon.from(context.config()),
                        BillLag.from(context.config()), context.metrics()), Named.as(PROCESSOR), STORE)
                .peek((service, r) -> context.metrics().recordOut(AttributionApp.NAME, topics.reconciliation.name()),
                        Named.as(COUNT_OUT))
                .to(topics.reconciliation.name(), topics.reconciliation.produced(SINK));
    }
}
