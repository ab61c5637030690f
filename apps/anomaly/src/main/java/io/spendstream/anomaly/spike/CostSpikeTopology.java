package io.spendstream.anomaly.spike;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.EmissionTail;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.drift.DriftTopology;
import io.spendstream.anomaly.state.DetectorStateSerde;
import io.spendstream.avro.Alert;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Cost spikes and drops per service, and surges of the service {@code unallocated}: {@link CostSpikeProcessor} on the
 * app's {@code spend.unit-cost} stream with the RocksDB stores {@value #STORE} (one detector state per service) and
 * {@value #CONTRIBUTOR_STORE} (the baselines of each service's resources and SKUs, with its pending store,
 * {@link ContributorStates}), changelogged, and read-only
 * access to the drift detector's {@value DriftTopology#STORE} (the usual requests, for the traffic context). A cost spike of
 * {@code unallocated} leaves as an UNALLOCATED_SURGE ({@link UnallocatedSurge}). Writes the events to
 * {@code spend.anomalies} (key {@code cost-spike:service:<service>}, {@code cost-drop:...},
 * {@code unallocated-surge:service:unallocated}) and returns their alerts for the alert gate.
 */
public final class CostSpikeTopology {

    public static final String STORE = "anomaly-detector-state";
    public static final String CONTRIBUTOR_STORE = "anomaly-contributor-baselines";

    public static final String DETECTOR = "anomaly-cost-spike-detector";
    public static final String UNALLOCATED_SURGE = "anomaly-unallocated-surge";
    public static final String SERVICE_SCOPE = "anomaly-service-scope";
    /** Node names {@code anomaly-events}, {@code anomaly-anomalies-sink}, {@code anomaly-alerts}, ... */
    public static final EmissionTail TAIL = EmissionTail.of("anomaly");

    private CostSpikeTopology() {
    }

    /**
     * Adds the stores. Called before the app's {@code spend.unit-cost} source is built, where they stood when this
     * was part of {@code AnomalyApp}.
     */
    public static void addStores(StreamsBuilder builder) {
        builder.addStateStore(DetectorProcessor.stateStore(STORE, new DetectorStateSerde()));
        ContributorStates.addStores(builder, CONTRIBUTOR_STORE);
        // The drift detector's state, which the spike detector reads for the traffic context: added here so it
        // exists when the spike detector connects to it.
        DriftTopology.addStores(builder);
    }

    /**
     * Builds the detection on {@code unitCost}; the stores must have been added ({@link #addStores}).
     * {@code detectsServices} false ({@code spendstream.anomaly.scopes} without {@code service}) drops the events.
     */
    public static KStream<String, Alert> build(KStream<String, UnitCost> unitCost, SpendstreamTopics topics,
            PipelineMetrics metrics, CostSpikeLifecycle lifecycle, ContributorBaselines contributors,
            UnallocatedSurge unallocatedSurge, boolean detectsServices, OpenAnomalies openAnomalies) {
        // The service scope's state and stream always exist (scopes=team drops only its events): switching it off
        // must not change this sub-topology's stores or the other sub-topologies' numbering.
        return TAIL.write(unitCost.process(
                () -> new CostSpikeProcessor(lifecycle, contributors, metrics, openAnomalies), Named.as(DETECTOR),
                STORE, CONTRIBUTOR_STORE, ContributorStates.pendingStore(CONTRIBUTOR_STORE), DriftTopology.STORE)
                .map(unallocatedSurge::retype, Named.as(UNALLOCATED_SURGE))
                .filter((key, emission) -> detectsServices, Named.as(SERVICE_SCOPE)),
                topics, metrics);
    }
}
