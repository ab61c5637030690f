package io.spendstream.anomaly.billing;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.anomaly.avro.BillMismatchHourRecord;
import io.spendstream.anomaly.avro.BillMismatchStateRecord;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.EmissionTail;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * BILL_MISMATCH: reads {@code spend.reconciliation} (key = service), judges each service-hour's bill against its
 * metered estimate ({@link BillMismatchProcessor}, stores {@value #HOURS_STORE} and {@value #STATE_STORE},
 * changelogged), writes the events to {@code spend.anomalies} (key {@code bill-mismatch:service:<service>}) and
 * returns their TICKET alerts for the alert gate. Settings: {@link BillMismatchSettings}.
 */
public final class BillMismatchTopology {

    public static final String HOURS_STORE = "anomaly-bill-mismatch-hours";
    public static final String STATE_STORE = "anomaly-bill-mismatch-state";
    public static final String SOURCE = "anomaly-reconciliation-source";
    public static final String DETECTOR = "anomaly-bill-mismatch-detector";
    /** Node names {@code anomaly-bill-mismatch-events}, {@code anomaly-bill-mismatch-anomalies-sink}, {@code anomaly-bill-mismatch-alerts}, ... */
    public static final EmissionTail TAIL = EmissionTail.of("anomaly-bill-mismatch");
    public static final String ALERTS_MERGED = "anomaly-bill-mismatch-alerts-merged";

    private BillMismatchTopology() {
    }

    public static KStream<String, Alert> build(StreamsBuilder builder, SpendstreamTopics topics, PipelineMetrics metrics,
            BillMismatchSettings settings, BillingHorizon horizon, OpenAnomalies openAnomalies) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HOURS_STORE),
                Serdes.String(), new PrivateAvroSerde<>(BillMismatchHourRecord.class, "bill-mismatch hour")));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), new PrivateAvroSerde<>(BillMismatchStateRecord.class, "bill-mismatch state")));
        KStream<String, Emission> emissions = builder
                .stream(topics.reconciliation.name(), topics.reconciliation.consumed(SOURCE))
                .process(() -> new BillMismatchProcessor(settings, horizon.span(), metrics, openAnomalies),
                        Named.as(DETECTOR), HOURS_STORE, STATE_STORE);
        return TAIL.write(emissions, topics, metrics);
    }
}
