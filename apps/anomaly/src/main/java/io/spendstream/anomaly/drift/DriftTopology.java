package io.spendstream.anomaly.drift;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.contributors.ContributorSettings;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.EmissionTail;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.avro.Alert;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The cost-per-request drift branch of the anomaly app: a second processor on the {@code spend.unit-cost} stream
 * ({@link DriftProcessor}, node names {@code anomaly-drift-*}) with its stores {@value #STORE} and
 * {@value #CONTRIBUTOR_STORE} (RocksDB, changelogged). Writes COST_PER_REQUEST_DRIFT events to
 * {@code spend.anomalies} (key {@code cost-per-request-drift:service:<service>}) and returns their alerts for the
 * alert gate.
 */
public final class DriftTopology {

    public static final String STORE = "anomaly-drift-state";
    public static final String CONTRIBUTOR_STORE = "anomaly-drift-contributor-baselines";

    public static final String DETECTOR = "anomaly-drift-detector";
    /** Node names {@code anomaly-drift-events}, {@code anomaly-drift-anomalies-sink}, {@code anomaly-drift-alerts}, ... */
    public static final EmissionTail TAIL = EmissionTail.of("anomaly-drift");
    public static final String ALERTS_MERGED = "anomaly-drift-alerts-merged";

    private DriftTopology() {
    }

    /**
     * Adds the stores. Called with the cost-spike detector's stores, before the {@code spend.unit-cost} source: the
     * cost-spike detector reads {@value #STORE} too (the usual requests of a service).
     */
    public static void addStores(StreamsBuilder builder) {
        builder.addStateStore(DetectorProcessor.stateStore(STORE, new DriftStateSerde()));
        ContributorStates.addStores(builder, CONTRIBUTOR_STORE);
    }

    /** Builds the drift detection on {@code unitCost}; the stores must have been added ({@link #addStores}). */
    public static KStream<String, Alert> build(KStream<String, UnitCost> unitCost,
            SpendstreamTopics topics, PipelineMetrics metrics, DriftSettings settings,
            ContributorSettings contributorSettings, OpenAnomalies openAnomalies) {
        DriftLifecycle lifecycle = new DriftLifecycle(settings);
        ContributorBaselines contributors = new ContributorBaselines(contributorSettings);

        KStream<String, Emission> emissions = unitCost.process(
                () -> new DriftProcessor(lifecycle, contributors, metrics, openAnomalies), Named.as(DETECTOR),
                STORE, CONTRIBUTOR_STORE, ContributorStates.pendingStore(CONTRIBUTOR_STORE));
        return TAIL.write(emissions, topics, metrics);
    }
}
