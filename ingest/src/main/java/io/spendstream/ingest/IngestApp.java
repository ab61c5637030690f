package io.spendstream.ingest;

import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.dlq.DeadLetterRoute;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The ingest stream app: validates and normalises raw JSON input. Reads {@code spend.usage.raw} (FOCUS rows, parsed
 * by {@link FocusRowParser}) and writes {@code spend.cost} keyed by {@link ChargeIdentity} with the record timestamp
 * set to ChargePeriodStart; reads {@code spend.apm.raw} (APM interval summaries, {@link ApmSummaryParser}) and writes
 * {@code spend.apm} keyed by service with the timestamp set to windowStart. Rejected records go to {@code spend.dlq}
 * with a reason from {@link IngestReasons} and their exact bytes. Stateless: no stores.
 */
public final class IngestApp implements StreamsApp {

    public static final String NAME = "ingest";

    static final String USAGE_SOURCE = "usage-raw-source";
    static final String USAGE_PARSE = "parse-focus-row";
    static final String COST_KEY = "cost-by-charge-id";
    static final String COST_SINK = "cost-sink";
    static final String APM_SOURCE = "apm-raw-source";
    static final String APM_PARSE = "parse-apm-summary";
    static final String APM_KEY = "apm-by-service";
    static final String APM_SINK = "apm-sink";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of("spendstream.metrics.port", "9401");
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        IngestSettings settings = IngestSettings.from(context.config());
        buildUsage(builder, context, new FocusRowParser(settings.reportingCurrency()));
        buildApm(builder, context, new ApmSummaryParser(settings.reportingCurrency()));
    }

    private static void buildUsage(StreamsBuilder builder, AppContext context, FocusRowParser parser) {
        SpendstreamTopics topics = context.topics();
        KStream<byte[], CostRecord> rows = DeadLetterRoute.parse(
                builder.stream(topics.usageRaw.name(), topics.usageRaw.consumed(USAGE_SOURCE)),
                USAGE_PARSE, NAME, parser, topics, context.metrics());
        rows.process(() -> new EventTimeKeyer<byte[], CostRecord>(CostRecord::getChargeId,
                        CostRecord::getChargePeriodStart, context.metrics(), NAME, topics.cost.name()),
                        Named.as(COST_KEY))
                .to(topics.cost.name(), topics.cost.produced(COST_SINK));
    }

    private static void buildApm(StreamsBuilder builder, AppContext context, ApmSummaryParser parser) {
        SpendstreamTopics topics = context.topics();
        KStream<byte[], ApmRecord> summaries = DeadLetterRoute.parse(
                builder.stream(topics.apmRaw.name(), topics.apmRaw.consumed(APM_SOURCE)),
                APM_PARSE, NAME, parser, topics, context.metrics());
        summaries.process(() -> new EventTimeKeyer<byte[], ApmRecord>(ApmRecord::getService,
                        ApmRecord::getWindowStart, context.metrics(), NAME, topics.apm.name()),
                        Named.as(APM_KEY))
                .to(topics.apm.name(), topics.apm.produced(APM_SINK));
    }
}
