package io.spendstream.anomaly.burn;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.anomaly.core.EmissionTail;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.avro.Alert;
import io.spendstream.avro.BurnRate;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The burn-rate rules, a sub-topology of their own: reads {@code spend.burn-rate} (key budget scope, tombstone =
 * budget deleted), applies the multiwindow burn-rate rules and the staged budget alerts ({@link BurnRateProcessor})
 * with one state per scope in the RocksDB store {@value #STORE} (changelogged), writes BURN_RATE anomaly events (key
 * {@code burn-rate:budget:<scope>}) to {@code spend.anomalies} and returns their alerts and the stage alerts (key
 * {@code budget-stage:<scope>:<fraction>}) for the alert gate. Settings: {@link BurnRateSettings}.
 */
public final class BurnRateTopology {

    public static final String STORE = "anomaly-burn-rate-state";

    public static final String SOURCE = "anomaly-burn-rate-source";
    public static final String RULES = "anomaly-burn-rate-rules";
    /** Stage alerts have no anomaly event: {@code anomaly-burn-rate-has-anomaly} keeps them off the sink. */
    public static final EmissionTail TAIL = EmissionTail.withAlertOnlyEmissions("anomaly-burn-rate");

    private BurnRateTopology() {
    }

    public static KStream<String, Alert> build(StreamsBuilder builder, SpendstreamTopics topics,
            PipelineMetrics metrics, BurnRateSettings settings, OpenAnomalies openAnomalies) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), new BurnRateStateSerde()));
        BurnRateLifecycle lifecycle = new BurnRateLifecycle(settings);
        KStream<String, BurnRate> burnRate = builder.stream(topics.burnRate.name(),
                topics.burnRate.consumed(SOURCE));
        return TAIL.write(burnRate.process(
                () -> new BurnRateProcessor(lifecycle, metrics, openAnomalies), Named.as(RULES), STORE),
                topics, metrics);
    }
}
