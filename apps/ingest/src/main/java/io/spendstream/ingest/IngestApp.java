package io.spendstream.ingest;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.CostRecord;
import io.spendstream.ingest.avro.ChargeState;
import io.spendstream.ingest.avro.EstimateDay;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.dlq.DeadLetterRoute;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * The ingest stream app: validates and normalises raw JSON input.
 * <ul>
 *   <li>{@code spend.usage.raw} (FOCUS rows): parsed ({@link FocusRowParser}), priced and converted to the
 *       reporting currency ({@link ChargeValuation} over the global tables of {@code spend.prices} and
 *       {@code spend.fx-rates}, stores {@value #PRICES_STORE} and {@value #FX_RATES_STORE}), re-partitioned by
 *       {@link ChargeIdentity} (repartition topic {@value #IDENTITY_REPARTITION}), matched against earlier versions
 *       ({@link RestatementProcessor}, RocksDB store {@value #IDENTITY_STORE}) and written to {@code spend.cost} keyed
 *       by charge identity, with the record timestamp set to ChargePeriodStart; on the way metered estimates give
 *       way to the bill ({@link EstimateSupersessionTopology});</li>
 *   <li>{@code spend.apm.raw} (APM interval summaries or OTLP JSON traces, {@link ApmInputParser}): written to
 *       {@code spend.apm} keyed by service with the timestamp set to windowStart; the GenAI model calls of its OTLP
 *       traces ({@link GenAiSpanParser}) join the FOCUS rows before valuation, priced from {@code spend.prices}
 *       ({@link ModelPrice}) as metered estimates of the calling service.</li>
 * </ul>
 * Rejected records go to {@code spend.dlq} with a reason from {@link Ingest DeadLetterReasons.Ingest} and their exact bytes.
 */
public final class IngestApp implements StreamsApp {

    public static final String NAME = "ingest";

    static final String USAGE_SOURCE = "usage-raw-source";
    static final String USAGE_PARSE = "parse-focus-row";
    static final String VALUE_CHARGE = "value-charge";
    static final String KEY_BY_IDENTITY = "key-by-charge-identity";
    static final String IDENTITY_REPARTITION = "charge-identity";
    static final String RESTATE = "restate-charge";
    static final String ESTIMATE_SPLIT = "estimate-match-";
    static final String ESTIMATE_MATCHING = ESTIMATE_SPLIT + "matching";
    static final String ESTIMATE_OTHER = ESTIMATE_SPLIT + "other";
    static final String KEY_BY_MATCH = "key-by-estimate-match";
    static final String ESTIMATE_REPARTITION = "estimate-match";
    static final String SUPERSEDE = "supersede-estimates";
    static final String ESTIMATE_MERGE = "merge-estimate-match";
    static final String COST_KEY = "cost-by-charge-id";
    static final String COST_SINK = "cost-sink";
    static final String PRICES_SOURCE = "prices-source";
    static final String FX_RATES_SOURCE = "fx-rates-source";
    static final String APM_SOURCE = "apm-raw-source";
    static final String APM_PARSE = "parse-apm-summary";
    static final String APM_FLATTEN = "apm-records";
    static final String APM_KEY = "apm-by-service";
    static final String APM_SINK = "apm-sink";
    static final String GENAI_READ = "read-genai-calls";
    static final String GENAI_CALLS = "genai-calls";
    static final String GENAI_MERGE = "merge-genai-calls";

    /** Global store of {@code spend.prices} (SkuPriceId to the entry's JSON bytes). */
    public static final String PRICES_STORE = "prices";
    /** Global store of {@code spend.fx-rates} (currency code to the entry's JSON bytes). */
    public static final String FX_RATES_STORE = "fx-rates";
    /** RocksDB store of the last version of each charge, by charge identity ({@link ChargeState}). */
    public static final String IDENTITY_STORE = "charge-identity";
    /** RocksDB store of each match key's estimates and bills per UTC day ({@link EstimateDay}). */
    public static final String ESTIMATE_STORE = "estimate-days";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppTopics topics(SpendstreamTopics topics) {
        return new AppTopics(List.of(topics.usageRaw, topics.apmRaw), List.of(topics.prices, topics.fxRates),
                List.of(topics.cost, topics.apm), topics.dlq);
    }

    @Override
    public List<String> deadLetterReasons() {
        return Ingest.ALL;
    }

    @Override
    public Map<String, String> defaults() {
        // The global tables' start-up read waits fetch.max.wait.ms (500) on each fetch that finds nothing new: 2.7 s
        // of every start at 500, 0.4 s at 50 (bench, 2026-11-24). Idle, it is 20 empty fetches a second.
        // max.task.idle.ms -1: a task reads spend.usage.raw and spend.apm.raw, which only merge (no join, no state
        // that needs their records in time order), so it never waits for the empty one; with the default 0, Kafka
        // 4.3.1 formats a log message for each empty partition on every readiness check (PartitionGroup
        // .readyToProcess: 4.7% of ingest's CPU samples in the bench).
        return Map.of("spendstream.metrics.port", "9401", "global.consumer.fetch.max.wait.ms", "50",
                "max.task.idle.ms", "-1");
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        IngestSettings settings = IngestSettings.from(context.config());
        buildReferenceTables(builder, context.topics());
        KStream<byte[], ParsedRow> modelCalls = buildApm(builder, context,
                new ApmInputParser(settings.reportingCurrency(), settings.limits()), settings.limits());
        buildUsage(builder, context, settings, modelCalls);
    }

    /** Reference data every task needs whole, whatever the charge's partition: global tables of the raw JSON. */
    private static void buildReferenceTables(StreamsBuilder builder, SpendstreamTopics topics) {
        globalTable(builder, topics.prices, PRICES_SOURCE, PRICES_STORE);
        globalTable(builder, topics.fxRates, FX_RATES_SOURCE, FX_RATES_STORE);
    }

    private static void globalTable(StreamsBuilder builder, Topic<String, byte[]> topic, String source, String store) {
        builder.globalTable(topic.name(), topic.consumed(source),
                Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
    }

    /** {@code modelCalls}: the GenAI model calls of spend.apm.raw, priced and written like metered usage. */
    private static void buildUsage(StreamsBuilder builder, AppContext context, IngestSettings settings,
            KStream<byte[], ParsedRow> modelCalls) {
        SpendstreamTopics topics = context.topics();
        FocusRowParser parser = new FocusRowParser(settings.limits(), settings.spreadLimit());

        KStream<byte[], ParsedRow> rows = DeadLetterRoute.parse(
                builder.stream(topics.usageRaw.name(), topics.usageRaw.consumed(USAGE_SOURCE)),
                USAGE_PARSE, NAME, (key, value, timestamp) -> new ParsedRow(parser.parse(value, timestamp), value),
                topics, context.metrics());
        KStream<byte[], Validated<ValuedCharge>> valued = rows.merge(modelCalls, Named.as(GENAI_MERGE)).processValues(
                // One valuer per task: it keeps the parsed reference entries that task has read.
                () -> new ChargeValuation(new ChargeValuer(settings.reportingCurrency(), topics.prices.name(),
                        topics.fxRates.name()), context.metrics(), NAME, VALUE_CHARGE), Named.as(VALUE_CHARGE));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IDENTITY_STORE),
                Serdes.String(), topics.avroSerde(ChargeState.class)));
        ConfluentAvroSerde<CostRecord> costSerde = topics.avroValues(topics.cost);
        KStream<String, CostLine> restated = DeadLetterRoute.split(valued, VALUE_CHARGE, topics)
                .selectKey((key, charge) -> charge.cost().getChargeId(), Named.as(KEY_BY_IDENTITY))
                // The same charge may arrive on any raw partition (rows are keyed by whatever the producer chose):
                // bring all its versions to one task before comparing them.
                .repartition(Repartitioned.<String, ValuedCharge>as(IDENTITY_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new ValuedChargeSerde(costSerde)))
                .process(() -> new RestatementProcessor(settings.identityRetention(), context.metrics()),
                        Named.as(RESTATE), IDENTITY_STORE);
        EstimateSupersessionTopology.build(builder, restated, context, settings.estimates())
                .process(() -> new EventTimeKeyer<String, CostLine>(line -> line.record().getChargeId(),
                        line -> line.record().getChargePeriodStart(), context.metrics(), NAME, topics.cost.name()),
                        Named.as(COST_KEY))
                // A line still as read from a repartition topic is written as those bytes (CostLineSerde).
                .to(topics.cost.name(), Produced.with(topics.cost.keySerde(), new CostLineSerde(costSerde))
                        .withName(COST_SINK));
    }

    /**
     * spend.apm.raw to spend.apm; returns the GenAI model calls of its OTLP traces ({@link GenAiSpanParser}), which
     * the usage path prices. Both read the same records: a broken message is the APM parser's to dead-letter.
     */
    private static KStream<byte[], ParsedRow> buildApm(StreamsBuilder builder, AppContext context,
            ApmInputParser parser, InputLimits limits) {
        SpendstreamTopics topics = context.topics();
        KStream<byte[], byte[]> raw = builder.stream(topics.apmRaw.name(), topics.apmRaw.consumed(APM_SOURCE));
        KStream<byte[], List<ApmRecord>> parsed = DeadLetterRoute.parse(raw, APM_PARSE, NAME, parser, topics,
                context.metrics());
        parsed.flatMapValues(records -> records, Named.as(APM_FLATTEN))
                .process(() -> new EventTimeKeyer<byte[], ApmRecord>(ApmRecord::getService,
                        ApmRecord::getWindowStart, context.metrics(), NAME, topics.apm.name()),
                        Named.as(APM_KEY))
                .to(topics.apm.name(), topics.apm.produced(APM_SINK));
        return modelCalls(raw, context, limits);
    }

    private static KStream<byte[], ParsedRow> modelCalls(KStream<byte[], byte[]> raw, AppContext context,
            InputLimits limits) {
        return raw.processValues(() -> new ModelCallReader(context.metrics(), limits), Named.as(GENAI_READ))
                .flatMapValues(rows -> rows, Named.as(GENAI_CALLS));
    }
}
