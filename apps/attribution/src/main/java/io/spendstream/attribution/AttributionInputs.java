package io.spendstream.attribution;


import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.avro.AttributedCost;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.dlq.DeadLetterRoute;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The app's inputs, read once and shared by its topologies (a topic can have only one source node): reads
 * {@code spend.cost.attributed} and {@code spend.apm} (both key = service), drops tombstones (neither topic is
 * compacted, a tombstone carries no cost or traffic), merges them and lets {@link LatenessGate} decide once which
 * records count (store {@value LatenessGate#STREAM_TIME_STORE}); those older than the billing horizon and keyless ones
 * go to {@code spend.dlq}.
 *
 * @param arrivals cost rows and APM summaries inside the billing horizon, each marked whether the real-time windows
 *                 still take it, for unit cost and showback
 * @param costs    cost rows inside the billing horizon, for burn rate
 */
public record AttributionInputs(KStream<String, Arrival> arrivals, KStream<String, AttributedCost> costs) {

    static final String COST_SOURCE = "attribution-cost-source";
    static final String APM_SOURCE = "attribution-apm-source";
    static final String DROP_COST_TOMBSTONES = "attribution-drop-cost-tombstones";
    static final String DROP_APM_TOMBSTONES = "attribution-drop-apm-tombstones";
    static final String COST_ARRIVAL = "attribution-cost-arrival";
    static final String APM_ARRIVAL = "attribution-apm-arrival";
    static final String MERGE = "attribution-merge-arrivals";
    static final String GATE = "attribution-lateness-gate";
    /** Prefix of the processors that send late records to the DLQ and pass the others on. */
    static final String LATENESS = "attribution-lateness";
    static final String ON_TIME_COSTS = "attribution-on-time-costs";
    static final String COST_VALUES = "attribution-cost-values";

    public static AttributionInputs build(StreamsBuilder builder, AppContext context, AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        KStream<String, Arrival> costs = builder
                .stream(topics.costAttributed.name(), topics.costAttributed.consumed(COST_SOURCE))
                .filter((service, cost) -> cost != null, Named.as(DROP_COST_TOMBSTONES))
                .<Arrival>mapValues(cost -> new Arrival.Cost(cost), Named.as(COST_ARRIVAL));
        KStream<String, Arrival> apm = builder
                .stream(topics.apm.name(), topics.apm.consumed(APM_SOURCE))
                .filter((service, summary) -> summary != null, Named.as(DROP_APM_TOMBSTONES))
                .<Arrival>mapValues(summary -> new Arrival.Apm(summary), Named.as(APM_ARRIVAL));

        KStream<String, Validated<Arrival>> gated = costs.merge(apm, Named.as(MERGE))
                .processValues(LatenessGate.supplier(AttributionApp.NAME, GATE, settings, topics,
                        context.metrics()), Named.as(GATE));
        KStream<String, Arrival> onTime = DeadLetterRoute.split(gated, LATENESS, topics);
        KStream<String, AttributedCost> onTimeCosts = onTime
                .filter((service, a) -> a instanceof Arrival.Cost, Named.as(ON_TIME_COSTS))
                .mapValues(a -> ((Arrival.Cost) a).value(), Named.as(COST_VALUES));
        return new AttributionInputs(onTime, onTimeCosts);
    }

}
