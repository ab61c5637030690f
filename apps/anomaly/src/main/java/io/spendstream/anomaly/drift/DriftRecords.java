package io.spendstream.anomaly.drift;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.schemas.Money;

/**
 * Turns a {@link DriftTransition} into the {@link Anomaly} event the app writes to {@code spend.anomalies}: type
 * {@code COST_PER_REQUEST_DRIFT}, scope the service, observed / expected / peak in cost per request, the excess in
 * money. Pure functions. The alert comes from {@link AnomalyRecords#alert} like every other anomaly's.
 */
public final class DriftRecords {

    /** Requests within this fraction of their usual level read as "flat" in the summary. */
    static final double FLAT_REQUESTS = 0.1;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);
    /** Costs per request are fractions of a cent: shown with three significant digits. */
    private static final MathContext DISPLAY = new MathContext(3, RoundingMode.HALF_EVEN);

    private DriftRecords() {
    }

    /**
     * The event, with the children (resources, SKUs) that moved in its window as top contributors; when none moved
     * (requests fell while the cost stayed, or the change is spread thinly) the service itself, with the window's
     * excess.
     */
    public static Anomaly anomaly(DriftTransition t, List<Contributor> children) {
        return Anomaly.newBuilder()
                .setAnomalyId(DriftLifecycle.anomalyId(t.service(), t.startedAt()))
                .setDedupKey(DriftLifecycle.dedupKey(t.service()))
                .setState(t.state())
                .setType(AnomalyType.COST_PER_REQUEST_DRIFT)
                .setSeverity(t.severity())
                .setScopeType(AnomalyRecords.SCOPE_TYPE)
                .setScope(t.service())
                .setCurrency(t.currency())
                .setStartedAt(Instant.ofEpochMilli(t.startedAt()))
                .setObservedAt(Instant.ofEpochMilli(t.windowEnd()))
                .setEndedAt(t.endedAt() == null ? null : Instant.ofEpochMilli(t.endedAt()))
                .setObserved(Money.of(t.costPerRequest()))
                .setExpected(Money.of(t.expected()))
                .setPeakObserved(Money.of(t.peakCostPerRequest()))
                .setExcessCost(Money.of(t.excessCost()))
                .setExcessCostPerHour(Money.of(t.excessCostPerHour()))
                .setScore(t.score())
                .setTopContributors(children.isEmpty() ? List.of(self(t)) : children)
                .setSummary(summary(t))
                .build();
    }

    private static Contributor self(DriftTransition t) {
        BigDecimal requests = BigDecimal.valueOf(t.requests());
        return Contributor.newBuilder()
                .setKind(AnomalyRecords.SCOPE_TYPE)
                .setName(t.service())
                .setObserved(Money.of(t.costPerRequest().multiply(requests)))
                .setExpected(Money.of(t.expected().multiply(requests)))
                .setExcess(Money.of(t.windowExcess()))
                .setShare(1.0)
                .build();
    }

    /**
     * One line for humans, e.g. {@code checkout: cost per request 0.0042 USD vs 0.0021 expected (+100%) for 7 min,
     * requests flat; 12.34 USD extra so far}; an UPDATE of a quiet window says the cost per request is back. Costs
     * per request have three significant digits, amounts two decimals, for display only; the exact values are in
     * the record's fields.
     */
    static String summary(DriftTransition t) {
        String currency = t.currency();
        if (t.state() == AnomalyState.RESOLVED) {
            return t.service() + ": cost per request back to " + perRequest(t.costPerRequest()) + " " + currency
                    + " vs " + perRequest(t.expected()) + " expected; drift "
                    + CLOCK.format(Instant.ofEpochMilli(t.startedAt())) + "-"
                    + CLOCK.format(Instant.ofEpochMilli(t.endedAt())) + " cost " + amount(t.excessCost()) + " "
                    + currency + " extra";
        }
        long minutes = (t.windowEnd() - t.startedAt()) / 60_000L;
        if (t.quiet()) {
            return t.service() + ": cost per request back to " + perRequest(t.costPerRequest()) + " " + currency
                    + " vs " + perRequest(t.expected()) + " expected in the last window" + requests(t)
                    + "; drift since " + CLOCK.format(Instant.ofEpochMilli(t.startedAt())) + " cost "
                    + amount(t.excessCost()) + " " + currency + " extra so far";
        }
        return t.service() + ": cost per request " + perRequest(t.costPerRequest()) + " " + currency + " vs "
                + perRequest(t.expected()) + " expected (" + AnomalyRecords.change(t.costPerRequest(), t.expected())
                + ") for " + minutes + " min" + requests(t) + "; " + amount(t.excessCost()) + " " + currency
                + " extra so far";
    }

    /** How the window's requests compare with the usual: the other half of a cost per request. */
    private static String requests(DriftTransition t) {
        if (t.requestLevel() <= 0) {
            return "";
        }
        double change = t.requests() / t.requestLevel() - 1;
        if (Math.abs(change) < FLAT_REQUESTS) {
            return ", requests flat";
        }
        return ", requests " + (change > 0 ? "+" : "") + Math.round(change * 100) + "%";
    }

    private static String perRequest(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.round(DISPLAY).stripTrailingZeros().toPlainString();
    }

    private static String amount(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
