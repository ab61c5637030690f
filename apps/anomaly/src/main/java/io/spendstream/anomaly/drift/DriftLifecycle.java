package io.spendstream.anomaly.drift;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.spendstream.anomaly.avro.DriftRecord;
import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.anomaly.avro.DriftWindowRecord;
import io.spendstream.anomaly.core.RequestLevel;
import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CatchUpWatch;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.state.DetectorStateSerde;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Turns the updates of one service's windows into cost-per-request drift events. Plain Java, no Kafka: the stream
 * app calls {@link #onUpdate} once per one-minute {@code spend.unit-cost} record with the service's
 * {@link DriftStateRecord}. The maths is the cost-spike detector's ({@link CostDetector}, rises only) run over the
 * cost per request of each settled window.
 *
 * <ul>
 *   <li><b>Settled windows only.</b> The latest totals of each recent window are kept until it settles (it starts
 *       more than {@code settle} before the newest window of the service), as the cost-spike detector learns them;
 *       then windows are judged and learned in window order. A drift is about the final cost per request of whole
 *       windows: a partial window's cost and requests come from different upstream streams (cost lines and APM
 *       summaries) and arrive minutes apart, so their ratio says nothing until both are complete. The price: a
 *       drift is seen {@code settle} (10 minutes) after its windows, which is fine for a TICKET.</li>
 *   <li><b>Few requests are noise.</b> A window with fewer than {@code minRequests} requests, or none (no cost per
 *       request), is ignored: neither judged nor learned, and it neither extends nor breaks a run.</li>
 *   <li><b>A run</b> starts with an anomalous window: its rarity (undamped: the detector announces an excursion
 *       once, a drift is the excursion going on) at least the detector's threshold and its deviation at least
 *       {@code min-sigmas}, as for a cost spike. It goes on while each next window is still {@code min-sigmas} out
 *       with a rarity of at least {@code resolveScore}: the first window taught the rarity histogram that such a
 *       deviation happens, so the same drift's next windows are less rare than the first (the hysteresis of an
 *       open cost spike).</li>
 *   <li><b>OPEN</b> once the run is {@code minWindows} settled windows long and they cost at least
 *       {@code minExcessPerHour} extra per hour on average; {@code startedAt} = the first of them, and the excess
 *       counts all of them.</li>
 *   <li><b>UPDATE</b> for each settled window while open; a window whose rarity is below {@code resolveScore} is
 *       quiet (hysteresis), the others add their excess.</li>
 *   <li><b>RESOLVED</b> after {@code resolveAfterWindows} quiet windows in a row; it ended at the end of the last
 *       active window.</li>
 *   <li><b>Learning</b>: every judged window is learned into the baseline, clipped, as the cost-spike detector does;
 *       so a lasting new cost per request is adopted after a while (17 windows for a doubling) and its drift
 *       resolves: the drift was the change, the new level is the new normal.</li>
 * </ul>
 * Excess: per window {@code (cost per request - expected) x requests}, exact decimals; expected is the baseline's
 * estimate (a double) turned into money once, rounded half-even to 12 places.
 * <p>
 * <b>Nothing settles into drift while its task catches up out of order</b>
 * ({@link #onUpdate(DriftStateRecord, DriftUpdate, CatchUpWatch, long)}): a window that settles while the task has
 * seen an update of history (a window that ended more than {@code settle} ago) arrive more than a window behind its
 * service's newest, within the cost-spike detector's {@code catch-up-quiet} (the catch-up hold's test,
 * {@code LifecycleSettings.isCaughtUpOutOfOrder}), is skipped, neither judged nor learned. Its cost and its requests
 * come from different upstream partitions then, each at its own point of the backlog, so it settles at the fixed
 * {@code settle} with a ratio of two partial sums: on {@code spendstream up} with four partitions (2026-12-07)
 * payments-api opened a false ticket on its history of an hour before ("0.0000282 USD vs 0.00000496 expected
 * (+467%)"). Drift has no hold of its own (one was tried and reverted for its cost, apps/anomaly/README.md), so what
 * settles during a catch-up is lost to it: such a backlog teaches drift nothing and a drift inside it is not raised,
 * and a live window that settles in the meantime (one a minute per service, for as long as the catch-up and its quiet)
 * is skipped too.
 */
public final class DriftLifecycle {

    public static final String DEDUP_PREFIX = "cost-per-request-drift:service:";

    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);

    private final CostDetector detector;
    private final DriftSettings settings;
    private final DetectorStateSerde baselines = new DetectorStateSerde();

    /**
     * What one update did: the events, and the settled windows skipped: without requests (no cost per request: a
     * service without APM data, such as {@code unallocated}), with fewer than {@code minRequests}, or settled while
     * the task catches up a backlog out of order.
     */
    public record Outcome(List<DriftTransition> transitions, int noRequestWindows, int fewRequestWindows,
            int catchUpWindows) {

        static Outcome none() {
            return new Outcome(List.of(), 0, 0, 0);
        }
    }

    public DriftLifecycle(DriftSettings settings) {
        this.settings = settings;
        this.detector = new CostDetector(settings.detector());
    }

    public DriftSettings settings() {
        return settings;
    }

    public static String dedupKey(String service) {
        return DEDUP_PREFIX + service;
    }

    public static String anomalyId(String service, long startedAt) {
        return dedupKey(service) + ":" + startedAt;
    }

    /** The state of a service not seen before. */
    public DriftStateRecord newState() {
        return DriftStateRecord.newBuilder().setBaseline(write(detector.newBaseline())).build();
    }

    public static boolean isOpen(DriftStateRecord state) {
        return state.getDrift() != null && state.getDrift().getOpen();
    }

    /** True when the update's window has settled already: the update is then ignored. */
    public boolean isLate(DriftStateRecord state, DriftUpdate update) {
        return update.windowStart() < state.getSettledBefore();
    }

    /** A tracker of whether a task is catching up a backlog out of order (one per processor). */
    public CatchUpWatch newCatchUpWatch() {
        return new CatchUpWatch();
    }

    /**
     * Tells {@code watch} that the task is catching up, at the wall-clock time {@code now}, when {@code update} is
     * history that arrives more than a window behind its service's newest window (or behind its settled line); a late
     * update ({@link #isLate}) tells it too.
     */
    public void watchCatchUp(DriftStateRecord state, DriftUpdate update, CatchUpWatch watch, long now) {
        List<DriftWindowRecord> pending = state.getPending();
        long newest = pending.isEmpty() ? state.getSettledBefore()
                : pending.get(pending.size() - 1).getWindowStart();
        if (!settings.catchUpQuiet().isZero() && settings.lifecycle().isCaughtUpOutOfOrder(newest,
                update.windowStart(), update.windowEnd(), now)) {
            watch.seen(now);
        }
    }

    /** Applies one update to the service's state, as in order: every settled window is judged and learned. */
    public Outcome onUpdate(DriftStateRecord state, DriftUpdate update) {
        return apply(state, update, false);
    }

    /**
     * Applies one update to the service's state, {@code now} being the wall clock: a window that settles while the
     * task catches up out of order ({@code watch}, {@link #watchCatchUp}) is skipped, neither judged nor learned
     * (counted in {@link Outcome#catchUpWindows}).
     */
    public Outcome onUpdate(DriftStateRecord state, DriftUpdate update, CatchUpWatch watch, long now) {
        watchCatchUp(state, update, watch, now);
        return apply(state, update, isCatchingUp(watch, now));
    }

    /**
     * Whether the task {@code watch} tells about is catching up a backlog out of order at the wall-clock time
     * {@code now} (never with {@code catch-up-quiet} zero).
     */
    public boolean isCatchingUp(CatchUpWatch watch, long now) {
        return watch.isCatchingUp(now, settings.catchUpQuiet().toMillis());
    }

    /** {@code catchingUp}: the task catches up out of order; the windows this update settles are then skipped. */
    private Outcome apply(DriftStateRecord state, DriftUpdate update, boolean catchingUp) {
        if (isLate(state, update)) {
            return Outcome.none();
        }
        List<DriftWindowRecord> pending = new ArrayList<>(state.getPending());
        keepLatest(pending, update);
        DriftWindowRecord newest = pending.get(pending.size() - 1);
        long horizon = newest.getWindowStart() - settings.lifecycle().settle().toMillis();
        int cap = settings.lifecycle().pendingCap(newest.getWindowEnd() - newest.getWindowStart());
        List<DriftWindowRecord> settled = new ArrayList<>();
        while (!pending.isEmpty() && pending.get(0).getWindowStart() < horizon) {
            settled.add(pending.remove(0));
        }
        state.setSettledBefore(Math.max(state.getSettledBefore(), horizon));
        while (pending.size() > cap) {
            // Only overlapping or odd-sized windows get here: the oldest is judged as it stands, the state stays small.
            DriftWindowRecord oldest = pending.remove(0);
            settled.add(oldest);
            long line = Math.min(oldest.getWindowEnd(), pending.get(0).getWindowStart());
            state.setSettledBefore(Math.max(state.getSettledBefore(), line));
        }
        state.setPending(pending);
        if (settled.isEmpty()) {
            return Outcome.none();
        }
        Baseline baseline = read(state.getBaseline());
        List<DriftTransition> events = new ArrayList<>();
        int noRequests = 0;
        int fewRequests = 0;
        int catchUp = 0;
        for (DriftWindowRecord window : settled) {
            if (catchingUp) {
                catchUp++;
                continue;
            }
            if (window.getCostPerRequest() == null || window.getRequests() == 0) {
                noRequests++;
                continue;
            }
            if (window.getRequests() < settings.minRequests()) {
                fewRequests++;
                continue;
            }
            judge(state, baseline, update.service(), window, events);
            double cpr = window.getCostPerRequest().doubleValue();
            detector.learn(baseline, window.getWindowStart(), cpr);
            if (state.getDrift() == null) {
                // Not during a run or a drift: "requests -50%" compares with the traffic from before it.
                state.setRequestLevel(RequestLevel.learn(state.getRequestLevel(), window.getRequests()));
            }
        }
        state.setBaseline(write(baseline));
        return new Outcome(events, noRequests, fewRequests, catchUp);
    }

    private void judge(DriftStateRecord state, Baseline baseline, String service, DriftWindowRecord window,
            List<DriftTransition> events) {
        long start = window.getWindowStart();
        double cpr = window.getCostPerRequest().doubleValue();
        if (!detector.isWarm(baseline)) {
            return;
        }
        double rarity = detector.rarity(baseline, start, cpr).orElse(0.0);
        double deviation = detector.deviation(baseline, start, cpr);
        DriftRecord drift = state.getDrift();
        // The first window of a run must be anomalous. It teaches the rarity histogram that such a deviation
        // happens (the detector learns an excursion's first window only), so the next windows of the same drift are
        // a little less rare: they continue the run while still far out and above the resolve threshold, the
        // hysteresis an open cost spike has.
        boolean over = drift == null ? detector.isAnomalous(rarity, deviation)
                : rarity >= settings.lifecycle().resolveScore() && deviation >= settings.detector().minSigmas();
        BigDecimal expected = Money.of(BigDecimal.valueOf(detector.expected(baseline, start)));
        BigDecimal excess = Money.of(window.getCostPerRequest().subtract(expected)
                .multiply(BigDecimal.valueOf(window.getRequests())));
        long windowMillis = window.getWindowEnd() - start;
        if (drift == null || !drift.getOpen()) {
            if (!over) {
                // The run is broken: a drift must be sustained.
                state.setDrift(null);
                return;
            }
            if (drift == null) {
                drift = new DriftRecord(false, start, 0, 0, Money.ZERO, Money.ZERO, window.getWindowEnd(),
                        settings.severity().name());
                state.setDrift(drift);
            }
            active(drift, window, excess);
            BigDecimal meanPerHour = perHour(drift.getExcessCost().divide(BigDecimal.valueOf(drift.getActiveWindows()),
                    Money.SCALE, Money.ROUNDING), windowMillis);
            if (drift.getActiveWindows() >= settings.minWindows()
                    && meanPerHour.compareTo(settings.minExcessPerHour()) >= 0) {
                drift.setOpen(true);
                events.add(transition(AnomalyState.OPEN, service, drift, null, window, expected, excess, rarity,
                        false, state));
            }
            return;
        }
        if (rarity >= settings.lifecycle().resolveScore()) {
            active(drift, window, excess);
            events.add(transition(AnomalyState.UPDATE, service, drift, null, window, expected, excess, rarity, false,
                    state));
            return;
        }
        drift.setQuietWindows(drift.getQuietWindows() + 1);
        if (drift.getQuietWindows() >= settings.lifecycle().resolveAfterWindows()) {
            state.setDrift(null);
            events.add(transition(AnomalyState.RESOLVED, service, drift, drift.getLastActiveWindowEnd(), window,
                    expected, excess, rarity, true, state));
        } else {
            events.add(transition(AnomalyState.UPDATE, service, drift, null, window, expected, excess, rarity, true,
                    state));
        }
    }

    private static void active(DriftRecord drift, DriftWindowRecord window, BigDecimal excess) {
        drift.setActiveWindows(drift.getActiveWindows() + 1);
        drift.setQuietWindows(0);
        drift.setExcessCost(Money.of(drift.getExcessCost().add(excess)));
        drift.setPeakCostPerRequest(Money.of(drift.getPeakCostPerRequest().max(window.getCostPerRequest())));
        drift.setLastActiveWindowEnd(Math.max(drift.getLastActiveWindowEnd(), window.getWindowEnd()));
    }

    private DriftTransition transition(AnomalyState kind, String service, DriftRecord drift, Long endedAt,
            DriftWindowRecord window, BigDecimal expected, BigDecimal excess, double rarity, boolean quiet,
            DriftStateRecord state) {
        long windowMillis = window.getWindowEnd() - window.getWindowStart();
        return new DriftTransition(kind, service, drift.getStartedAt(), endedAt, window.getWindowStart(),
                window.getWindowEnd(), window.getCurrency(), Money.of(window.getCostPerRequest()), expected,
                window.getRequests(), state.getRequestLevel(), drift.getPeakCostPerRequest(), drift.getExcessCost(),
                perHour(excess.max(Money.ZERO), windowMillis), rarity, Severity.valueOf(drift.getSeverity()), quiet);
    }

    /** Keeps the update's totals for its window: the update with the latest event time wins (a tie: the last). */
    private static void keepLatest(List<DriftWindowRecord> pending, DriftUpdate update) {
        DriftWindowRecord totals = new DriftWindowRecord(update.windowStart(), update.windowEnd(), update.currency(),
                Money.of(update.cost()), update.requests(),
                update.costPerRequest() == null ? null : Money.of(update.costPerRequest()), update.timestamp());
        for (int i = 0; i < pending.size(); i++) {
            if (pending.get(i).getWindowStart() == update.windowStart()) {
                if (update.timestamp() >= pending.get(i).getLastTimestamp()) {
                    pending.set(i, totals);
                }
                return;
            }
        }
        pending.add(totals);
        pending.sort(Comparator.comparingLong(DriftWindowRecord::getWindowStart));
    }

    private static BigDecimal perHour(BigDecimal amount, long windowMillis) {
        return amount.multiply(MILLIS_PER_HOUR).divide(BigDecimal.valueOf(windowMillis), Money.SCALE, Money.ROUNDING);
    }

    private Baseline read(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return baselines.read(copy).baseline();
    }

    private ByteBuffer write(Baseline baseline) {
        return ByteBuffer.wrap(baselines.write(DetectorState.ofBaseline(baseline)));
    }
}
