package io.spendstream.anomaly.value;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.anomaly.avro.ValueAnomalyStateRecord;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.EmissionTail;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * UNPROFITABLE_SCALING and LATENCY_REVENUE_LOSS: reads {@code spend.value} (key = service), applies the
 * {@link ValueRule}s ({@link ValueAnomalyProcessor}, store {@value #STORE}, changelogged), writes the events to
 * {@code spend.anomalies} (keys {@code unprofitable-scaling:service:<service>},
 * {@code latency-revenue-loss:service:<service>}) and returns their TICKET alerts for the alert gate. Settings:
 * {@link ValueAnomalySettings}.
 */
public final class ValueAnomalyTopology {

    public static final String STORE = "anomaly-value-state";
    public static final String SOURCE = "anomaly-value-source";
    public static final String DETECTOR = "anomaly-value-detector";
    /** Node names {@code anomaly-value-events}, {@code anomaly-value-anomalies-sink}, {@code anomaly-value-alerts}, ... */
    public static final EmissionTail TAIL = EmissionTail.of("anomaly-value");
    public static final String ALERTS_MERGED = "anomaly-value-alerts-merged";

    private ValueAnomalyTopology() {
    }

    public static KStream<String, Alert> build(StreamsBuilder builder, SpendstreamTopics topics, PipelineMetrics metrics,
            ValueAnomalySettings settings, OpenAnomalies openAnomalies) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                new PrivateAvroSerde<>(ValueAnomalyStateRecord.class, "value anomaly state")));
        KStream<String, Emission> emissions = builder.stream(topics.value.name(), topics.value.consumed(SOURCE))
                .process(() -> new ValueAnomalyProcessor(ValueRule.from(settings), metrics, openAnomalies),
                        Named.as(DETECTOR), STORE);
        return TAIL.write(emissions, topics, metrics);
    }
}
