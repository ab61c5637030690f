package io.spendstream.anomaly.drift;

import java.util.List;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.UnitCostInput;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.anomaly.detector.CatchUpWatch;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;

/**
 * Runs {@link DriftLifecycle} for every one-minute {@code spend.unit-cost} update, one {@link DriftStateRecord} per
 * service in the store {@link DriftTopology#STORE}, and forwards each COST_PER_REQUEST_DRIFT event (keyed by its
 * dedup key, at the input record's timestamp) with the alert it raises or clears. Alongside, its own baselines of
 * each service's children in {@link DriftTopology#CONTRIBUTOR_STORE} (the cost-spike processor's are learned on
 * another schedule), which name the resources and SKUs whose cost moved in a drift's window. Counts the settled
 * windows skipped for no or too few requests ({@value #SKIPPED_WINDOWS}) and late updates ({@value #LATE_UPDATES}).
 */
public final class DriftProcessor extends DetectorProcessor<UnitCost> {

    /**
     * Settled windows not judged, by reason: {@code no-requests}, {@code few-requests}, {@code catch-up} (settled
     * while the task catches up a backlog out of order).
     */
    public static final String SKIPPED_WINDOWS = "spendstream.anomaly.drift.skipped.windows";
    public static final String LATE_UPDATES = "spendstream.anomaly.drift.late.updates";
    /** Its name in the open-anomalies gauge, beside the cost-spike processor of the same task. */
    private static final String GAUGE_PART = "drift";

    private final DriftLifecycle lifecycle;
    private final ContributorBaselines contributors;
    private ReadThroughStates<DriftStateRecord> states;
    private ContributorStates contributorStates;
    /** Whether this task is catching up a backlog out of order: what settles then is not judged for drift. */
    private final CatchUpWatch catchUp;

    public DriftProcessor(DriftLifecycle lifecycle, ContributorBaselines contributors, PipelineMetrics metrics,
            OpenAnomalies openAnomalies) {
        super(metrics, openAnomalies);
        this.lifecycle = lifecycle;
        this.contributors = contributors;
        this.catchUp = lifecycle.newCatchUpWatch();
    }

    @Override
    protected void open(ProcessorContext<String, Emission> context) {
        KeyValueStore<String, DriftStateRecord> store = context.getStateStore(DriftTopology.STORE);
        this.states = cached(store);
        this.contributorStates = new ContributorStates(cached(context.getStateStore(DriftTopology.CONTRIBUTOR_STORE)),
                cached(context.getStateStore(ContributorStates.pendingStore(DriftTopology.CONTRIBUTOR_STORE))));
        countOpen(GAUGE_PART, store, DriftLifecycle::isOpen);
    }

    @Override
    protected void processRecord(Record<String, UnitCost> record) {
        UnitCost cost = record.value();
        // The cost-spike processor counts what it skips and why (records.in, no.cost.updates): the same records.
        if (!UnitCostInput.isLearnable(cost)) {
            return;
        }
        String service = cost.getService() != null ? cost.getService() : record.key();
        DriftUpdate update = new DriftUpdate(service, cost.getWindowStart().toEpochMilli(),
                cost.getWindowEnd().toEpochMilli(), cost.getCurrency(), cost.getCost(), cost.getRequests(),
                cost.getCostPerRequest(), record.timestamp());
        DriftStateRecord state = states.get(service);
        if (state == null) {
            state = lifecycle.newState();
        }
        long now = context().currentSystemTimeMs();
        if (lifecycle.isLate(state, update)) {
            metrics.counter(LATE_UPDATES, "stage", Stage.NAME).increment();
            lifecycle.watchCatchUp(state, update, catchUp, now);
            return;
        }
        ContributorBaselinesRecord children = contributors.observe(contributorStates, service, update.windowStart(),
                update.windowEnd(), cost.getChildren(), update.timestamp());
        boolean wasOpen = DriftLifecycle.isOpen(state);
        DriftLifecycle.Outcome outcome = lifecycle.onUpdate(state, update, catchUp, now);
        states.put(service, state);
        if (outcome.noRequestWindows() > 0) {
            metrics.counter(SKIPPED_WINDOWS, "stage", Stage.NAME, "reason", "no-requests")
                    .increment(outcome.noRequestWindows());
        }
        if (outcome.fewRequestWindows() > 0) {
            metrics.counter(SKIPPED_WINDOWS, "stage", Stage.NAME, "reason", "few-requests")
                    .increment(outcome.fewRequestWindows());
        }
        if (outcome.catchUpWindows() > 0) {
            metrics.counter(SKIPPED_WINDOWS, "stage", Stage.NAME, "reason", "catch-up")
                    .increment(outcome.catchUpWindows());
        }
        for (DriftTransition transition : outcome.transitions()) {
            // A resolve is about a quiet window: it names the service, not children that did not move.
            List<Contributor> top = transition.state() == AnomalyState.RESOLVED ? List.of()
                    : contributors.topContributors(children, transition.windowStart(), false);
            Anomaly anomaly = DriftRecords.anomaly(transition, top);
            Emission emission = new Emission(anomaly, AnomalyRecords.alert(anomaly, false).orElse(null));
            forward(record, emission);
        }
        // After the transitions: they name contributors of the windows this update settled.
        contributors.settle(children);
        contributorStates.put(service, children);
        boolean isOpen = DriftLifecycle.isOpen(state);
        openChanged(wasOpen, isOpen);
    }
}
