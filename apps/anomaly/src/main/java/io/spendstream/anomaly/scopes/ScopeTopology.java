package io.spendstream.anomaly.scopes;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.EmissionTail;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.UnitCostInput;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.state.DetectorStateSerde;
import io.spendstream.avro.Alert;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Cost-spike detection per wider scope ({@code spendstream.anomaly.scopes}: team, resource, SKU), next to the
 * per-service detection on the same {@code spend.unit-cost} stream. Cuts every one-minute update into its parts of
 * the configured scopes ({@link ScopeParts}: the service's cost for its team, its cost per listed resource and SKU),
 * repartitions them by scope key through {@code <application.id>-}{@value #PARTS}{@code -repartition}, and runs
 * {@link ScopeDetectorProcessor} per scope with three RocksDB stores, changelogged so they survive restarts and move
 * with their task: {@value #STORE} (the detector state, the service detector's format), {@value #CONTRIBUTOR_STORE}
 * (the baselines of each scope's services, for the top contributors) and {@value #WINDOWS_STORE} (each recent
 * window's latest cost per service). Writes OPEN, UPDATE, RESOLVED to {@code spend.anomalies} (key
 * {@code cost-spike:<scope type>:<scope>}) and returns the alerts, which go through the same alert gate as the rest.
 */
public final class ScopeTopology {

    public static final String STORE = "anomaly-scope-detector-state";
    public static final String CONTRIBUTOR_STORE = "anomaly-scope-contributor-baselines";
    public static final String WINDOWS_STORE = "anomaly-scope-windows";

    public static final String PARTS = "anomaly-scope-parts";
    public static final String DETECTOR = "anomaly-scope-detector";
    /** Node names {@code anomaly-scope-events}, {@code anomaly-scope-anomalies-sink}, {@code anomaly-scope-alerts}, ... */
    public static final EmissionTail TAIL = EmissionTail.of("anomaly-scope");
    /** The merge of these alerts into the alert gate's input. */
    public static final String ALERTS_MERGED = "anomaly-scope-alerts-merged";


    private ScopeTopology() {
    }

    /**
     * Builds the scope detection on {@code unitCost} (the app's one source of {@code spend.unit-cost}); empty when
     * no wider scope is configured (nothing is built then).
     */
    public static Optional<KStream<String, Alert>> build(StreamsBuilder builder, KStream<String, UnitCost> unitCost,
            SpendstreamTopics topics, PipelineMetrics metrics, ScopeSettings settings, CostSpikeLifecycle lifecycle,
            ContributorBaselines contributors, OpenAnomalies openAnomalies) {
        Set<DetectionScope> scopes = settings.widerScopes();
        if (scopes.isEmpty()) {
            return Optional.empty();
        }
        builder.addStateStore(DetectorProcessor.stateStore(STORE, new DetectorStateSerde()));
        ContributorStates.addStores(builder, CONTRIBUTOR_STORE);
        builder.addStateStore(DetectorProcessor.stateStore(WINDOWS_STORE, new ScopeWindowsSerde()));

        KStream<String, Emission> emissions = unitCost
                // As the service detector: one-minute windows that have cost lines (it counts the others).
                .flatMap((service, cost) -> !UnitCostInput.isLearnable(cost) ? List.of()
                        : ScopeParts.of(cost.getService() != null ? cost.getService() : service, cost, scopes),
                        Named.as(PARTS))
                .repartition(Repartitioned.with(Serdes.String(), new ScopePartSerde()).withName(PARTS))
                .process(() -> new ScopeDetectorProcessor(lifecycle, settings, contributors, metrics, openAnomalies),
                        Named.as(DETECTOR), STORE, CONTRIBUTOR_STORE, ContributorStates.pendingStore(CONTRIBUTOR_STORE),
                        WINDOWS_STORE);

        return Optional.of(TAIL.write(emissions, topics, metrics));
    }
}
