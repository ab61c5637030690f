package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Turns the updates of one series' windows into cost-spike anomaly lifecycle events, with {@link CostDetector}
 * doing the math. Plain Java, no Kafka: the stream app calls {@link #onUpdate} once per {@code spend.unit-cost}
 * record with the series' {@link DetectorState}.
 *
 * <ul>
 *   <li><b>Learning</b> only from finished windows: an update for a newer window makes the previous window's latest
 *       cost final; it is scored, drives UPDATE/RESOLVED, and is learned. Windows with no update in between are
 *       zero-cost windows (cost is a rate: no cost line means nothing was spent) and are learned as such.</li>
 *   <li><b>Opening</b> on every update, partial ones included: a partial cost can only be below the final one, so
 *       a partial window that scores anomalous is anomalous; this is what opens an anomaly seconds into a spike
 *       instead of after its window closes. It also needs at least {@code minExcessPerHour} of (projected) excess.</li>
 *   <li><b>UPDATE</b> each time a window finishes while open, with the incident's excess so far; the severity
 *       escalates (never drops) when a finished window's excess per hour reaches {@code pagePerHour}.</li>
 *   <li><b>RESOLVED</b> after {@code resolveAfterWindows} consecutive finished windows score below
 *       {@code resolveScore} (hysteresis); it ends at the end of the last active window.</li>
 *   <li><b>Late updates</b> (a window older than the current one) are ignored: that window was already learned as
 *       final; {@link #isLate} lets the caller count them.</li>
 * </ul>
 * The excess of a partial window is {@code observed - expected} (an under-estimate) in {@code excessCost}; its
 * excess per hour, which sets the severity at OPEN, is projected from the elapsed part of the window.
 */
public final class CostSpikeLifecycle {

    public static final String DEDUP_PREFIX = "cost-spike:service:";

    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);

    private final CostDetector detector;
    private final LifecycleSettings settings;

    public CostSpikeLifecycle(CostDetector detector, LifecycleSettings settings) {
        this.detector = detector;
        this.settings = settings;
    }

    public CostDetector detector() {
        return detector;
    }

    public static String dedupKey(String scope) {
        return DEDUP_PREFIX + scope;
    }

    public static String anomalyId(String scope, long startedAt) {
        return dedupKey(scope) + ":" + startedAt;
    }

    /** True when the update is for a window older than the current one (it is then ignored). */
    public boolean isLate(DetectorState state, WindowUpdate update) {
        return state.current() != null && update.windowStart() < state.current().windowStart();
    }

    /** Applies one update to the series' state; returns the lifecycle events it causes, in order. */
    public List<Transition> onUpdate(DetectorState state, WindowUpdate update) {
        if (isLate(state, update)) {
            return List.of();
        }
        List<Transition> events = new ArrayList<>();
        CurrentWindow previous = state.current();
        if (previous != null && update.windowStart() > previous.windowStart()) {
            finish(state, previous, update.scope(), events);
            learnGap(state, previous, update, events);
        }
        CurrentWindow current = new CurrentWindow(update.windowStart(), update.windowEnd(), Money.of(update.cost()),
                update.currency(), update.timestamp());
        state.current(current);
        if (!state.isOpen()) {
            maybeOpen(state, current, update.scope(), events);
        }
        return events;
    }

    private void learnGap(DetectorState state, CurrentWindow previous, WindowUpdate update, List<Transition> events) {
        long size = previous.sizeMillis();
        long empty = Math.max(0, (update.windowStart() - previous.windowEnd()) / size);
        long learned = Math.min(empty, detector.settings().maxGapWindows());
        for (long i = 0; i < learned; i++) {
            long start = previous.windowEnd() + i * size;
            finish(state, new CurrentWindow(start, start + size, Money.ZERO, previous.currency(), start + size),
                    update.scope(), events);
        }
    }

    /** A window is final: score it against the baseline it was scored with while open, then learn it. */
    private void finish(DetectorState state, CurrentWindow window, String scope, List<Transition> events) {
        Baseline baseline = state.baseline();
        double value = window.cost().doubleValue();
        OptionalDouble scored = detector.score(baseline, value);
        boolean anomalous = scored.isPresent() && detector.isAnomalous(scored.getAsDouble());
        Incident incident = state.incident();
        if (incident != null) {
            double score = scored.orElse(0.0);
            boolean quiet = score < settings.resolveScore();
            // An incident's windows are learned clipped even when they score just below the open threshold.
            anomalous |= !quiet;
            BigDecimal expected = money(detector.expected(baseline));
            BigDecimal excess = Money.of(window.cost().subtract(expected));
            BigDecimal excessPerHour = perHour(excess.max(Money.ZERO), window.sizeMillis());
            if (quiet) {
                incident.quiet();
            } else {
                incident.active(window.cost(), excess, window.windowEnd());
            }
            if (quiet && incident.quietWindows() >= settings.resolveAfterWindows()) {
                state.incident(null);
                events.add(new Transition(AnomalyState.RESOLVED, scope, incident.anomalyId(), incident.startedAt(),
                        window.windowEnd(), incident.lastActiveWindowEnd(), window.windowStart(), window.sizeMillis(),
                        false, window.currency(), window.cost(), window.cost(), expected, incident.peakObserved(),
                        incident.excessCost(), excessPerHour, score, incident.severity(), false));
            } else {
                Severity severity = severityFor(excessPerHour);
                boolean escalated = louder(severity, incident.severity());
                if (escalated) {
                    incident.escalateTo(severity);
                }
                events.add(new Transition(AnomalyState.UPDATE, scope, incident.anomalyId(), incident.startedAt(),
                        window.windowEnd(), null, window.windowStart(), window.sizeMillis(), false, window.currency(),
                        window.cost(), window.cost(), expected, incident.peakObserved(), incident.excessCost(),
                        excessPerHour, score, incident.severity(), escalated));
            }
        }
        detector.learn(baseline, value, anomalous);
    }

    private void maybeOpen(DetectorState state, CurrentWindow window, String scope, List<Transition> events) {
        Baseline baseline = state.baseline();
        OptionalDouble scored = detector.score(baseline, window.cost().doubleValue());
        if (scored.isEmpty() || !detector.isAnomalous(scored.getAsDouble())) {
            return;
        }
        double elapsed = (window.lastTimestamp() - window.windowStart()) / (double) window.sizeMillis();
        double fraction = Math.min(1.0, Math.max(settings.partialMinFraction(), elapsed));
        BigDecimal rate = Money.of(window.cost().divide(BigDecimal.valueOf(fraction), MathContext.DECIMAL64));
        BigDecimal expected = money(detector.expected(baseline));
        BigDecimal excessPerHour = perHour(rate.subtract(expected).max(Money.ZERO), window.sizeMillis());
        if (excessPerHour.compareTo(settings.minExcessPerHour()) < 0) {
            return;
        }
        Severity severity = severityFor(excessPerHour);
        long startedAt = window.windowStart();
        Incident incident = new Incident(anomalyId(scope, startedAt), startedAt, severity, window.cost(), Money.ZERO,
                0, window.windowEnd());
        state.incident(incident);
        events.add(new Transition(AnomalyState.OPEN, scope, incident.anomalyId(), startedAt, window.lastTimestamp(),
                null, window.windowStart(), window.sizeMillis(), true, window.currency(), window.cost(), rate,
                expected, window.cost(), Money.of(window.cost().subtract(expected)), excessPerHour,
                scored.getAsDouble(), severity, false));
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
