package io.spendstream.attribution;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.avro.Attribution;
import io.spendstream.runtime.AppContext;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Showback per team and per product, per hour, per UTC day and per UTC calendar month, shared infrastructure
 * apportioned: from the arrivals of {@link AttributionInputs} inside the billing horizon (cost rows and APM summaries, key = service), writes {@code spend.allocation}
 * (key = team, or {@code product:<product>} for the dimension product) for every window that changed, at most once
 * per {@code emit-interval} ({@link ShowbackSettings}), tumbling and in event time.
 *
 * <p>{@link ShowbackSplitter} cuts cost rows into hourly parts and APM summaries into hourly requests, keyed by
 * their UTC calendar month (so one task sums an hour, its day and its month), through the repartition topic
 * {@code <application.id>-}{@value #BY_MONTH}{@code -repartition}
 * (private Avro {@link ShowbackInput}); {@link ShowbackProcessor} (store {@value ShowbackProcessor#STORE}) books
 * them and emits each changed allocation. {@code direct} is the team's
 * own cost; {@code shared} its part of the shared infrastructure used by its services in the same hour
 * ({@link ShowbackHour}, {@link SharedCostRules}); {@code total = direct + shared}. Rows without an owning team
 * go to the team {@value #UNALLOCATED}, shared cost no service can take to {@value #SHARED_UNAPPORTIONED}, so the
 * allocations of a window sum over teams to the window's total spend exactly.
 *
 * <p><b>Two dimensions, one split.</b> Every cost is shown twice: to its team ({@code dimension = team}, key = the
 * team) and to its product ({@code dimension = product}, key {@value #PRODUCT_PREFIX}{@code <product>}, with
 * {@code product:unallocated} and {@code product:shared-unapportioned} as above). The shared cost of an hour is split
 * once between services and each service's part goes to its team and to its product, so both dimensions reconcile
 * to the same spend and agree on every service's part. Inside the processor both live in one map keyed like the
 * records (a team is its bare name, a product carries the prefix), which is why a team name must not start with
 * {@value #PRODUCT_PREFIX}.
 */
public final class AllocationTopology {

    public static final String UNALLOCATED = "unallocated";
    /** The team holding shared cost of an hour in which no service qualified for a part of it. */
    public static final String SHARED_UNAPPORTIONED = "shared-unapportioned";
    /** Start of the key (and of the internal owner key) of a product's showback. */
    public static final String PRODUCT_PREFIX = "product:";
    public static final String DIMENSION_TEAM = "team";
    public static final String DIMENSION_PRODUCT = "product";
    /** The showback window sizes ({@code windowSize} of the records): hour, UTC day, UTC calendar month. */
    public static final List<String> WINDOW_SIZES = List.of(ShowbackProcessor.HOUR_SIZE, ShowbackProcessor.DAY_SIZE,
            ShowbackProcessor.MONTH_SIZE);

    static final String SPLIT = "allocation-split";
    static final String BY_MONTH = "allocation-by-month";
    static final String PROCESSOR = "allocation-showback";
    static final String COUNT_OUT = "allocation-count-out";
    static final String SINK = "allocation-sink";

    private AllocationTopology() {
    }

    /** {@code arrivals}: the cost rows and APM summaries of {@link AttributionInputs}. */
    public static void build(KStream<String, Arrival> arrivals, AppContext context, AttributionSettings settings,
            SharedCostRules shared) {
        SpendstreamTopics topics = context.topics();
        arrivals.process(ShowbackSplitter.supplier(settings.maxSpread(), shared), Named.as(SPLIT))
                .repartition(Repartitioned.<Long, ShowbackInput>as(BY_MONTH)
                        .withKeySerde(Serdes.Long())
                        .withValueSerde(topics.avroSerde(ShowbackInput.class)))
                .process(ShowbackProcessor.supplier(settings, ShowbackSettings.from(context.config()), shared,
                        topics, context.metrics()),
                        Named.as(PROCESSOR))
                .peek((team, allocation) -> context.metrics().recordOut(AttributionApp.NAME,
                        topics.allocation.name()), Named.as(COUNT_OUT))
                .to(topics.allocation.name(), topics.allocation.produced(SINK));
    }

    /** The team a direct cost is shown back to. */
    public static String teamOf(Attribution attribution) {
        String team = attribution.getTeam();
        return attribution.getAllocated() && team != null && !team.isBlank() ? team : UNALLOCATED;
    }

    /** The product a direct cost is shown back to (not yet prefixed). */
    public static String productOf(Attribution attribution) {
        String product = attribution.getProduct();
        return attribution.getAllocated() && product != null && !product.isBlank() ? product : UNALLOCATED;
    }

    /** The key of a product's showback, and its owner key in {@link ShowbackHour}. */
    public static String productKey(String product) {
        return PRODUCT_PREFIX + product;
    }
}
