package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Turns the updates of one series' windows into cost anomaly lifecycle events, spikes ({@code COST_SPIKE}) and drops
 * ({@code COST_DROP}), with {@link CostDetector} doing the math. Plain Java, no Kafka: the stream app calls
 * {@link #onUpdate} once per {@code spend.unit-cost} record with the series' {@link DetectorState}. Updates may come
 * in any order: the windows of one service are interleaved with minutes of skew while upstream partitions catch up a
 * backlog.
 *
 * <ul>
 *   <li><b>Pending windows</b>: the latest cost of each recent window (by update event time) is kept until the
 *       window <em>settles</em>: it starts more than {@link LifecycleSettings#settle} before the newest window seen.
 *       Settled windows are learned in window-start order, clipped both ways; updates of a settled window are late
 *       ({@link #isLate}) and ignored. At most {@link LifecycleSettings#pendingCap} windows are kept: beyond that
 *       the oldest is learned early.</li>
 *   <li><b>Gaps are not zero</b>: a window with no update at all when it settles is skipped, not learned as zero.
 *       Billing and metering data are often delayed or sparse, so a missing window is far more often "not arrived
 *       yet" than "nothing spent". A drop is judged on the cost that arrives (a service spending ~0), not on
 *       silence.</li>
 *   <li><b>Opening a spike</b> on every update of a window that has not settled, partial ones and older windows
 *       included, when it scores anomalous <em>above</em> the baseline: a partial cost can only be below the final
 *       one, so a partial window that scores anomalous is anomalous; this is what opens an anomaly seconds into a
 *       spike instead of after its window closes. It also needs at least {@code minExcessPerHour} of (projected)
 *       excess. Updates of windows up to the one that resolved the last anomaly do not open a new one: that stretch
 *       was judged already.</li>
 *   <li><b>Opening a drop</b> only on a <em>settled</em> window that scores anomalous <em>below</em> the baseline,
 *       with at least {@code minExcessPerHour} of shortfall: a partial window is always low, so it says nothing
 *       about a drop. Not on a window the series merely moved past: with rows on several partitions the next
 *       window's first row can arrive before the rest of this one, in order or not, so only the settle horizon says
 *       a window is complete. Each window is judged once; a drop opens a settle horizon (10 minutes) after its first
 *       window ends, and the windows finished since are counted into it at once. A drop is a ticket, never a
 *       page: the wait costs nothing that matters.</li>
 *   <li><b>Finished windows</b> drive UPDATE and RESOLVED: a window is finished when a newer window has been seen
 *       (not when it settles, so a resolve is not held back by the settle horizon). Each window is counted once,
 *       with the cost it has then; windows that showed up after a newer one are counted when the series next
 *       moves on. While an anomaly is open a quiet window older than its start is not counted: that is normal
 *       spend from before the spike that arrived late, not a sign the spike is over.</li>
 *   <li><b>UPDATE</b> each time a window finishes while open, with the incident's excess so far; a spike's severity
 *       escalates (never drops) when a window's excess per hour reaches {@code pagePerHour}: a finished window's, or
 *       an unfinished one's over the charge time its rows cover (an extra UPDATE on that update, partial, so the page
 *       does not wait for the window to end). A drop keeps {@code dropSeverity}.</li>
 *   <li><b>RESOLVED</b> after {@code resolveAfterWindows} consecutive finished windows are quiet: scoring below
 *       {@code resolveScore} (hysteresis), or on the other side of the baseline (a spike's windows back below it, a
 *       drop's back above); it ends at the end of the last active window.</li>
 * </ul>
 * Beside the spikes and drops (issue 17): the settle horizon follows the series' own lag ({@link SettleHorizon}); a
 * backlog read out of order is held and replayed in order once read (the catch-up hold,
 * {@link #onUpdate(DetectorState, WindowUpdate, EstateWarmup, CatchUpWatch, long)}); a
 * series without a baseline in a warm estate is judged on an absolute rate ({@link NewSpendSettings}), on live updates
 * only (never on history, {@link #judgesNewSpend}); every settled
 * window also feeds the slow-leak rule ({@link LeakRule}), whose tickets have their own dedup key.
 * The excess of a partial window is {@code observed - expected x covered part} in {@code excessCost}; its excess per
 * hour, which sets the severity at OPEN, is the cost over the charge time its rows cover ({@code coveredUntil} of
 * {@code spend.unit-cost}: a per-minute row stamped at its minute's start covers the whole minute, so it is not
 * projected), or, from writers that do not say, over the elapsed part of the window by the update's event time. A
 * drop's excess is negative: the spend missing.
 */
public final class CostSpikeLifecycle {

    public static final String DEDUP_PREFIX = "cost-spike:service:";
    /** A drop is a different alert from a spike of the same service: its own dedup key. */
    public static final String DROP_DEDUP_PREFIX = "cost-drop:service:";

    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);

    /** How far behind the newest window {@code settle-max} lets the settle horizon open by default. */
    public static final Duration DEFAULT_SETTLE_MAX = Duration.ofHours(2);
    /** Wall-clock quiet after a series' last lagging update before its catch-up hold is released, by default. */
    public static final Duration DEFAULT_CATCH_UP_QUIET = Duration.ofSeconds(30);
    /**
     * Most history a series holds back during a catch-up: beyond it the oldest held window is learned unjudged
     * (bounds the state: ~60 bytes per one-minute window, ~86 KB per series at the cap).
     */
    public static final Duration CATCH_UP_MAX = Duration.ofDays(1);

    private final CostDetector detector;
    private final LifecycleSettings settings;
    private final ChargeCoverage coverage;
    private final NewSpendSettings newSpend;
    private final LeakRule leak;
    private final SettleHorizon horizon;
    private final long catchUpQuiet;

    /** With the default new-spend, leak and settle-max settings. */
    public CostSpikeLifecycle(CostDetector detector, LifecycleSettings settings) {
        this(detector, settings, NewSpendSettings.defaults(), LeakSettings.defaults(),
                max(DEFAULT_SETTLE_MAX, settings.settle()));
    }

    /** With the default catch-up quiet. */
    public CostSpikeLifecycle(CostDetector detector, LifecycleSettings settings, NewSpendSettings newSpend,
            LeakSettings leak, Duration settleMax) {
        this(detector, settings, newSpend, leak, settleMax, DEFAULT_CATCH_UP_QUIET);
    }

    /**
     * @param catchUpQuiet wall-clock quiet after a series' last lagging update before its catch-up hold ends
     *                     ({@link #onUpdate(DetectorState, WindowUpdate, EstateWarmup, long)}); zero turns the hold off
     */
    public CostSpikeLifecycle(CostDetector detector, LifecycleSettings settings, NewSpendSettings newSpend,
            LeakSettings leak, Duration settleMax, Duration catchUpQuiet) {
        if (catchUpQuiet.isNegative()) {
            throw new IllegalArgumentException("catch-up quiet " + catchUpQuiet + " is negative");
        }
        this.catchUpQuiet = catchUpQuiet.toMillis();
        this.detector = detector;
        this.settings = settings;
        this.coverage = new ChargeCoverage(settings.partialMinFraction());
        this.newSpend = newSpend;
        this.leak = new LeakRule(leak, settings.minExcessPerHour());
        this.horizon = new SettleHorizon(settings.settle(), settleMax);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public NewSpendSettings newSpend() {
        return newSpend;
    }

    /**
     * The series' settle horizon now (ms): {@code settle}, wider while its updates lag ({@link SettleHorizon}); what
     * the stores beside the series' state (its children's baselines) settle by.
     */
    public long settleHorizon(DetectorState state) {
        if (state.isHeld()) {
            return CATCH_UP_MAX.toMillis();
        }
        PendingWindow newest = state.pending().newest();
        return newest == null ? settings.settle().toMillis() : horizon.horizon(state, newest.windowStart());
    }

    /** A tracker of how long a task has watched its estate, for the new-spend rule (one per processor). */
    public EstateWarmup newEstateWarmup() {
        return new EstateWarmup(newSpend, settings.settle());
    }

    public CostDetector detector() {
        return detector;
    }

    public LifecycleSettings settings() {
        return settings;
    }

    /** How much of a window a cost so far covers: what the USD/h of a partial window is computed over. */
    public ChargeCoverage coverage() {
        return coverage;
    }

    /** The dedup key of a spike of {@code scope}. */
    public static String dedupKey(String scope) {
        return DEDUP_PREFIX + scope;
    }

    public static String dedupKey(AnomalyType type, String scope) {
        return (type == AnomalyType.COST_DROP ? DROP_DEDUP_PREFIX : DEDUP_PREFIX) + scope;
    }

    /** The id of a spike of {@code scope} that started at {@code startedAt}. */
    public static String anomalyId(String scope, long startedAt) {
        return anomalyId(AnomalyType.COST_SPIKE, scope, startedAt);
    }

    public static String anomalyId(AnomalyType type, String scope, long startedAt) {
        return dedupKey(type, scope) + ":" + startedAt;
    }

    /** The state of a series not seen before. */
    public DetectorState newState() {
        return DetectorState.ofBaseline(detector.newBaseline());
    }

    /** True when the update's window has settled already (learned or skipped): the update is then ignored. */
    public boolean isLate(DetectorState state, WindowUpdate update) {
        return state.pending().isSettled(update.windowStart());
    }

    /**
     * A late update ({@link #isLate}) still says how far behind the series' newest window its sources lag: noted, so
     * the settle horizon opens for the windows to come ({@link SettleHorizon}). The update itself is ignored.
     */
    public void noteLate(DetectorState state, WindowUpdate update) {
        PendingWindow newest = state.pending().newest();
        if (newest != null) {
            horizon.observe(state, newest.windowStart(), update.windowStart());
        }
    }

    /**
     * Whether {@code update} is part of a backlog being caught up out of order, as of the wall-clock time {@code now}
     * ({@link LifecycleSettings#isCaughtUpOutOfOrder}, against the series' newest pending window).
     */
    public boolean catchesUp(DetectorState state, WindowUpdate update, long now) {
        PendingWindow newest = state.pending().newest();
        return newest != null && settings.isCaughtUpOutOfOrder(newest.windowStart(), update.windowStart(),
                update.windowEnd(), now);
    }

    /**
     * Whether the new-spend rule judges a window that ended at {@code windowEnd}, updated at {@code timestamp}: live by
     * the task's event time ({@link EstateWarmup#judgesNewSpendAt}) and live by the wall clock {@code now} (not {@link
     * LifecycleSettings#isHistory}). History is never new spend, in any order: while a backlog is read, a series' first
     * windows at its task can be hours into its history while the rest is still on its way through other partitions
     * (issue 17's broker must-show once paged new spend for a service there from the estate's first minute: its first
     * two windows at its task came two hours in, one row of two each, and either no update had arrived out of order
     * yet, so nothing was held, or the hold's wall-clock quiet ran out in a stall before its history arrived). Event
     * time cannot tell such a series from one born there; the wall clock says the money is not burning now. A series
     * born inside a backlog is learned from it and judged against its baseline, like every other.
     */
    private boolean judgesNewSpend(EstateWarmup estate, long timestamp, long windowEnd, long now) {
        return estate.judgesNewSpendAt(timestamp) && !settings.isHistory(windowEnd, now);
    }

    /** A tracker of whether a task is catching up a backlog out of order (one per processor). */
    public CatchUpWatch newCatchUpWatch() {
        return new CatchUpWatch();
    }

    /**
     * A late update ({@link #isLate}) as {@link #noteLate(DetectorState, WindowUpdate)}; one that {@link #catchesUp}
     * also tells {@code watch} that the task is catching up, at the wall-clock time {@code now}.
     */
    public void noteLate(DetectorState state, WindowUpdate update, CatchUpWatch watch, long now) {
        watchCatchUp(state, update, watch, now);
        noteLate(state, update);
    }

    /**
     * Applies one update with the <b>catch-up hold</b>, {@code now} being the wall clock (ms); returns the lifecycle
     * events it causes, in order. An update of history (its window ended more than {@code settle} before the wall
     * clock) that arrives more than a window behind its series' newest ({@link #catchesUp}) means the task's
     * upstream sources are catching up a backlog at different event-time paces: on a multi-partition backlog the
     * skew at the detector can be most of the backlog (measured on the broker: 309-316 of 360 minutes, a partition
     * being about one fetch and three repartition hops mixing four upstream tasks), far beyond what any event-time
     * horizon can wait for, and a series learns partly filled windows from its first minutes on (its fast sources'
     * rows only), before any lag of its own shows. So while the task has seen such an update within the catch-up
     * quiet ({@code catch-up-quiet}, wall clock; {@link CatchUpWatch}), every series that gets an update of history
     * is held: it only collects, every update merged into its pending windows (up to {@link #CATCH_UP_MAX} of them),
     * nothing learned or judged. Once none has come for the quiet, the sources have delivered what they had, and on
     * the series' next update its held windows, now complete, are replayed in window order through the in-order path
     * (spikes, drops, new spend, resolves, learning, slow leaks): the same anomalies as the same data in order,
     * raised once the backlog has been read (a series that gets no further update is released by the wall clock,
     * {@link #releaseHeld}). Live updates (not history) of a series that is not held are never
     * held; in order nothing catches up, and this is {@link #onUpdate(DetectorState, WindowUpdate, boolean)} with
     * the new-spend rule on for updates live by {@code estate}'s event time and by the wall clock
     * ({@link #judgesNewSpend}).
     */
    public List<Transition> onUpdate(DetectorState state, WindowUpdate update, EstateWarmup estate,
            CatchUpWatch watch, long now) {
        watchCatchUp(state, update, watch, now);
        boolean catchingUp = isCatchingUp(watch, now);
        List<Transition> events = new ArrayList<>();
        if (state.isHeld() && !catchingUp) {
            release(state, update.scope(), estate, now, events);
        }
        boolean history = settings.isHistory(update.windowEnd(), now);
        if (!isLate(state, update) && (state.isHeld() || (catchingUp && history))) {
            state.hold(now);
            hold(state, update, events);
            return events;
        }
        events.addAll(onUpdate(state, update, judgesNewSpend(estate, update.timestamp(), update.windowEnd(), now)));
        return events;
    }

    /** Tells {@code watch} that the task is catching up when {@code update} {@link #catchesUp} (and the hold is on). */
    private void watchCatchUp(DetectorState state, WindowUpdate update, CatchUpWatch watch, long now) {
        if (catchUpQuiet > 0 && catchesUp(state, update, now)) {
            watch.seen(now);
        }
    }

    /**
     * Whether the task {@code watch} tells about is still catching up a backlog at the wall-clock time {@code now}: it
     * saw an update catch up history out of order less than the catch-up quiet ago (never with the hold off).
     */
    public boolean isCatchingUp(CatchUpWatch watch, long now) {
        return catchUpQuiet > 0 && watch.isCatchingUp(now, catchUpQuiet);
    }

    /**
     * Ends a held series' catch-up hold without an update, by the wall clock: for a series that gets no further
     * update once its task has caught up ({@link #isCatchingUp} false), or its held windows, an incident among them,
     * would wait for one forever. Its held windows are replayed as on its next update, {@code now} being the wall
     * clock; returns the events they cause.
     */
    public List<Transition> releaseHeld(DetectorState state, String scope, EstateWarmup estate, long now) {
        List<Transition> events = new ArrayList<>();
        if (state.isHeld()) {
            release(state, scope, estate, now, events);
        }
        return events;
    }

    /**
     * Ends the series' catch-up hold: its held windows are replayed in window order as complete windows; new spend is
     * judged on those live at the wall-clock time {@code now} only ({@link #judgesNewSpend}).
     */
    private void release(DetectorState state, String scope, EstateWarmup estate, long now,
            List<Transition> events) {
        List<PendingWindow> held = new ArrayList<>(state.pending().windows());
        state.pending().clear();
        state.release();
        for (PendingWindow window : held) {
            // Every source has delivered its part by now: the window is complete (its charge time covered).
            WindowUpdate replay = new WindowUpdate(scope, window.windowStart(), window.windowEnd(), window.cost(),
                    window.currency(), window.lastTimestamp(), window.windowEnd());
            events.addAll(onUpdate(state, replay,
                    judgesNewSpend(estate, window.lastTimestamp(), window.windowEnd(), now)));
            PendingWindow replayed = state.pending().get(window.windowStart());
            if (window.finished() && replayed != null && !replayed.finished()) {
                // Counted for an incident before the hold began: not again.
                state.pending().put(replayed.asFinished());
            }
        }
    }

    /** Collects an update while the series is held: into its pending windows, nothing learned or judged. */
    private void hold(DetectorState state, WindowUpdate update, List<Transition> events) {
        PendingWindows pending = state.pending();
        PendingWindow newest = pending.newest();
        if (newest != null) {
            horizon.observe(state, newest.windowStart(), update.windowStart());
            if (update.windowStart() < newest.windowStart()) {
                state.outOfOrder(newest.windowStart());
            }
        }
        PendingWindow known = pending.get(update.windowStart());
        pending.put(known == null ? PendingWindow.of(update) : known.merge(update));
        long cap = CATCH_UP_MAX.toMillis() / update.sizeMillis() + LifecycleSettings.PENDING_SLACK;
        while (pending.size() > cap) {
            // A backlog longer than the cap: its oldest windows are learned as they are, unjudged.
            learn(state, pending.settleOldest(), update.scope(), events);
        }
    }

    /**
     * Applies one update to the series' state with the new-spend rule off (as for an estate still warming up);
     * returns the lifecycle events it causes, in order.
     */
    public List<Transition> onUpdate(DetectorState state, WindowUpdate update) {
        return onUpdate(state, update, false);
    }

    /**
     * Applies one update to the series' state; returns the lifecycle events it causes, in order. {@code estateWarm}:
     * the task has watched its estate for the new-spend warm-up ({@link EstateWarmup}), so a series without a
     * baseline is new spend, judged by {@link NewSpendSettings}.
     */
    public List<Transition> onUpdate(DetectorState state, WindowUpdate update, boolean estateWarm) {
        if (isLate(state, update)) {
            noteLate(state, update);
            return List.of();
        }
        List<Transition> events = new ArrayList<>();
        String scope = update.scope();
        PendingWindows pending = state.pending();
        PendingWindow newest = pending.newest();
        if (newest != null) {
            horizon.observe(state, newest.windowStart(), update.windowStart());
        }
        PendingWindow known = pending.get(update.windowStart());
        PendingWindow window = known == null ? PendingWindow.of(update) : known.merge(update);
        pending.put(window);
        if (newest != null && window.windowStart() < newest.windowStart()) {
            state.outOfOrder(newest.windowStart());
        }
        if (newest != null && window.windowStart() > newest.windowStart()) {
            // The series moved on: every older window is finished for the lifecycle, and the settle horizon moves.
            // A finished window is not judged for a drop: its rows may still be on their way from other partitions
            // (the next window's first row can overtake the rest of this one), and a partial window under-reads.
            for (PendingWindow finished : pending.unfinishedBefore(window.windowStart())) {
                pending.put(finished.asFinished());
                if (state.isOpen()) {
                    finish(state, finished, scope, events);
                }
            }
            long line = window.windowStart() - horizon.horizon(state, window.windowStart());
            for (PendingWindow settled : pending.settleBefore(line)) {
                if (!state.isOpen()) {
                    judgeDrop(state, settled, scope, events);
                }
                learn(state, settled, scope, events);
            }
        }
        // The coverage goes with the cost it came with: an older update that changed nothing says nothing.
        Long covered = window.lastTimestamp() == update.timestamp() ? update.coveredUntil() : null;
        if (!state.isOpen() && window.windowStart() >= state.resolvedBefore()) {
            // A series whose sources lag is being caught up: held back, not new. Its first windows are partly filled
            // and its settle horizon keeps it without a baseline for as long as the lag, so to the new-spend rule it
            // would look like a series born minutes ago (the 4-partition broker backlog opened 25 such "new spend"
            // anomalies, services and teams there from the estate's first minute).
            boolean mayBeNew = estateWarm && !horizon.isLagging(state, pending.newest().windowStart());
            maybeOpen(state, window, covered, scope, mayBeNew, events);
        } else if (state.isOpen()) {
            maybeEscalateEarly(state, window, covered, scope, events);
        }
        int cap = horizon.pendingCap(state, pending.newest().windowStart(), window.sizeMillis());
        while (pending.size() > cap) {
            // Only overlapping or odd-sized windows get here: the state must stay small, and the clipped learning
            // keeps a window learned before it was complete from doing harm.
            PendingWindow oldest = pending.settleOldest();
            if (!oldest.finished() && oldest.windowStart() < pending.newest().windowStart()) {
                finish(state, oldest, scope, events);
            }
            learn(state, oldest, scope, events);
        }
        return events;
    }

    /** A settled window: into the baseline, and into the slow-leak rule's hours (which may raise its events). */
    private void learn(DetectorState state, PendingWindow settled, String scope, List<Transition> events) {
        detector.learn(state.baseline(), settled.windowStart(), settled.cost().doubleValue());
        if (leak.settings().enabled()) {
            if (state.leak() == null) {
                state.leak(leak.newWatch());
            }
            events.addAll(leak.learn(state.leak(), scope, settled.currency(), settled.windowStart(),
                    settled.sizeMillis(), settled.cost().doubleValue()));
        }
    }

    /**
     * A window is finished while an anomaly is open: it either keeps the incident active or counts towards
     * resolving it. Scored against the current baseline, with the cost the window has now.
     */
    private void finish(DetectorState state, PendingWindow window, String scope, List<Transition> events) {
        Incident incident = state.incident();
        if (incident == null) {
            return;
        }
        Baseline baseline = state.baseline();
        double cost = window.cost().doubleValue();
        OptionalDouble rarity = detector.rarity(baseline, window.windowStart(), cost);
        double score = rarity.orElse(0.0);
        boolean quiet = outsideIncident(incident, baseline, window, rarity);
        boolean newSpend = rarity.isEmpty() && !incident.isDrop();
        if (newSpend) {
            // New spend (no baseline yet: only the new-spend rule opens then) goes on while it stays over its ticket
            // line; once the series has a baseline its windows are judged against it like any spike's.
            quiet = perHour(window.cost(), window.sizeMillis()).compareTo(newSpend().ticketPerHour()) < 0;
        }
        if (quiet && window.windowStart() < incident.startedAt()) {
            // Normal spend from before the spike, counted only now because it arrived late.
            return;
        }
        BigDecimal expected = newSpend ? Money.ZERO : money(detector.expected(baseline, window.windowStart()));
        BigDecimal excess = Money.of(window.cost().subtract(expected));
        BigDecimal excessPerHour = perHour(incident.isDrop() ? excess.min(Money.ZERO) : excess.max(Money.ZERO),
                window.sizeMillis());
        if (quiet) {
            incident.quiet();
        } else {
            incident.active(window.cost(), excess, window.windowEnd());
        }
        if (quiet && incident.quietWindows() >= settings.resolveAfterWindows()) {
            state.resolve(window.windowEnd());
            events.add(new Transition(incident.type(), AnomalyState.RESOLVED, scope, incident.anomalyId(), incident.startedAt(),
                    window.windowEnd(), incident.lastActiveWindowEnd(), window.windowStart(), window.sizeMillis(),
                    false, window.currency(), window.cost(), window.cost(), expected, incident.peakObserved(),
                    incident.excessCost(), excessPerHour, score, incident.severity(), false));
        } else {
            Severity severity = incident.isDrop() ? incident.severity() : severityFor(excessPerHour);
            boolean escalated = louder(severity, incident.severity());
            if (escalated) {
                incident.escalateTo(severity);
            }
            events.add(new Transition(incident.type(), AnomalyState.UPDATE, scope, incident.anomalyId(), incident.startedAt(),
                    window.windowEnd(), null, window.windowStart(), window.sizeMillis(), false, window.currency(),
                    window.cost(), window.cost(), expected, incident.peakObserved(), incident.excessCost(),
                    excessPerHour, score, incident.severity(), escalated));
        }
    }

    private void maybeOpen(DetectorState state, PendingWindow window, Long coveredUntil, String scope,
            boolean estateWarm, List<Transition> events) {
        Baseline baseline = state.baseline();
        double cost = window.cost().doubleValue();
        OptionalDouble scored = detector.score(baseline, window.windowStart(), cost);
        if (scored.isEmpty() && estateWarm && newSpend.enabled()) {
            maybeOpenNewSpend(state, window, coveredUntil, scope, events);
            return;
        }
        if (scored.isEmpty() || detector.isBelow(baseline, window.windowStart(), cost)
                || !detector.isAnomalous(scored.getAsDouble(), detector.deviation(baseline, window.windowStart(), cost))) {
            // Below the baseline is no spike, and a window that may be partial is no drop either: judgeDrop's job.
            return;
        }
        BigDecimal fraction = coveredFraction(window, coveredUntil);
        BigDecimal rate = rateOver(window, fraction);
        BigDecimal expected = money(detector.expected(baseline, window.windowStart()));
        BigDecimal excessPerHour = perHour(rate.subtract(expected).max(Money.ZERO), window.sizeMillis());
        // The incident's cost so far compares like with like: the cost so far against what the covered part of the
        // window was expected to cost.
        BigDecimal excessSoFar = Money.of(window.cost().subtract(expected.multiply(fraction)));
        if (excessPerHour.compareTo(settings.minExcessPerHour()) < 0) {
            return;
        }
        Severity severity = severityFor(excessPerHour);
        long startedAt = window.windowStart();
        Incident incident = new Incident(AnomalyType.COST_SPIKE, anomalyId(scope, startedAt), startedAt, severity,
                window.cost(), Money.ZERO, 0, window.windowEnd());
        state.incident(incident);
        events.add(new Transition(AnomalyType.COST_SPIKE, AnomalyState.OPEN, scope, incident.anomalyId(), startedAt, window.lastTimestamp(),
                null, window.windowStart(), window.sizeMillis(), true, window.currency(), window.cost(), rate,
                expected, window.cost(), excessSoFar, excessPerHour, scored.getAsDouble(), severity, false));
    }

    /**
     * An open spike still below a page whose unfinished window already reaches {@code pagePerHour} is escalated on
     * this update, not when the window finishes: a partial window's cost only grows, so its excess per hour over the
     * charge time its rows cover is a floor of the finished window's (the reasoning that opens a spike on a partial
     * window). Without it, an incident that began a few seconds into a minute opened as a TICKET on that minute's
     * diluted first figures and stayed one until the minute was over (the demo's page came ~55 s late). The window is
     * still counted for the incident once, when it finishes; its finishing UPDATE does not escalate again.
     */
    private void maybeEscalateEarly(DetectorState state, PendingWindow window, Long coveredUntil, String scope,
            List<Transition> events) {
        Incident incident = state.incident();
        if (incident.isDrop() || !louder(Severity.PAGE, incident.severity()) || window.finished()
                || window.windowStart() < incident.startedAt()) {
            return;
        }
        Baseline baseline = state.baseline();
        double cost = window.cost().doubleValue();
        OptionalDouble rarity = detector.rarity(baseline, window.windowStart(), cost);
        boolean newSpend = rarity.isEmpty();
        if (!newSpend && outsideIncident(incident, baseline, window, rarity)) {
            return;
        }
        BigDecimal fraction = coveredFraction(window, coveredUntil);
        BigDecimal rate = rateOver(window, fraction);
        BigDecimal expected = newSpend ? Money.ZERO : money(detector.expected(baseline, window.windowStart()));
        BigDecimal excessPerHour = perHour(rate.subtract(expected).max(Money.ZERO), window.sizeMillis());
        if (severityFor(excessPerHour) != Severity.PAGE) {
            return;
        }
        incident.escalateTo(Severity.PAGE);
        BigDecimal excessSoFar = Money.of(incident.excessCost()
                .add(window.cost().subtract(expected.multiply(fraction))));
        events.add(new Transition(incident.type(), AnomalyState.UPDATE, scope, incident.anomalyId(),
                incident.startedAt(), window.lastTimestamp(), null, window.windowStart(), window.sizeMillis(), true,
                window.currency(), window.cost(), rate, expected, incident.peakObserved().max(window.cost()),
                excessSoFar, excessPerHour, rarity.orElse(1.0), Severity.PAGE, true));
    }

    /**
     * The new-spend rule ({@link NewSpendSettings}): a series without a baseline, in an estate watched long enough,
     * whose latest window (at its rate over the charge time its rows cover, as a spike's OPEN) and the window before
     * it each spend at least the ticket line per hour. Two windows, so a one-off charge of a new series (a licence, a
     * reservation, one hourly row) opens nothing; a brand-new service at 500 USD/h pages on the first update of its
     * second minute. Nothing was expected of it: all of it is excess.
     */
    private void maybeOpenNewSpend(DetectorState state, PendingWindow window, Long coveredUntil, String scope,
            List<Transition> events) {
        PendingWindow before = state.pending().get(window.windowStart() - window.sizeMillis());
        if (before == null || window.cost().signum() <= 0) {
            return;
        }
        BigDecimal fraction = coveredFraction(window, coveredUntil);
        BigDecimal rate = rateOver(window, fraction);
        BigDecimal perHour = perHour(rate, window.sizeMillis()).min(perHour(before.cost(), before.sizeMillis()));
        if (perHour.compareTo(newSpend.ticketPerHour()) < 0) {
            return;
        }
        Severity severity = perHour.compareTo(newSpend.pagePerHour()) >= 0 ? Severity.PAGE : Severity.TICKET;
        long startedAt = before.windowStart();
        Incident incident = new Incident(AnomalyType.COST_SPIKE, anomalyId(scope, startedAt), startedAt, severity,
                window.cost().max(before.cost()), before.cost(), 0, window.windowEnd());
        state.incident(incident);
        events.add(new Transition(AnomalyType.COST_SPIKE, AnomalyState.OPEN, scope, incident.anomalyId(), startedAt,
                window.lastTimestamp(), null, window.windowStart(), window.sizeMillis(), true, window.currency(),
                window.cost(), rate, Money.ZERO, window.cost().max(before.cost()),
                Money.of(before.cost().add(window.cost())), perHour(rate, window.sizeMillis()), 1.0, severity,
                false));
    }

    /**
     * While no incident is open, a settled window is judged for a drop, once: anomalous, below the baseline, and
     * short by at least {@code minExcessPerHour}. Scored against the baseline before the window is learned; the
     * windows finished since are counted into the drop at once.
     */
    private void judgeDrop(DetectorState state, PendingWindow window, String scope, List<Transition> events) {
        if (window.windowStart() < state.dropsJudgedBefore() || window.windowStart() < state.resolvedBefore()) {
            return;
        }
        state.dropsJudged(window.windowEnd());
        Baseline baseline = state.baseline();
        long start = window.windowStart();
        double cost = window.cost().doubleValue();
        OptionalDouble scored = detector.score(baseline, start, cost);
        if (scored.isEmpty() || !detector.isBelow(baseline, start, cost)
                || !detector.isAnomalous(scored.getAsDouble(), detector.deviation(baseline, start, cost))) {
            return;
        }
        BigDecimal expected = money(detector.expected(baseline, start));
        BigDecimal excess = Money.of(window.cost().subtract(expected));
        BigDecimal excessPerHour = perHour(excess.min(Money.ZERO), window.sizeMillis());
        if (excessPerHour.negate().compareTo(settings.minExcessPerHour()) < 0) {
            return;
        }
        Incident incident = new Incident(AnomalyType.COST_DROP, anomalyId(AnomalyType.COST_DROP, scope, start), start,
                settings.dropSeverity(), window.cost(), excess, 0, window.windowEnd());
        state.incident(incident);
        events.add(new Transition(AnomalyType.COST_DROP, AnomalyState.OPEN, scope, incident.anomalyId(), start,
                window.windowEnd(), null, start, window.sizeMillis(), false, window.currency(), window.cost(),
                window.cost(), expected, window.cost(), excess, excessPerHour, scored.getAsDouble(),
                incident.severity(), false));
        for (PendingWindow later : state.pending().windows()) {
            if (later.finished() && later.windowStart() > start && state.isOpen()) {
                finish(state, later, scope, events);
            }
        }
    }

    /**
     * Whether {@code window} (of {@code rarity}) is no part of the open {@code incident}. Judged by the rarity, not the
     * score: the damping of repeated onsets must not resolve an incident. A window out the other way is no part of it
     * either: a spike's end is not a drop, and the other way round. A window without a baseline (no rarity) is quiet
     * here; new spend is judged by its own line.
     */
    private boolean outsideIncident(Incident incident, Baseline baseline, PendingWindow window,
            OptionalDouble rarity) {
        return rarity.orElse(0.0) < settings.resolveScore()
                || detector.isBelow(baseline, window.windowStart(), window.cost().doubleValue()) != incident.isDrop();
    }

    /**
     * How much of {@code window} its cost so far covers ({@link ChargeCoverage}): a partial window's rate is its cost
     * over this fraction.
     */
    private BigDecimal coveredFraction(PendingWindow window, Long coveredUntil) {
        return BigDecimal.valueOf(coverage.fraction(window.windowStart(), window.windowEnd(), coveredUntil,
                window.lastTimestamp()));
    }

    /** The window's cost as if its rows covered it whole: its cost so far over the fraction they cover. */
    private static BigDecimal rateOver(PendingWindow window, BigDecimal fraction) {
        return Money.of(window.cost().divide(fraction, MathContext.DECIMAL64));
    }

    private Severity severityFor(BigDecimal excessPerHour) {
        return excessPerHour.compareTo(settings.pagePerHour()) >= 0 ? Severity.PAGE : Severity.TICKET;
    }

    /** Severity symbols are declared loudest first. */
    private static boolean louder(Severity candidate, Severity current) {
        return candidate.ordinal() < current.ordinal();
    }

    private static BigDecimal perHour(BigDecimal amount, long windowMillis) {
        return amount.multiply(MILLIS_PER_HOUR).divide(BigDecimal.valueOf(windowMillis), Money.SCALE, Money.ROUNDING);
    }

    /** The baseline is an estimate in double; it becomes money (rounded half-even to 12 places) only here. */
    private static BigDecimal money(double amount) {
        return Money.of(BigDecimal.valueOf(amount));
    }
}
