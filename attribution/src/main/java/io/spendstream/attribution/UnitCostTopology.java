package io.spendstream.attribution;

import java.nio.ByteBuffer;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Unit cost per service per window: reads {@code spend.cost.attributed} (key = service or {@code unallocated}) and
 * {@code spend.apm} (key = service), writes {@code spend.unit-cost} (key = service) on every update of a window, and
 * late or keyless records to {@code spend.dlq}.
 *
 * <p>Both inputs are merged (no repartition: they are keyed by service already, and must have the same partition
 * count, as Spendstream creates them) and cut into per-window contributions by {@link ContributionProcessor}, which
 * keeps store {@value ContributionProcessor#STREAM_TIME_STORE}. Contributions are summed in the RocksDB window store
 * {@code unit-cost-<window>} (e.g. {@code unit-cost-1m}, values {@link UnitCostTally}). Nothing is suppressed: the
 * record cache coalesces updates to the same window within one commit interval (100 ms under exactly-once), and
 * every commit emits the latest totals of each window that changed.
 *
 * <p>The window store's grace is {@code grace + max-spread}, not {@code grace}: a spread row sends parts up to
 * {@code max-spread} ahead of stream time, which would otherwise advance the store's own stream time and make it
 * drop on-time records. Lateness is decided upstream by {@link ContributionProcessor} with the configured grace, so
 * the store never drops a record (its {@code dropped-records} metric stays 0).
 */
public final class UnitCostTopology {

    static final String COST_SOURCE = "unit-cost-cost-source";
    static final String APM_SOURCE = "unit-cost-apm-source";
    static final String DROP_COST_TOMBSTONES = "unit-cost-drop-cost-tombstones";
    static final String DROP_APM_TOMBSTONES = "unit-cost-drop-apm-tombstones";
    static final String COST_ARRIVAL = "unit-cost-cost-arrival";
    static final String APM_ARRIVAL = "unit-cost-apm-arrival";
    static final String MERGE = "unit-cost-merge-arrivals";
    static final String CONTRIBUTIONS = "unit-cost-contributions";
    static final String LATE = "unit-cost-late";
    static final String LATE_TO_DEAD_LETTER = "unit-cost-late-to-dead-letter";
    static final String DLQ_SINK = "unit-cost-dlq-sink";
    static final String ON_TIME = "unit-cost-on-time";
    static final String UNWRAP = "unit-cost-unwrap";
    static final String GROUP = "unit-cost-by-service";
    static final String AGGREGATE = "unit-cost-aggregate";
    static final String STORE_PREFIX = "unit-cost-";
    static final String CHANGES = "unit-cost-changes";
    static final String TO_UNIT_COST = "unit-cost-to-record";
    static final String COUNT_OUT = "unit-cost-count-out";
    static final String SINK = "unit-cost-sink";

    private UnitCostTopology() {
    }

    /** Name of the window store for a window size: {@code unit-cost-1m}, {@code unit-cost-1h}. */
    public static String storeName(AttributionSettings settings) {
        return STORE_PREFIX + Durations.format(settings.window());
    }

    public static void build(StreamsBuilder builder, AppContext context, AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        String stage = AttributionApp.NAME;

        // Tombstones carry no cost or traffic (neither topic is compacted).
        KStream<String, Arrival> costs = builder
                .stream(topics.costAttributed.name(), topics.costAttributed.consumed(COST_SOURCE))
                .filter((service, cost) -> cost != null, Named.as(DROP_COST_TOMBSTONES))
                .<Arrival>mapValues(Arrival.Cost::new, Named.as(COST_ARRIVAL));
        KStream<String, Arrival> apm = builder
                .stream(topics.apm.name(), topics.apm.consumed(APM_SOURCE))
                .filter((service, summary) -> summary != null, Named.as(DROP_APM_TOMBSTONES))
                .<Arrival>mapValues(Arrival.Apm::new, Named.as(APM_ARRIVAL));

        KStream<String, Validated<UnitCostTally>> contributions = costs.merge(apm, Named.as(MERGE))
                .processValues(ContributionProcessor.supplier(stage, CONTRIBUTIONS, settings, topics,
                        context.metrics()), Named.as(CONTRIBUTIONS));

        contributions.filter((service, c) -> !c.isOk(), Named.as(LATE))
                .map((service, c) -> KeyValue.pair(bytes(c.deadLetter().getRawKey()), c.deadLetter()),
                        Named.as(LATE_TO_DEAD_LETTER))
                .to(topics.dlq.name(), topics.dlq.produced(DLQ_SINK));

        Serde<UnitCostTally> tallySerde = topics.avroSerde(UnitCostTally.class);
        UnitCostRecords records = new UnitCostRecords(settings.window(), settings.currency());
        contributions.filter((service, c) -> c.isOk(), Named.as(ON_TIME))
                .mapValues(Validated::value, Named.as(UNWRAP))
                .groupByKey(Grouped.with(GROUP, Serdes.String(), tallySerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.window(), settings.grace().plus(settings.maxSpread())))
                .aggregate(UnitCostAccumulator::empty, (service, part, total) -> UnitCostAccumulator.add(total, part),
                        Named.as(AGGREGATE),
                        Materialized.<String, UnitCostTally, WindowStore<Bytes, byte[]>>as(storeName(settings))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(tallySerde))
                .toStream(Named.as(CHANGES))
                .map((window, tally) -> KeyValue.pair(window.key(),
                        records.toUnitCost(window.key(), window.window().start(), tally)), Named.as(TO_UNIT_COST))
                .peek((service, unitCost) -> context.metrics().recordOut(stage, topics.unitCost.name()),
                        Named.as(COUNT_OUT))
                .to(topics.unitCost.name(), topics.unitCost.produced(SINK));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
