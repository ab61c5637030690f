package io.spendstream.anomaly.drift;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorBaselinesSerde;
import io.spendstream.anomaly.contributors.ContributorSettings;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.avro.Alert;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The cost-per-request drift branch of the anomaly app: a second processor on the {@code spend.unit-cost} stream
 * ({@link DriftProcessor}, node names {@code anomaly-drift-*}) with its stores {@value AnomalyApp#DRIFT_STORE} and
 * {@value AnomalyApp#DRIFT_CONTRIBUTOR_STORE} (RocksDB, changelogged). Writes COST_PER_REQUEST_DRIFT events to
 * {@code spend.anomalies} (key {@code cost-per-request-drift:service:<service>}) and returns their alerts for the
 * alert gate.
 */
public final class DriftTopology {

    public static final String DETECTOR = "anomaly-drift-detector";
    public static final String ANOMALY_EVENTS = "anomaly-drift-events";
    public static final String ANOMALIES_OUT = "anomaly-drift-anomalies-out";
    public static final String ANOMALIES_SINK = "anomaly-drift-anomalies-sink";
    public static final String ALERT_WORTHY = "anomaly-drift-alert-worthy";
    public static final String ALERTS = "anomaly-drift-alerts";
    public static final String ALERTS_MERGED = "anomaly-drift-alerts-merged";

    private DriftTopology() {
    }

    public static KStream<String, Alert> build(StreamsBuilder builder, KStream<String, UnitCost> unitCost,
            SpendstreamTopics topics, PipelineMetrics metrics, DriftSettings settings,
            ContributorSettings contributorSettings, OpenAnomalies openAnomalies) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AnomalyApp.DRIFT_STORE),
                Serdes.String(), new DriftStateSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(AnomalyApp.DRIFT_CONTRIBUTOR_STORE), Serdes.String(),
                new ContributorBaselinesSerde()));
        DriftLifecycle lifecycle = new DriftLifecycle(settings);
        ContributorBaselines contributors = new ContributorBaselines(contributorSettings);

        KStream<String, Emission> emissions = unitCost.process(
                () -> new DriftProcessor(lifecycle, contributors, metrics, openAnomalies), Named.as(DETECTOR),
                AnomalyApp.DRIFT_STORE, AnomalyApp.DRIFT_CONTRIBUTOR_STORE);
        emissions.mapValues(Emission::anomaly, Named.as(ANOMALY_EVENTS))
                .peek((key, anomaly) -> metrics.recordOut(AnomalyApp.NAME, topics.anomalies.name()),
                        Named.as(ANOMALIES_OUT))
                .to(topics.anomalies.name(), topics.anomalies.produced(ANOMALIES_SINK));
        return emissions.filter((key, emission) -> emission.hasAlert(), Named.as(ALERT_WORTHY))
                .mapValues(Emission::alert, Named.as(ALERTS));
    }
}
