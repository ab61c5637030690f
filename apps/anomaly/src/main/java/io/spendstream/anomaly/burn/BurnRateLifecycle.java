package io.spendstream.anomaly.burn;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.avro.OpenBurnRecord;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * The burn-rate anomaly and the staged budget alerts of one budget scope, driven by its {@code spend.burn-rate}
 * evaluations. Plain Java: the caller keeps the {@link BurnRateStateRecord} (in the store
 * {@code anomaly-burn-rate-state}) and writes what this returns.
 *
 * <ul>
 * <li>OPEN when a rule of {@link BurnRules} starts firing; UPDATE when the firing rule's severity changes (either
 * way); RESOLVED once no rule has fired for {@code resolve-after} of evaluation time. A rule firing again before that
 * keeps the same anomaly.</li>
 * <li>Alerts: FIRING on OPEN and on an escalation to PAGE (same dedup key, so the receiver raises the alert it has);
 * RESOLVED on RESOLVED. A de-escalation is an UPDATE only: the page stays until the anomaly resolves.</li>
 * <li>Stages: each {@code stagesCrossed} fraction not alerted yet in the current period fires one alert. When a new
 * period starts (or the budget is deleted) the previous period's stage alerts resolve and are forgotten.</li>
 * </ul>
 */
public final class BurnRateLifecycle {

    private static final long HOUR_MILLIS = 3_600_000L;

    private final BurnRules rules;
    private final BurnRateSettings settings;

    public BurnRateLifecycle(BurnRateSettings settings) {
        this.settings = settings;
        this.rules = new BurnRules(settings);
    }

    /**
     * An evaluation older than the last one applied (or of an earlier period): applying it would move the stages
     * and the rules backwards, so it is ignored.
     */
    public boolean isStale(BurnRateStateRecord state, BurnRate rate) {
        return state != null && (rate.getPeriodStart().toEpochMilli() < state.getPeriodStart()
                || rate.getEvaluatedAt().toEpochMilli() < state.getLastEvaluatedAt());
    }

    /** Applies one evaluation; returns the new state and adds what to write to {@code out}, in order. */
    public BurnRateStateRecord onBurnRate(String scope, BurnRateStateRecord previous, BurnRate rate,
            List<Emission> out) {
        long evaluatedAt = rate.getEvaluatedAt().toEpochMilli();
        long periodStart = rate.getPeriodStart().toEpochMilli();
        BurnRateStateRecord state = previous != null ? previous : BurnRateStateRecord.newBuilder()
                .setCurrency(rate.getCurrency())
                .setBudgetAmount(Money.of(rate.getBudgetAmount()))
                .setPeriod(rate.getPeriod())
                .setPeriodStart(periodStart)
                .setPeriodEnd(rate.getPeriodEnd().toEpochMilli())
                .setLastEvaluatedAt(evaluatedAt)
                .setStages(new ArrayList<>())
                .build();
        if (periodStart > state.getPeriodStart()) {
            endStages(scope, state, state.getPeriodEnd(), "ended with its period", out);
        }
        long previousEvaluation = state.getLastEvaluatedAt();
        state.setCurrency(rate.getCurrency());
        state.setBudgetAmount(Money.of(rate.getBudgetAmount()));
        state.setPeriod(rate.getPeriod());
        state.setPeriodStart(periodStart);
        state.setPeriodEnd(rate.getPeriodEnd().toEpochMilli());
        state.setLastEvaluatedAt(evaluatedAt);

        applyRules(scope, state, rate, previousEvaluation, out);
        crossStages(scope, state, rate, evaluatedAt, out);
        return state;
    }

    /**
     * The budget was deleted (tombstone on {@code spend.burn-rate}): its open anomaly resolves at {@code at} and its
     * stage alerts resolve. The caller deletes the state.
     */
    public void onDeleted(String scope, BurnRateStateRecord state, long at, List<Emission> out) {
        if (state == null) {
            return;
        }
        OpenBurnRecord open = state.getOpen();
        if (open != null) {
            resolve(scope, state, open, at, at, 0.0, BurnRateRecords.deletedSummary(scope, open, state), out);
            state.setOpen(null);
        }
        endStages(scope, state, at, "ended: budget deleted", out);
    }

    private void applyRules(String scope, BurnRateStateRecord state, BurnRate rate, long previousEvaluation,
            List<Emission> out) {
        BurnWindows windows = new BurnWindows(rate);
        Optional<BurnRuleMatch> match = rules.evaluate(windows);
        double score = rules.score(windows);
        long evaluatedAt = rate.getEvaluatedAt().toEpochMilli();
        BigDecimal observed = windows.spend(BurnWindows.W1H);
        BigDecimal pacePerHour = pace(rate, HOUR_MILLIS);
        OpenBurnRecord open = state.getOpen();

        if (open == null) {
            if (match.isEmpty()) {
                return;
            }
            BurnRuleMatch m = match.get();
            open = OpenBurnRecord.newBuilder()
                    .setAnomalyId(BurnRateRecords.dedupKey(scope) + ":" + evaluatedAt)
                    .setSeverity(m.severity().name())
                    .setStartedAt(evaluatedAt)
                    // Counted from the first firing evaluation on: what burned before it is in the windows, not
                    // in the incident.
                    .setExcessCost(Money.of(BigDecimal.ZERO))
                    .setPeakObserved(Money.of(observed))
                    .setObserved(Money.of(observed))
                    .setExpected(Money.of(pacePerHour))
                    .setQuietSince(null)
                    .build();
            state.setOpen(open);
            emit(scope, state, open, AnomalyState.OPEN, evaluatedAt, null, score,
                    BurnRateRecords.firingSummary(scope, m, state, observed, rate.getProjectedPeriodSpend(),
                            open.getStartedAt(), windows),
                    AlertStatus.FIRING, BurnRateRecords.drivers(m, windows, state.getCurrency()), out);
            return;
        }

        BigDecimal excess = open.getExcessCost().add(excessBetween(rate, windows, previousEvaluation, evaluatedAt));
        open.setExcessCost(Money.of(excess.max(BigDecimal.ZERO)));
        open.setObserved(Money.of(observed));
        open.setExpected(Money.of(pacePerHour));
        open.setPeakObserved(Money.of(open.getPeakObserved().max(observed)));

        if (match.isPresent()) {
            open.setQuietSince(null);
            BurnRuleMatch m = match.get();
            Severity before = Severity.valueOf(open.getSeverity());
            if (m.severity() != before) {
                open.setSeverity(m.severity().name());
                boolean escalated = m.severity() == Severity.PAGE;
                emit(scope, state, open, AnomalyState.UPDATE, evaluatedAt, null, score,
                        BurnRateRecords.firingSummary(scope, m, state, observed, rate.getProjectedPeriodSpend(),
                                open.getStartedAt(), windows),
                        escalated ? AlertStatus.FIRING : null, BurnRateRecords.drivers(m, windows, state.getCurrency()),
                        out);
            }
            return;
        }
        if (open.getQuietSince() == null) {
            open.setQuietSince(evaluatedAt);
        }
        long quietSince = open.getQuietSince();
        if (evaluatedAt - quietSince >= settings.resolveAfter().toMillis()) {
            resolve(scope, state, open, evaluatedAt, quietSince, score, BurnRateRecords.resolvedSummary(scope, open,
                    state, windows.rate(BurnWindows.W1H), quietSince), out);
            state.setOpen(null);
        }
    }

    private void crossStages(String scope, BurnRateStateRecord state, BurnRate rate, long evaluatedAt,
            List<Emission> out) {
        List<Double> alerted = new ArrayList<>(state.getStages());
        for (double fraction : rate.getStagesCrossed().stream().sorted().toList()) {
            if (alerted.contains(fraction)) {
                continue;
            }
            alerted.add(fraction);
            out.add(new Emission(null, BurnRateRecords.stageAlert(scope, fraction, AlertStatus.FIRING, evaluatedAt,
                    null, BurnRateRecords.stageSummary(scope, fraction, state, rate.getConsumed(),
                            rate.getProjectedPeriodSpend()))));
        }
        state.setStages(alerted);
    }

    private static void endStages(String scope, BurnRateStateRecord state, long at, String why, List<Emission> out) {
        for (double fraction : state.getStages()) {
            out.add(new Emission(null, BurnRateRecords.stageAlert(scope, fraction, AlertStatus.RESOLVED, at, at,
                    BurnRateRecords.stageEndedSummary(scope, fraction, why))));
        }
        state.setStages(new ArrayList<>());
    }

    private static void resolve(String scope, BurnRateStateRecord state, OpenBurnRecord open, long observedAt,
            long endedAt, double score, String summary, List<Emission> out) {
        emit(scope, state, open, AnomalyState.RESOLVED, observedAt, endedAt, score, summary, AlertStatus.RESOLVED,
                "", out);
    }

    private static void emit(String scope, BurnRateStateRecord state, OpenBurnRecord open, AnomalyState event,
            long observedAt, Long endedAt, double score, String summary, AlertStatus alert, String drivers,
            List<Emission> out) {
        Anomaly anomaly = BurnRateRecords.anomaly(scope, state, open, event, observedAt, endedAt, score, summary);
        out.add(new Emission(anomaly, alert == null ? null : BurnRateRecords.alert(anomaly, alert, drivers)));
    }

    /**
     * The budget's pace over {@code millis}: budget x millis / period length (the real period, e.g. 30 days for
     * November), at 12 decimals half-even.
     */
    static BigDecimal pace(BurnRate rate, long millis) {
        long periodMillis = rate.getPeriodEnd().toEpochMilli() - rate.getPeriodStart().toEpochMilli();
        if (periodMillis <= 0) {
            return BigDecimal.ZERO;
        }
        return rate.getBudgetAmount().multiply(BigDecimal.valueOf(millis))
                .divide(BigDecimal.valueOf(periodMillis), Money.SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * Spend above pace between two evaluations, approximated as (spend rate - pace rate) x elapsed time, the spend
     * rate taken from the shortest trailing window that covers the elapsed time (the 5m window between evaluations
     * 10 s apart): the windows slide, so the exact spend between two evaluations is not on the record. Negative when
     * the scope spent below pace in between.
     */
    static BigDecimal excessBetween(BurnRate rate, BurnWindows windows, long from, long to) {
        long elapsed = to - from;
        if (elapsed <= 0) {
            return BigDecimal.ZERO;
        }
        String window = BurnWindows.W3D;
        for (String w : BurnWindows.BY_LENGTH) {
            if (BurnWindows.length(w).toMillis() >= elapsed) {
                window = w;
                break;
            }
        }
        BigDecimal spent = windows.spend(window).multiply(BigDecimal.valueOf(elapsed))
                .divide(BigDecimal.valueOf(BurnWindows.length(window).toMillis()), Money.SCALE,
                        RoundingMode.HALF_EVEN);
        return spent.subtract(pace(rate, elapsed));
    }
}
