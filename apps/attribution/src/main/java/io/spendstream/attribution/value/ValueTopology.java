package io.spendstream.attribution.value;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.attribution.AttributionSettings;
import io.spendstream.attribution.avro.ValueMinute;
import io.spendstream.attribution.avro.ValueState;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.state.WriteBackKeyValueStore;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The value figures: reads the app's own {@code spend.unit-cost} (key = service; only the finest window size, a
 * minute by default, the sample window), folds each service's settled windows into hours ({@link ValueProcessor},
 * RocksDB stores {@value #STORE} and {@value #MINUTES_STORE}, changelogged) and writes one {@code spend.value} record per service and hour
 * ({@link ValueFigures}): latency-to-conversion sensitivity and the revenue effect of the hour's latency, marginal
 * cost per request against revenue per request, SLO attainment and cost per SLO-compliant request. Reading the
 * topic (rather than the aggregation's stream) takes the windows as every consumer sees them, committed; it is keyed
 * by service already, so there is no repartition. Settings: {@link ValueSettings}. Not built when the finest window
 * is an hour or more (there would be one sample per hour).
 */
public final class ValueTopology {

    public static final String STORE = "attribution-value-state";
    public static final String MINUTES_STORE = "attribution-value-minutes";
    /**
     * Service states kept as objects per task. A state holds a day of hours, each with two fits in decimal text:
     * ~30 KB as objects, so 512 of them (~15 MB a task) rather than every service of a large estate (20,000 would be
     * ~600 MB: the heap budget of issue 18 is 512 MiB for the app with 100,000 scopes); beyond it a service's state
     * is read from RocksDB as before. The bench's estate (500 services over four tasks) fits.
     */
    static final int CACHED_SERVICES = 512;
    static final String SOURCE = "value-unit-cost-source";
    static final String SAMPLES = "value-sample-windows";
    static final String PROCESSOR = "value-hours";
    static final String COUNT_OUT = "value-count-out";
    static final String SINK = "value-sink";

    private ValueTopology() {
    }

    public static void build(StreamsBuilder builder, AppContext context, AttributionSettings attribution) {
        Duration sample = attribution.finestWindow();
        if (!AttributionSettings.isRealTime(sample) || Duration.ofHours(1).toMillis() % sample.toMillis() != 0) {
            return;
        }
        SpendstreamTopics topics = context.topics();
        ValueSettings settings = ValueSettings.from(context.config());
        ValueFigures figures = new ValueFigures(settings, attribution.currency(), sample);
        String sampleSize = sample.toString();
        // Written back once per commit (issue 18): a service's state (up to a day of hours, each with its fits) was
        // read and rewritten, Avro both ways, on every unit-cost record. Same store, serde and changelog as before.
        builder.addStateStore(WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), topics.avroSerde(ValueState.class)),
                CACHED_SERVICES));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MINUTES_STORE),
                Serdes.String(), topics.avroSerde(ValueMinute.class)));
        // Without the windows' children, which no value figure uses: decoding them (two strings and a decimal per
        // resource and SKU of every minute and hour record read back) was most of what reading the topic cost.
        builder.stream(topics.unitCostWithoutChildren.name(), topics.unitCostWithoutChildren.consumed(SOURCE))
                .filter((service, window) -> window != null && sampleSize.equals(window.getWindowSize()),
                        Named.as(SAMPLES))
                .process(() -> new ValueProcessor(settings, figures, sample, settings.maxWait(),
                                context.metrics()),
                        Named.as(PROCESSOR), STORE, MINUTES_STORE)
                .peek((service, value) -> context.metrics().recordOut(AttributionApp.NAME, topics.value.name()),
                        Named.as(COUNT_OUT))
                .to(topics.value.name(), topics.value.produced(SINK));
    }
}
