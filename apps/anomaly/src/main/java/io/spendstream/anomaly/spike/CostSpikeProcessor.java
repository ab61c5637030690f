package io.spendstream.anomaly.spike;

import java.util.List;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.HeldSeries;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.UnitCostInput;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.anomaly.core.TrafficContexts;
import io.spendstream.anomaly.detector.CatchUpWatch;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.EstateWarmup;
import io.spendstream.anomaly.detector.Transition;
import io.spendstream.anomaly.detector.WindowUpdate;
import io.spendstream.anomaly.drift.DriftTopology;
import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;

/**
 * Runs {@link CostSpikeLifecycle} (cost spikes and drops) for every {@code spend.unit-cost} update, one {@link DetectorState} per service in
 * the store {@link CostSpikeTopology#STORE}, and forwards each lifecycle event (keyed by its dedup key, at the input
 * record's timestamp) with the alert it raises or clears. Keeps the open-anomalies gauge of its task. Alongside, the
 * baselines of each service's children (resources, SKUs) in the store {@link CostSpikeTopology#CONTRIBUTOR_STORE}, which
 * name the top contributors of each OPEN and UPDATE ({@link ContributorBaselines}). Reads the drift detector's store
 * {@link DriftTopology#STORE} (never writes it) for the service's usual requests: the traffic context of each event
 * ({@link TrafficContexts}).
 */
public final class CostSpikeProcessor extends DetectorProcessor<UnitCost> {

    /** Updates skipped because their window had no cost line yet (APM only). */
    public static final String NO_COST_UPDATES = "spendstream.anomaly.no.cost.updates";

    public static final String LATE_UPDATES = "spendstream.anomaly.late.updates";

    private final CostSpikeLifecycle lifecycle;
    private final ContributorBaselines contributors;
    private ReadThroughStates<DetectorState> states;
    private ContributorStates contributorStates;
    /** The drift detector's states, read only: the usual requests of a service ({@link TrafficContexts}). */
    private KeyValueStore<String, DriftStateRecord> driftStates;
    private EstateWarmup estate;
    /** Whether this task is catching up a backlog out of order (the catch-up hold of its series). */
    private final CatchUpWatch catchUp;
    /** The services held for it, released by the wall clock once it has caught up. */
    private final HeldSeries<UnitCost> held = new HeldSeries<>();

    public CostSpikeProcessor(CostSpikeLifecycle lifecycle, ContributorBaselines contributors, PipelineMetrics metrics,
            OpenAnomalies openAnomalies) {
        super(metrics, openAnomalies);
        this.lifecycle = lifecycle;
        this.catchUp = lifecycle.newCatchUpWatch();
        this.contributors = contributors;
    }

    @Override
    protected void open(ProcessorContext<String, Emission> context) {
        KeyValueStore<String, DetectorState> store = context.getStateStore(CostSpikeTopology.STORE);
        this.states = cached(store);
        this.contributorStates = new ContributorStates(cached(context.getStateStore(CostSpikeTopology.CONTRIBUTOR_STORE)),
                cached(context.getStateStore(ContributorStates.pendingStore(CostSpikeTopology.CONTRIBUTOR_STORE))));
        this.driftStates = context.getStateStore(DriftTopology.STORE);
        // Called after the store is restored: recount so the gauge is right after a restart or a rebalance.
        countOpen(store, DetectorState::isOpen);
        this.estate = estateWarmup(lifecycle, store);
        releaseHeldByWallClock(held, lifecycle, catchUp, this::releaseHeld);
    }

    @Override
    protected void processRecord(Record<String, UnitCost> record) {
        metrics.recordIn(Stage.NAME);
        UnitCost cost = record.value();
        if (cost == null) {
            return;
        }
        if (!UnitCostInput.DETECTOR_WINDOW.equals(cost.getWindowSize())) {
            // Attribution also writes hourly windows to the same topic; the detector learns one-minute windows.
            return;
        }
        if (cost.getCostRecords() == 0) {
            // A window that so far has only APM data says nothing about cost: the cost lines for it come through
            // enrich and may arrive minutes after the APM summaries (much more while catching up a backlog).
            // Taking it as a zero-cost window would teach the baseline that the service costs nothing.
            metrics.counter(NO_COST_UPDATES, "stage", Stage.NAME).increment();
            return;
        }
        String service = cost.getService() != null ? cost.getService() : record.key();
        WindowUpdate update = new WindowUpdate(service, cost.getWindowStart().toEpochMilli(),
                cost.getWindowEnd().toEpochMilli(), cost.getCost(), cost.getCurrency(), record.timestamp(),
                cost.getCoveredUntil() == null ? null : cost.getCoveredUntil().toEpochMilli());
        DetectorState state = states.get(service);
        if (state == null) {
            state = lifecycle.newState();
        }
        estate.observe(update.timestamp());
        if (lifecycle.isLate(state, update)) {
            // The window settled already (learned, or skipped as having no data): it cannot be un-learned. How late
            // it is still widens the service's settle horizon.
            metrics.counter(LATE_UPDATES, "stage", Stage.NAME).increment();
            lifecycle.noteLate(state, update, catchUp, context().currentSystemTimeMs());
            states.put(service, state);
            return;
        }
        ContributorBaselinesRecord children = contributors.observe(contributorStates, service, update.windowStart(),
                update.windowEnd(), cost.getChildren(), update.timestamp());
        boolean wasOpen = state.isOpen();
        boolean wasHeld = state.isHeld();
        List<Transition> transitions = lifecycle.onUpdate(state, update, estate, catchUp,
                context().currentSystemTimeMs());
        held.track(service, state.isHeld(), record);
        emit(record, service, state, children, wasOpen, wasHeld, transitions);
    }

    /** A held service that got no further update, released by the wall clock with the last record it got. */
    private void releaseHeld(String service, Record<String, UnitCost> last) {
        DetectorState state = states.get(service);
        if (state == null || !state.isHeld()) {
            return;
        }
        ContributorBaselinesRecord children = contributorStates.get(service);
        boolean wasOpen = state.isOpen();
        List<Transition> transitions = lifecycle.releaseHeld(state, service, estate,
                context().currentSystemTimeMs());
        emit(last, service, state, children == null ? ContributorBaselines.empty() : children, wasOpen, true,
                transitions);
    }

    /**
     * After the service's state took an update (or a release): stores it and its children's baselines, and forwards
     * each lifecycle event with its contributors, team and traffic context, at {@code record}'s timestamp.
     */
    private void emit(Record<String, UnitCost> record, String service, DetectorState state,
            ContributorBaselinesRecord children, boolean wasOpen, boolean wasHeld, List<Transition> transitions) {
        UnitCost cost = record.value();
        states.put(service, state);
        DriftStateRecord drift = transitions.isEmpty() ? null : driftStates.get(service);
        boolean released = wasHeld && !state.isHeld();
        for (Transition transition : transitions) {
            if (released) {
                // A catch-up hold's windows replayed in order: the children learn in step, as they would in order.
                contributors.settleBefore(children, transition.windowStart()
                        - lifecycle.settings().settle().toMillis());
            }
            // A resolve is about a quiet window: it names the service, not children that did not move.
            List<Contributor> top = transition.state() == AnomalyState.RESOLVED ? List.of()
                    : transition.type() == AnomalyType.COST_DROP
                            ? contributors.fallenContributors(children, transition.windowStart())
                            : contributors.topContributors(children, transition.windowStart(), transition.partial());
            Anomaly anomaly = AnomalyRecords.anomaly(transition, top, cost.getTeam(),
                    TrafficContexts.of(transition, cost, drift));
            // An UPDATE that changes nothing on-call was told still refreshes the figures the gate holds.
            Emission emission = new Emission(anomaly, AnomalyRecords.alert(anomaly, transition.escalated())
                    .orElseGet(() -> AnomalyRecords.refresh(anomaly)));
            forward(record, emission);
        }
        // After the transitions: they name contributors from windows this call may settle.
        contributors.settle(children, lifecycle.settleHorizon(state));
        contributorStates.put(service, children);
        openChanged(wasOpen, state.isOpen());
    }
}
