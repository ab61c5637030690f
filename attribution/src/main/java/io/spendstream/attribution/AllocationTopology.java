package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Showback per team per hour and per day: from the on-time cost rows of {@link AttributionInputs} (key = service),
 * writes {@code spend.allocation} (key = team) on every update of a window, tumbling and in event time.
 *
 * <p>Rows are re-keyed by team through the repartition topic {@code <application.id>-}{@value #BY_TEAM}
 * {@code -repartition}; rows without an owning team go to the team {@value #UNALLOCATED}, so the allocations of a
 * window sum over teams to the window's total spend exactly. Each size has its own {@link AllocationSpreader} and
 * RocksDB window store ({@code allocation-1h}, {@code allocation-1d}, values: exact sums, {@link MoneySerde}).
 * {@code direct} is the team's own cost; {@code shared} is 0 until shared-infrastructure apportionment exists, and
 * {@code total = direct + shared}. {@code product} is null: showback is per team.
 *
 * <p>Lateness was decided by {@link LatenessGate} before the repartition, with the task stream time of the
 * {@code spend.cost.attributed} partition. After it, a window store's stream time is the newest part of all the
 * partitions feeding it, which can run ahead by the event-time skew between partitions. So the stores' grace is
 * {@code 2 x grace + max-spread}: {@code max-spread} because parts of a spread row reach ahead, one more
 * {@code grace} of skew allowance (the default 2 days already covers a catch-up backlog). Beyond that Kafka Streams
 * would drop a part and count it in its {@code dropped-records} metric.
 */
public final class AllocationTopology {

    public static final String UNALLOCATED = "unallocated";
    /** The showback window sizes. */
    public static final List<Duration> WINDOWS = List.of(Duration.ofHours(1), Duration.ofDays(1));

    static final String TEAM_KEY = "allocation-team-key";
    static final String BY_TEAM = "allocation-by-team";
    static final String STORE_PREFIX = "allocation-";

    private AllocationTopology() {
    }

    /** Name of the window store of one size: {@code allocation-1h}, {@code allocation-1d}. */
    public static String storeName(Duration window) {
        return STORE_PREFIX + Durations.format(window);
    }

    /** {@code costs}: the on-time cost rows of {@link AttributionInputs}. */
    public static void build(KStream<String, AttributedCost> costs, AppContext context, AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        KStream<String, AttributedCost> byTeam = costs
                .selectKey((service, cost) -> teamOf(cost.getAttribution()), Named.as(TEAM_KEY))
                .repartition(Repartitioned.<String, AttributedCost>as(BY_TEAM)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.costAttributed.valueSerde()));
        for (Duration window : WINDOWS) {
            aggregate(byTeam, window, context, settings);
        }
    }

    /** The team a cost is shown back to. */
    public static String teamOf(Attribution attribution) {
        String team = attribution.getTeam();
        return attribution.getAllocated() && team != null && !team.isBlank() ? team : UNALLOCATED;
    }

    private static void aggregate(KStream<String, AttributedCost> byTeam, Duration window, AppContext context,
            AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        String name = storeName(window);
        Serde<BigDecimal> money = MoneySerde.serde();
        ChargePeriodSpreader spreader = new ChargePeriodSpreader(new WindowGrid(window, settings.grace()),
                settings.maxSpread());
        Duration grace = settings.grace().multipliedBy(2).plus(settings.maxSpread());
        byTeam.processValues(() -> new AllocationSpreader(spreader), Named.as(name + "-parts"))
                .groupByKey(Grouped.with(name + "-by-team", Serdes.String(), money))
                .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
                .aggregate(() -> Money.ZERO, (team, part, total) -> Money.add(total, part), Named.as(name + "-sum"),
                        Materialized.<String, BigDecimal, WindowStore<Bytes, byte[]>>as(name)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(money))
                .toStream(Named.as(name + "-changes"))
                .map((team, direct) -> KeyValue.pair(team.key(), allocation(team.key(), team.window().start(), window,
                        direct, settings.currency())), Named.as(name + "-to-record"))
                .peek((team, allocation) -> context.metrics().recordOut(AttributionApp.NAME,
                        topics.allocation.name()), Named.as(name + "-count-out"))
                .to(topics.allocation.name(), topics.allocation.produced(name + "-sink"));
    }

    private static Allocation allocation(String team, long windowStartMs, Duration window, BigDecimal direct,
            String currency) {
        BigDecimal shared = Money.ZERO;
        return Allocation.newBuilder()
                .setTeam(team)
                .setWindowStart(Instant.ofEpochMilli(windowStartMs))
                .setWindowEnd(Instant.ofEpochMilli(windowStartMs + window.toMillis()))
                .setWindowSize(window.toString())
                .setCurrency(currency)
                .setDirect(Money.of(direct))
                .setShared(shared)
                .setTotal(Money.add(direct, shared))
                .build();
    }
}
