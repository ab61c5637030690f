package io.spendstream.anomaly.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.detector.LeakRule;
import io.spendstream.anomaly.detector.Transition;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.TrafficContext;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.Money;

/**
 * Turns a cost {@link Transition} (a spike or a drop) into the Avro records the anomaly app writes: the {@link Anomaly} event for
 * {@code spend.anomalies} (with its one-line summary and top contributors) and, when the transition changes what
 * on-call should know, the {@link Alert} for {@code spend.alerts}. Pure functions; no state.
 *
 * <p>Alert rule: FIRING on OPEN, RESOLVED on RESOLVED, nothing on UPDATE except an escalation (TICKET to PAGE),
 * which fires again under the same dedup key so the receiver raises the existing alert's severity instead of
 * opening a second one.
 */
public final class AnomalyRecords {

    public static final String SCOPE_TYPE = "service";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

    private AnomalyRecords() {
    }

    /** The event with the service itself as its only contributor (no child moved, or none is known). */
    public static Anomaly anomaly(Transition t) {
        return anomaly(t, List.of());
    }

    /**
     * The event with its top contributors: the service's children that moved most (see
     * {@code ContributorBaselines}), or, when there are none, the service itself with all of the excess.
     */
    public static Anomaly anomaly(Transition t, List<Contributor> children) {
        return anomaly(t, children, null, null);
    }

    /**
     * The event with its top contributors, the team owning the service ({@code null} when unknown) and its traffic
     * context ({@code null} without APM data); a spike also gets its verdict ({@link PageText#verdict}). The summary
     * names all of them.
     */
    public static Anomaly anomaly(Transition t, List<Contributor> children, String team, TrafficContext traffic) {
        Anomaly anomaly = Anomaly.newBuilder()
                .setAnomalyId(t.anomalyId())
                .setDedupKey(dedupKey(t))
                .setState(t.state())
                .setType(t.type())
                .setSeverity(t.severity())
                .setScopeType(SCOPE_TYPE)
                .setScope(t.scope())
                .setCurrency(t.currency())
                .setStartedAt(Instant.ofEpochMilli(t.startedAt()))
                .setObservedAt(Instant.ofEpochMilli(t.observedAt()))
                .setEndedAt(t.endedAt() == null ? null : Instant.ofEpochMilli(t.endedAt()))
                .setObserved(Money.of(t.observed()))
                .setExpected(Money.of(t.expected()))
                .setPeakObserved(Money.of(t.peakObserved()))
                .setExcessCost(Money.of(t.excessCost()))
                .setExcessCostPerHour(Money.of(t.excessCostPerHour()))
                .setScore(t.score())
                .setTopContributors(children.isEmpty() ? List.of(self(t)) : children)
                .setSummary(summary(t))
                .setTeam(team)
                .setTraffic(t.state() == AnomalyState.RESOLVED ? null : traffic)
                .build();
        if (t.type() == AnomalyType.COST_SPIKE && t.state() != AnomalyState.RESOLVED) {
            anomaly.setVerdict(PageText.verdict(anomaly));
        }
        anomaly.setSummary(PageText.withContext(anomaly.getSummary(), anomaly));
        return anomaly;
    }

    /** A slow leak has its own alert beside the service's spikes ({@link LeakRule}); a spike or drop its type's. */
    public static String dedupKey(Transition t) {
        return LeakRule.isLeak(t.anomalyId()) ? LeakRule.DEDUP_PREFIX + t.scope()
                : CostSpikeLifecycle.dedupKey(t.type(), t.scope());
    }

    private static Contributor self(Transition t) {
        return Contributor.newBuilder()
                .setKind(SCOPE_TYPE)
                .setName(t.scope())
                .setObserved(Money.of(t.observed()))
                .setExpected(Money.of(t.expected()))
                .setExcess(Money.of(t.observed().subtract(t.expected())))
                .setShare(1.0)
                .build();
    }

    /**
     * The annotation that marks a refresh: a FIRING built from an UPDATE that changes nothing on-call was told, only
     * the figures. The alert gate keeps the newest figures of an alert it holds (in a silence, in group wait) so that
     * it is released with them; it never sends a refresh as such.
     */
    public static final String REFRESH = "refresh";

    /** The refresh of an UPDATE (see {@link #REFRESH}). */
    public static Alert refresh(Anomaly anomaly) {
        Alert alert = alert(Anomaly.newBuilder(anomaly).setState(AnomalyState.OPEN).build(), false).orElseThrow();
        alert.getAnnotations().put(REFRESH, "true");
        return alert;
    }

    public static boolean isRefresh(Alert alert) {
        return alert != null && "true".equals(alert.getAnnotations().get(REFRESH));
    }

    /** The alert this transition raises or clears, if any. */
    public static Optional<Alert> alert(Anomaly anomaly, boolean escalated) {
        AlertStatus status;
        if (anomaly.getState() == AnomalyState.OPEN || (anomaly.getState() == AnomalyState.UPDATE && escalated)) {
            status = AlertStatus.FIRING;
        } else if (anomaly.getState() == AnomalyState.RESOLVED) {
            status = AlertStatus.RESOLVED;
        } else {
            return Optional.empty();
        }
        return Optional.of(Alert.newBuilder()
                .setDedupKey(anomaly.getDedupKey())
                .setStatus(status)
                .setSeverity(anomaly.getSeverity())
                .setAnomalyType(anomaly.getType().name())
                .setScopeType(anomaly.getScopeType())
                .setScope(anomaly.getScope())
                .setLabels(Map.of(
                        "severity", anomaly.getSeverity().name().toLowerCase(Locale.ROOT),
                        "service", anomaly.getScope(),
                        "type", anomaly.getType().name().toLowerCase(Locale.ROOT)))
                .setSummary(anomaly.getSummary())
                .setStartsAt(anomaly.getStartedAt())
                .setEndsAt(status == AlertStatus.RESOLVED ? anomaly.getEndedAt() : null)
                .setAnomalyIds(List.of(anomaly.getAnomalyId()))
                .setAnnotations(new java.util.LinkedHashMap<>(PageText.annotations(anomaly)))
                .build());
    }

    /**
     * One line for humans, e.g. {@code checkout cost 12.30 USD/min vs 1.20 expected (+925%), ~666 USD/h excess since
     * 10:05Z}. A partial window's rate is projected from its elapsed part and marked with {@code ~}. Amounts are
     * rounded for display only (half-even); the exact values are in the record's fields. A drop says so:
     * {@code checkout cost dropped to 0.01 USD/min vs 1.35 expected (-99%), ~80 USD/h short since 10:05Z}.
     */
    public static String summary(Transition t) {
        if (t.type() == AnomalyType.COST_DROP) {
            return dropSummary(t);
        }
        if (LeakRule.isLeak(t.anomalyId())) {
            return leakSummary(t);
        }
        String unit = t.currency() + "/" + unit(t.windowSizeMillis());
        String since = CLOCK.format(Instant.ofEpochMilli(t.startedAt()));
        if (t.state() == AnomalyState.RESOLVED) {
            return t.scope() + " cost back to " + amount(t.rate()) + " " + unit + " vs " + amount(t.expected())
                    + " expected; spike " + since + "-" + CLOCK.format(Instant.ofEpochMilli(t.endedAt())) + " cost "
                    + amount(t.excessCost()) + " " + t.currency() + " excess";
        }
        String line = t.scope() + " cost " + (t.rate().compareTo(t.observed()) == 0 ? "" : "~") + amount(t.rate())
                + " " + unit + " vs " + amount(t.expected()) + " expected (" + change(t.rate(), t.expected())
                + "), ~" + PageText.perHour(t.excessCostPerHour()) + " " + t.currency() + "/h excess since " + since;
        if (t.state() == AnomalyState.UPDATE) {
            line += "; " + amount(t.excessCost()) + " " + t.currency() + " excess so far";
        }
        return line;
    }

    /**
     * E.g. {@code checkout cost rising since 10:00Z: 1.22 USD/min in the hour to 14:00Z vs 1.00 the same hour
     * yesterday (+22%), ~13 USD/h above yesterday, 31.50 USD so far}.
     */
    private static String leakSummary(Transition t) {
        String unit = t.currency() + "/" + unit(t.windowSizeMillis());
        String since = CLOCK.format(Instant.ofEpochMilli(t.startedAt()));
        String hourEnd = CLOCK.format(Instant.ofEpochMilli(t.observedAt()));
        if (t.state() == AnomalyState.RESOLVED) {
            return t.scope() + " cost no longer rising: " + amount(t.observed()) + " " + unit + " in the hour to "
                    + hourEnd + " vs " + amount(t.expected()) + " the same hour yesterday; rising since " + since
                    + ", " + amount(t.excessCost()) + " " + t.currency() + " above the day before";
        }
        return t.scope() + " cost rising since " + since + ": " + amount(t.observed()) + " " + unit
                + " in the hour to " + hourEnd + " vs " + amount(t.expected()) + " the same hour yesterday ("
                + change(t.observed(), t.expected()) + "), ~" + PageText.perHour(t.excessCostPerHour()) + " "
                + t.currency() + "/h above yesterday, " + amount(t.excessCost()) + " " + t.currency() + " so far";
    }

    private static String dropSummary(Transition t) {
        String unit = t.currency() + "/" + unit(t.windowSizeMillis());
        String since = CLOCK.format(Instant.ofEpochMilli(t.startedAt()));
        String missing = amount(t.excessCost().negate()) + " " + t.currency();
        if (t.state() == AnomalyState.RESOLVED) {
            return t.scope() + " cost back to " + amount(t.rate()) + " " + unit + " vs " + amount(t.expected())
                    + " expected; dropped " + since + "-" + CLOCK.format(Instant.ofEpochMilli(t.endedAt())) + ", "
                    + missing + " below the baseline";
        }
        String line = t.scope() + " cost dropped to " + amount(t.rate()) + " " + unit + " vs " + amount(t.expected())
                + " expected (" + change(t.rate(), t.expected()) + "), ~"
                + PageText.perHour(t.excessCostPerHour().negate()) + " " + t.currency() + "/h short since " + since;
        if (t.state() == AnomalyState.UPDATE) {
            line += "; " + missing + " below the baseline so far";
        }
        return line;
    }

    private static String unit(long windowMillis) {
        if (windowMillis == 60_000L) {
            return "min";
        }
        if (windowMillis == 3_600_000L) {
            return "h";
        }
        return Durations.format(Duration.ofMillis(windowMillis));
    }

    private static String amount(BigDecimal value) {
        return PageText.money(value);
    }

    /**
     * The change from expected to observed: a signed whole percentage up to +999% ({@code +925%}), beyond that a
     * factor ({@code 1,105x}: "+110423%" reads as noise); {@code new spend} from 0.
     */
    public static String change(BigDecimal observed, BigDecimal expected) {
        if (expected.signum() <= 0) {
            return "new spend";
        }
        BigDecimal percent = observed.subtract(expected).multiply(BigDecimal.valueOf(100))
                .divide(expected, 0, RoundingMode.HALF_EVEN);
        if (percent.compareTo(BigDecimal.valueOf(999)) > 0) {
            BigDecimal factor = observed.divide(expected, percent.compareTo(BigDecimal.valueOf(9_900)) > 0 ? 0 : 1,
                    RoundingMode.HALF_EVEN);
            return PageText.grouped(factor) + "x";
        }
        return (percent.signum() >= 0 ? "+" : "") + percent.toPlainString() + "%";
    }
}
