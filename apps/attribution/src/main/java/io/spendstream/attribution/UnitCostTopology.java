package io.spendstream.attribution;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Unit cost per service per window, for every window size of {@link AttributionSettings#windows} (default one
 * minute and one hour): from the on-time cost rows and APM summaries of {@link AttributionInputs} (key = service or
 * {@code unallocated}), writes {@code spend.unit-cost} (key = service) on every update of a window. All sizes go to
 * the same topic; {@code windowSize} (ISO-8601: {@code PT1M}, {@code PT1H}) tells them apart, and a consumer that
 * wants one size filters on it.
 *
 * <p>One aggregation per size, each with its own processors (names suffixed by the size, e.g.
 * {@code unit-cost-aggregate-1h}) and its own RocksDB window store {@code unit-cost-<size>} ({@code unit-cost-1m},
 * {@code unit-cost-1h}; values {@link UnitCostTally}). Both inputs are read without repartitioning (they are keyed
 * by service already, and must have the same partition count, as Spendstream creates them) and cut into per-window
 * contributions by {@link ContributionProcessor}; a coarse window's contributions are sums of the finest windows'
 * ones, so an hour is exactly its 60 minutes. {@link UnitCostWindows} adds them up (the busy windows kept as objects,
 * written once per commit; until issue 18 a DSL windowed aggregation over the same store and changelog). Nothing is
 * suppressed: updates to the same window within one commit interval (100 ms under exactly-once) are coalesced, and
 * every commit emits the latest totals of each window that changed.
 *
 * <p>Each record also carries the window's cost per resource and per SKU ({@link WindowChildren}): the top
 * {@link UnitCostChildrenSettings#top} of each kind plus an {@code (other)} remainder, summing exactly to the cost,
 * for the anomaly app's contributor baselines.
 *
 * <p><b>Real-time and ledger sizes.</b> A size shorter than an hour (default: the minute) is real-time: it feeds the
 * detectors, and closes {@code spendstream.attribution.grace} after its end. A size of an hour or more is a ledger
 * window: it takes everything inside the billing horizon ({@code spendstream.billing.horizon}, 65 days), so a bill
 * arriving a day late or a restatement weeks later corrects the hour (and day, if configured) it belongs to. Each
 * store's grace is its size's grace plus {@code max-spread} ({@link AttributionSettings#storeGrace}): a spread row
 * sends parts up to {@code max-spread} ahead of stream time, which would otherwise advance the store's own stream
 * time and make it drop records it should take. What each size takes is decided upstream ({@link LatenessGate}, on
 * the finest grid, which nests in every other size), so no store ever drops a record (their
 * {@code dropped-records} metric stays 0). A ledger store holds {@code horizon + max-spread} of windows: see
 * docs/operations.md "Billing horizon" for its size.
 */
public final class UnitCostTopology {

    static final String CONTRIBUTIONS = "unit-cost-contributions-";
    static final String AGGREGATE = "unit-cost-aggregate-";
    static final String STORE_PREFIX = "unit-cost-";
    static final String TO_UNIT_COST = "unit-cost-to-record-";
    static final String COUNT_OUT = "unit-cost-count-out-";
    static final String SINK = "unit-cost-sink-";

    private UnitCostTopology() {
    }

    /** Name of the window store for a window size: {@code unit-cost-1m}, {@code unit-cost-1h}. */
    public static String storeName(Duration size) {
        return STORE_PREFIX + Durations.format(size);
    }

    /** {@code arrivals}: the on-time arrivals of {@link AttributionInputs}. One aggregation per window size. */
    public static void build(KStream<String, Arrival> arrivals, AppContext context, AttributionSettings settings) {
        for (Duration size : settings.windows()) {
            build(arrivals, context, settings, size);
        }
    }

    private static void build(KStream<String, Arrival> arrivals, AppContext context, AttributionSettings settings,
            Duration size) {
        SpendstreamTopics topics = context.topics();
        String stage = AttributionApp.NAME;
        String suffix = Durations.format(size);
        Serde<UnitCostTally> tallySerde = topics.avroSerde(UnitCostTally.class);
        UnitCostChildrenSettings children = UnitCostChildrenSettings.from(context.config());
        UnitCostRecords records = new UnitCostRecords(size, settings.currency(), children.top());
        arrivals.processValues(() -> new ContributionProcessor(stage, settings, size, context.metrics()),
                        Named.as(CONTRIBUTIONS + suffix))
                .process(UnitCostWindows.supplier(storeName(size), size, settings.storeGrace(size), tallySerde,
                        children.tracked()), Named.as(AGGREGATE + suffix))
                .map((window, tally) -> KeyValue.pair(window.key(),
                        records.toUnitCost(window.key(), window.window().start(), tally)),
                        Named.as(TO_UNIT_COST + suffix))
                .peek((service, unitCost) -> context.metrics().recordOut(stage, topics.unitCost.name()),
                        Named.as(COUNT_OUT + suffix))
                .to(topics.unitCost.name(), topics.unitCost.produced(SINK + suffix));
    }
}
