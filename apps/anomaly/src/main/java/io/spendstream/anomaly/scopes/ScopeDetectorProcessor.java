package io.spendstream.anomaly.scopes;

import java.util.List;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.HeldSeries;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.anomaly.detector.CatchUpWatch;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.EstateWarmup;
import io.spendstream.anomaly.detector.Transition;
import io.spendstream.anomaly.detector.WindowUpdate;
import io.spendstream.anomaly.core.TrafficContexts;
import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.TrafficContext;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;

/**
 * Runs the cost-spike lifecycle per wider scope (team, resource, SKU) on the parts {@link ScopeTopology} repartitioned
 * by scope key: sums each window's parts ({@link ScopeWindows}, store {@link ScopeTopology#WINDOWS_STORE}), feeds
 * every new total to the same {@link CostSpikeLifecycle} the services use (store {@link ScopeTopology#STORE}), and
 * names the services that moved most as top contributors from their baselines within the scope
 * ({@link ContributorBaselines}, store {@link ScopeTopology#CONTRIBUTOR_STORE}). Forwards each lifecycle event as
 * the service processor does, keyed by its dedup key ({@code cost-spike:team:payments}), and keeps its share of the
 * open-anomalies gauge. An anomaly that one service explains ({@link ScopeSettings#explainedByOneService}) goes out
 * without alerts ({@link #alertOf}); the store {@link ScopeTopology#WINDOWS_STORE} remembers which. A team's
 * anomalies carry its traffic context and verdict ({@link #trafficOf}): its services' requests, summed per window, and
 * its usual request level, both kept in that store too.
 */
public final class ScopeDetectorProcessor extends DetectorProcessor<ScopePartRecord> {

    /** Part updates of a window the scope's detector has settled already; tag {@code scope} = the scope type. */
    public static final String LATE_PARTS = "spendstream.anomaly.scope.late.parts";
    /**
     * Part updates a scope could not keep within its state budget ({@link ScopeWindows#add}): of a window older than
     * the ones it keeps, or of a service new to a window that holds its budget of services; tag {@code scope}.
     */
    public static final String UNKEPT_PARTS = "spendstream.anomaly.scope.unkept.parts";
    /** Scope anomalies opened without an alert because one service explained them; tag {@code scope}. */
    public static final String EXPLAINED = "spendstream.anomaly.scope.explained";

    private final CostSpikeLifecycle lifecycle;
    private final ScopeSettings settings;
    private final ContributorBaselines contributors;
    private ReadThroughStates<DetectorState> states;
    private ContributorStates contributorStates;
    private ReadThroughStates<ScopeWindowsRecord> windowStates;
    private EstateWarmup estate;
    /** Whether this task is catching up a backlog out of order (the catch-up hold of its series). */
    private final CatchUpWatch catchUp;
    /** The scopes held for it, released by the wall clock once it has caught up. */
    private final HeldSeries<ScopePartRecord> held = new HeldSeries<>();

    public ScopeDetectorProcessor(CostSpikeLifecycle lifecycle, ScopeSettings settings, ContributorBaselines contributors,
            PipelineMetrics metrics, OpenAnomalies openAnomalies) {
        super(metrics, openAnomalies);
        this.lifecycle = lifecycle;
        this.catchUp = lifecycle.newCatchUpWatch();
        this.settings = settings;
        this.contributors = contributors;
    }

    @Override
    protected void open(ProcessorContext<String, Emission> context) {
        KeyValueStore<String, DetectorState> store = context.getStateStore(ScopeTopology.STORE);
        this.states = cached(store);
        this.contributorStates = new ContributorStates(cached(context.getStateStore(ScopeTopology.CONTRIBUTOR_STORE)),
                cached(context.getStateStore(ContributorStates.pendingStore(ScopeTopology.CONTRIBUTOR_STORE))));
        this.windowStates = cached(context.getStateStore(ScopeTopology.WINDOWS_STORE));
        // After the restore: the gauge counts this task's open scope anomalies too.
        countOpen(store, DetectorState::isOpen);
        this.estate = estateWarmup(lifecycle, store);
        releaseHeldByWallClock(held, lifecycle, catchUp, this::releaseHeld);
    }

    @Override
    protected void processRecord(Record<String, ScopePartRecord> record) {
        ScopeKey scope = ScopeKey.parse(record.key());
        ScopePartRecord part = record.value();
        DetectorState state = states.get(scope.key());
        if (state == null) {
            state = lifecycle.newState();
        }
        estate.observe(record.timestamp());
        if (state.pending().isSettled(part.getWindowStart())) {
            // The scope learned (or skipped) this window already: as for a service, it cannot be un-learned.
            refuse(LATE_PARTS, scope, part, state, record.timestamp());
            return;
        }
        ScopeWindowsRecord windows = windowStates.get(scope.key());
        if (windows == null) {
            windows = ScopeWindows.empty();
        }
        ScopeWindows.Total total = !ScopeWindows.keeps(windows, part.getWindowStart(),
                state.pending().contains(part.getWindowStart())) ? null
                : ScopeWindows.add(windows, part, record.timestamp());
        if (total == null) {
            // Beyond the state budget: the window's cost so far stays as the detector has it, without this part.
            refuse(UNKEPT_PARTS, scope, part, state, record.timestamp());
            return;
        }
        // The scope's OPEN reads its cost over the charge time its parts cover, as a service's does.
        WindowUpdate update = new WindowUpdate(scope.key(), total.windowStart(), total.windowEnd(), total.cost(),
                total.currency(), total.lastTimestamp(), total.coveredUntil(lifecycle.coverage()));
        ContributorBaselinesRecord services = contributors.observe(contributorStates, scope.key(),
                update.windowStart(), update.windowEnd(), total.parts(), update.timestamp());

        boolean wasOpen = state.isOpen();
        boolean wasHeld = state.isHeld();
        List<Transition> transitions = lifecycle.onUpdate(state, update, estate, catchUp,
                context().currentSystemTimeMs());
        held.track(scope.key(), state.isHeld(), record);
        emit(record, scope, state, services, windows, wasOpen, wasHeld, transitions);
    }

    /**
     * A part the scope does not sum, counted under {@code counter}: how late it is still widens the scope's settle
     * horizon and keeps its task's catch-up watch, as any lagging update.
     */
    private void refuse(String counter, ScopeKey scope, ScopePartRecord part, DetectorState state, long timestamp) {
        metrics.counter(counter, "stage", Stage.NAME, "scope", scope.type().label()).increment();
        lifecycle.noteLate(state, new WindowUpdate(scope.key(), part.getWindowStart(), part.getWindowEnd(),
                part.getCost(), part.getCurrency(), timestamp), catchUp, context().currentSystemTimeMs());
        states.put(scope.key(), state);
    }

    /** A held scope that got no further part, released by the wall clock with the last record it got. */
    private void releaseHeld(String key, Record<String, ScopePartRecord> last) {
        DetectorState state = states.get(key);
        ScopeWindowsRecord windows = windowStates.get(key);
        if (state == null || !state.isHeld() || windows == null) {
            return;
        }
        ContributorBaselinesRecord services = contributorStates.get(key);
        boolean wasOpen = state.isOpen();
        List<Transition> transitions = lifecycle.releaseHeld(state, key, estate,
                context().currentSystemTimeMs());
        emit(last, ScopeKey.parse(last.key()), state, services == null ? ContributorBaselines.empty() : services,
                windows, wasOpen, true, transitions);
    }

    /**
     * After the scope's state took an update (or a release): stores it, its services' baselines and its windows, and
     * forwards each lifecycle event with its contributors, traffic context and alert, at {@code record}'s timestamp.
     */
    private void emit(Record<String, ScopePartRecord> record, ScopeKey scope, DetectorState state,
            ContributorBaselinesRecord services, ScopeWindowsRecord windows, boolean wasOpen, boolean wasHeld,
            List<Transition> transitions) {
        states.put(scope.key(), state);
        boolean released = wasHeld && !state.isHeld();
        for (Transition transition : transitions) {
            if (released) {
                // A catch-up hold's windows replayed in order: the children learn in step, as they would in order.
                contributors.settleBefore(services, transition.windowStart()
                        - lifecycle.settings().settle().toMillis());
            }
            List<Contributor> top = transition.state() == AnomalyState.RESOLVED ? List.of()
                    : contributors.topContributors(services, transition.windowStart(), transition.partial());
            Anomaly anomaly = ScopedRecords.anomaly(scope, transition, top, trafficOf(scope, transition, windows));
            forward(record, new Emission(anomaly, alertOf(scope, transition, anomaly, top,
                    ScopeWindows.partsIn(windows, transition.windowStart()), windows)));
        }
        contributors.settle(services, lifecycle.settleHorizon(state));
        contributorStates.put(scope.key(), services);
        ScopeWindows.forgetBefore(windows, state.pending().settledBefore(), !state.isOpen());
        windowStates.put(scope.key(), windows);
        openChanged(wasOpen, state.isOpen());
    }

    /**
     * A team's traffic context: its services' requests in the transition's window against its usual request level
     * ({@link ScopeWindows}), by the services' rule ({@link TrafficContexts}). None for a resource or a SKU: a
     * service's requests say nothing of one resource's or SKU's share of them.
     */
    private static TrafficContext trafficOf(ScopeKey scope, Transition transition, ScopeWindowsRecord windows) {
        if (scope.type() != DetectionScope.TEAM) {
            return null;
        }
        double requests = ScopeWindows.requestsIn(windows, transition.windowStart(), transition.partial());
        return TrafficContexts.of(transition, requests, windows.getRequestLevel());
    }

    /**
     * The alert of a scope's lifecycle event, or null. One service's spike seen again through its team (or SKU) does
     * not alert, its own anomaly pages: withheld from an OPEN that one service explains until an active window shows
     * more than that service moving (the OPEN's partial window may hold only the first services' updates), then it
     * fires; withheld to the end otherwise. A window in which no service moved beyond its noise says nothing about
     * who spiked: a spike's last, barely raised minute must not page the team for its one service.
     */
    private Alert alertOf(ScopeKey scope, Transition transition, Anomaly anomaly, List<Contributor> top,
            int servicesInWindow, ScopeWindowsRecord windows) {
        boolean explained = settings.explainedByOneService(top, servicesInWindow);
        if (transition.state() == AnomalyState.OPEN && explained) {
            windows.setUnalertedAnomalyId(anomaly.getAnomalyId());
            metrics.counter(EXPLAINED, "stage", Stage.NAME, "scope", scope.type().label()).increment();
            return null;
        }
        if (!anomaly.getAnomalyId().equals(windows.getUnalertedAnomalyId())) {
            return ScopedRecords.alert(anomaly, transition.escalated()).orElse(null);
        }
        boolean active = transition.score() >= lifecycle.settings().resolveScore();
        if (transition.state() == AnomalyState.UPDATE && active && !top.isEmpty() && !explained) {
            windows.setUnalertedAnomalyId(null);
            // Fired as an escalation fires: FIRING under the same dedup key, starting when the anomaly started.
            return ScopedRecords.alert(anomaly, true).orElse(null);
        }
        if (transition.state() == AnomalyState.RESOLVED) {
            windows.setUnalertedAnomalyId(null);
        }
        return null;
    }
}
