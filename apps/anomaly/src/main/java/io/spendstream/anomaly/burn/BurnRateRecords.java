package io.spendstream.anomaly.burn;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.avro.OpenBurnRecord;
import io.spendstream.anomaly.core.PageText;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.BurnDriver;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Builds the records of the burn-rate path: the {@code BURN_RATE} {@link Anomaly} events for {@code spend.anomalies},
 * their {@link Alert}s and the staged budget alerts for {@code spend.alerts}, with their one-line summaries. Pure
 * functions; no state. Amounts in summaries are rounded to whole currency units for display only; the exact values
 * are in the records' fields.
 */
public final class BurnRateRecords {

    public static final String SCOPE_TYPE = "budget";
    /** {@code anomalyType} of a staged budget alert: it has no anomaly event behind it. */
    public static final String STAGE_ALERT_TYPE = "BUDGET_STAGE";

    /** Annotation naming the burn's drivers ({@link #drivers}). */
    public static final String DRIVERS = "drivers";
    private static final long HOUR_MS = 3_600_000L;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

    private BurnRateRecords() {
    }

    public static String dedupKey(String scope) {
        return "burn-rate:" + SCOPE_TYPE + ":" + scope;
    }

    /** One key per scope, period-independent fraction text ({@code 0.5}, {@code 0.75}, {@code 1.0}). */
    public static String stageDedupKey(String scope, double fraction) {
        return "budget-stage:" + scope + ":" + fraction;
    }

    public static Anomaly anomaly(String scope, BurnRateStateRecord state, OpenBurnRecord open, AnomalyState event,
            long observedAt, Long endedAt, double score, String summary) {
        return Anomaly.newBuilder()
                .setAnomalyId(open.getAnomalyId())
                .setDedupKey(dedupKey(scope))
                .setState(event)
                .setType(AnomalyType.BURN_RATE)
                .setSeverity(Severity.valueOf(open.getSeverity()))
                .setScopeType(SCOPE_TYPE)
                .setScope(scope)
                .setCurrency(state.getCurrency())
                .setStartedAt(Instant.ofEpochMilli(open.getStartedAt()))
                .setObservedAt(Instant.ofEpochMilli(observedAt))
                .setEndedAt(endedAt == null ? null : Instant.ofEpochMilli(endedAt))
                .setObserved(Money.of(open.getObserved()))
                .setExpected(Money.of(open.getExpected()))
                .setPeakObserved(Money.of(open.getPeakObserved()))
                .setExcessCost(Money.of(open.getExcessCost()))
                // The 1h window's spend above the 1h pace is already an amount per hour.
                .setExcessCostPerHour(Money.of(open.getObserved().subtract(open.getExpected()).max(BigDecimal.ZERO)))
                .setScore(score)
                // The drivers are no contributors (those move against a baseline; a driver is a share of the
                // burn): they are in the summary and the alert annotation "drivers".
                .setTopContributors(List.of())
                .setSummary(summary)
                .setTeam(scope.startsWith("team:") ? scope.substring("team:".length()) : null)
                .build();
    }

    /**
     * FIRING on OPEN and on escalation, RESOLVED on RESOLVED; the caller decides which. {@code drivers}: the
     * annotation {@value #DRIVERS} ({@link #drivers}), left out when empty.
     */
    public static Alert alert(Anomaly anomaly, AlertStatus status, String drivers) {
        Map<String, String> annotations = annotations(anomaly);
        if (!drivers.isEmpty()) {
            annotations.put(DRIVERS, drivers);
        }
        return Alert.newBuilder()
                .setDedupKey(anomaly.getDedupKey())
                .setStatus(status)
                .setSeverity(anomaly.getSeverity())
                .setAnomalyType(anomaly.getType().name())
                .setScopeType(SCOPE_TYPE)
                .setScope(anomaly.getScope())
                .setLabels(labels(anomaly.getScope(), anomaly.getSeverity(), "burn_rate"))
                .setSummary(anomaly.getSummary())
                .setStartsAt(anomaly.getStartedAt())
                .setEndsAt(status == AlertStatus.RESOLVED ? anomaly.getEndedAt() : null)
                .setAnomalyIds(List.of(anomaly.getAnomalyId()))
                .setAnnotations(annotations)
                .build();
    }

    /** What on-call acts on, for receivers: the budget, its team, since when, the excess per hour, the cost so far. */
    private static Map<String, String> annotations(Anomaly anomaly) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("budget", anomaly.getScope());
        labels(anomaly.getScope(), anomaly.getSeverity(), "burn_rate").entrySet().stream()
                .filter(e -> e.getKey().equals("team") || e.getKey().equals("service"))
                .forEach(e -> annotations.put(e.getKey(), e.getValue()));
        annotations.put("since", clock(anomaly.getStartedAt().toEpochMilli()) + " (" + anomaly.getStartedAt() + ")");
        annotations.put("excess_per_hour", amount(anomaly.getExcessCostPerHour()) + " " + anomaly.getCurrency()
                + "/h above pace");
        annotations.put("incident_cost", amount(anomaly.getExcessCost()) + " " + anomaly.getCurrency());
        return annotations;
    }

    /**
     * The alert for budget consumption crossing {@code fraction} of the budget: TICKET below 1.0, PAGE from 1.0 (the
     * budget is spent). Resolved when its period ends or its budget is deleted.
     */
    public static Alert stageAlert(String scope, double fraction, AlertStatus status, long startsAt, Long endsAt,
            String summary) {
        Severity severity = fraction >= 1.0 ? Severity.PAGE : Severity.TICKET;
        Map<String, String> labels = labels(scope, severity, "budget_stage");
        labels.put("stage", Double.toString(fraction));
        return Alert.newBuilder()
                .setDedupKey(stageDedupKey(scope, fraction))
                .setStatus(status)
                .setSeverity(severity)
                .setAnomalyType(STAGE_ALERT_TYPE)
                .setScopeType(SCOPE_TYPE)
                .setScope(scope)
                .setLabels(labels)
                .setSummary(summary)
                .setStartsAt(Instant.ofEpochMilli(startsAt))
                .setEndsAt(endsAt == null ? null : Instant.ofEpochMilli(endsAt))
                .setAnomalyIds(List.of())
                .build();
    }

    /**
     * e.g. {@code team:payments burning 15.2x budget (1h) and 16.0x (5m) since 11:00Z: 30,000 USD/month budget, 412
     * USD spent in the last hour, projected 61,200 USD by period end; windows 5m 16.0x, 30m 15.5x, 1h 15.2x, 6h 3.1x,
     * 3d 1.2x}: the rule's two windows first, then every window's burn rate, so on-call sees how long it has been
     * going on (a high 6h rate: hours; only the short ones: minutes).
     */
    public static String firingSummary(String scope, BurnRuleMatch match, BurnRateStateRecord state,
            BigDecimal spentLastHour, BigDecimal projected, long since, BurnWindows windows) {
        String drivers = drivers(match, windows, state.getCurrency());
        return String.format(Locale.ROOT, "%s burning %.1fx budget (%s) and %.1fx (%s) since %s: %s, %s %s spent in "
                        + "the last hour, projected %s %s by period end; windows %s%s", scope, match.longRate(),
                match.longWindow(), match.shortRate(), match.shortWindow(), clock(since), budget(state),
                amount(spentLastHour), state.getCurrency(), amount(projected), state.getCurrency(), rates(windows),
                drivers.isEmpty() ? "" : "; driven by " + drivers);
    }

    /**
     * Who drives the burn over the firing rule's long window (the window that says the burn is significant), e.g.
     * {@code service checkout 480 USD/h (80%, over pace since 10:10Z), service ledger 120 USD/h (20%, over pace since
     * 10:11Z)}: each driver's spend in the window per hour, its share of the window's spend, and since when it alone
     * has been spending faster than the whole budget's pace. Empty when attribution named none.
     */
    public static String drivers(BurnRuleMatch match, BurnWindows windows, String currency) {
        BigDecimal total = windows.spend(match.longWindow());
        long windowMs = BurnWindows.length(match.longWindow()).toMillis();
        List<String> parts = new java.util.ArrayList<>();
        for (BurnDriver driver : windows.drivers(match.longWindow())) {
            BigDecimal perHour = driver.getSpend().multiply(BigDecimal.valueOf(HOUR_MS))
                    .divide(BigDecimal.valueOf(windowMs), Money.SCALE, RoundingMode.HALF_EVEN);
            String share = total.signum() <= 0 ? "" : driver.getSpend().multiply(BigDecimal.valueOf(100))
                    .divide(total, 0, RoundingMode.HALF_EVEN) + "%";
            String since = driver.getOverPaceSince() == null ? ""
                    : "over pace since " + clock(driver.getOverPaceSince().toEpochMilli());
            String detail = share.isEmpty() || since.isEmpty() ? share + since : share + ", " + since;
            parts.add(driver.getScope().replaceFirst(":", " ") + " " + PageText.perHour(perHour) + " " + currency
                    + "/h" + (detail.isEmpty() ? "" : " (" + detail + ")"));
        }
        return String.join(", ", parts);
    }

    /** Every window's burn rate, shortest first: {@code 5m 16.0x, 30m 15.5x, 1h 15.2x, 6h 3.1x, 3d 1.2x}. */
    static String rates(BurnWindows windows) {
        List<String> rates = new java.util.ArrayList<>();
        for (String window : List.of(BurnWindows.W5M, BurnWindows.W30M, BurnWindows.W1H, BurnWindows.W6H,
                BurnWindows.W3D)) {
            rates.add(String.format(Locale.ROOT, "%s %.1fx", window, windows.rate(window)));
        }
        return String.join(", ", rates);
    }

    /** e.g. {@code team:payments burn rate back under the rules (0.8x 1h): ~1,234 USD above pace 11:00Z-11:40Z}. */
    public static String resolvedSummary(String scope, OpenBurnRecord open, BurnRateStateRecord state, double rate1h,
            long endedAt) {
        return String.format(Locale.ROOT, "%s burn rate back under the rules (%.1fx 1h): ~%s %s above pace %s-%s",
                scope, rate1h, amount(open.getExcessCost()), state.getCurrency(), clock(open.getStartedAt()),
                clock(endedAt));
    }

    /** e.g. {@code team:payments budget deleted: burn-rate anomaly since 11:00Z closed, ~1,234 USD above pace}. */
    public static String deletedSummary(String scope, OpenBurnRecord open, BurnRateStateRecord state) {
        return String.format(Locale.ROOT, "%s budget deleted: burn-rate anomaly since %s closed, ~%s %s above pace",
                scope, clock(open.getStartedAt()), amount(open.getExcessCost()), state.getCurrency());
    }

    /** e.g. {@code team:payments consumed 75% of its 30,000 USD/month budget (22,500 USD), projected 33,800 USD}. */
    public static String stageSummary(String scope, double fraction, BurnRateStateRecord state, BigDecimal consumed,
            BigDecimal projected) {
        return String.format(Locale.ROOT, "%s consumed %s%% of its %s (%s %s), projected %s %s by period end", scope,
                BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString(), budget(state),
                amount(consumed), state.getCurrency(), amount(projected), state.getCurrency());
    }

    /** e.g. {@code team:payments budget stage 50% ended with its period}. */
    public static String stageEndedSummary(String scope, double fraction, String why) {
        return String.format(Locale.ROOT, "%s budget stage %s%% %s", scope,
                BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString(), why);
    }

    /**
     * severity, type, budget, plus the owner the scope names ({@code team:payments} gives {@code team=payments}) so a
     * receiver can route by team or service as it does for cost spikes.
     */
    private static Map<String, String> labels(String scope, Severity severity, String type) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("severity", severity.name().toLowerCase(Locale.ROOT));
        labels.put("type", type);
        labels.put("budget", scope);
        int colon = scope.indexOf(':');
        if (colon > 0 && colon < scope.length() - 1) {
            labels.put(scope.substring(0, colon), scope.substring(colon + 1));
        }
        return labels;
    }

    private static String budget(BurnRateStateRecord state) {
        return amount(state.getBudgetAmount()) + " " + state.getCurrency() + "/"
                + state.getPeriod().toLowerCase(Locale.ROOT) + " budget";
    }

    private static String amount(BigDecimal value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String clock(long millis) {
        return CLOCK.format(Instant.ofEpochMilli(millis));
    }
}
