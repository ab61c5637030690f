package io.spendstream.attribution;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Unit cost per service per window: from the on-time cost rows and APM summaries of {@link AttributionInputs} (key
 * = service or {@code unallocated}), writes {@code spend.unit-cost} (key = service) on every update of a window.
 *
 * <p>Both inputs are read without repartitioning (they are keyed by service already, and must have the same
 * partition count, as Spendstream creates them) and cut into per-window contributions by
 * {@link ContributionProcessor}. Contributions are summed in the RocksDB window store {@code unit-cost-<window>}
 * (e.g. {@code unit-cost-1m}, values {@link UnitCostTally}). Nothing is suppressed: the record cache coalesces
 * updates to the same window within one commit interval (100 ms under exactly-once), and every commit emits the
 * latest totals of each window that changed.
 *
 * <p>The window store's grace is {@code grace + max-spread}, not {@code grace}: a spread row sends parts up to
 * {@code max-spread} ahead of stream time, which would otherwise advance the store's own stream time and make it
 * drop on-time records. Lateness is decided upstream by {@link LatenessGate} with the configured grace, so the store
 * never drops a record (its {@code dropped-records} metric stays 0).
 */
public final class UnitCostTopology {

    static final String CONTRIBUTIONS = "unit-cost-contributions";
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

    /** {@code arrivals}: the on-time arrivals of {@link AttributionInputs}. */
    public static void build(KStream<String, Arrival> arrivals, AppContext context, AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        String stage = AttributionApp.NAME;
        Serde<UnitCostTally> tallySerde = topics.avroSerde(UnitCostTally.class);
        UnitCostRecords records = new UnitCostRecords(settings.window(), settings.currency());
        arrivals.processValues(() -> new ContributionProcessor(stage, settings, context.metrics()),
                        Named.as(CONTRIBUTIONS))
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
}
