package io.spendstream.anomaly.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.spendstream.anomaly.avro.BillMismatchSkuRecord;
import io.spendstream.anomaly.core.TicketAlerts;
import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Turns a service's reconciled hour into the BILL_MISMATCH records the anomaly app writes: the {@link Anomaly} event
 * for {@code spend.anomalies} (dedup key {@code bill-mismatch:service:<service>}, severity TICKET: a bill that
 * disagrees with its estimate is money to reconcile, not a fire) and its {@link Alert}: FIRING on OPEN, RESOLVED on
 * RESOLVED. Pure functions; no state.
 *
 * <p>{@code observed} is the hour's bill, {@code expected} its estimate, {@code excessCost} the sum of
 * {@code billed - estimated} over the hours still mismatched (negative when the bill came in under the estimates),
 * {@code excessCostPerHour} that difference for the latest hour, the contributors the SKUs of the hour by how far
 * their bill moved from their estimate.
 */
public final class BillMismatchRecords {

    public static final String SCOPE_TYPE = "service";
    private static final String PREFIX = "bill-mismatch:service:";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    private BillMismatchRecords() {
    }

    public static String dedupKey(String service) {
        return PREFIX + service;
    }

    /**
     * One event. {@code hourStart}/{@code skus}: the hour just reconciled; {@code excess}: the sum over the hours
     * still mismatched; {@code mismatchedHours}: how many they are; {@code endedAt}: set on RESOLVED.
     */
    public static Anomaly anomaly(String anomalyId, AnomalyState state, String service, String currency,
            long startedAt, long hourStart, Map<String, BillMismatchSkuRecord> skus, BigDecimal excess,
            int mismatchedHours, Long endedAt, BigDecimal thresholdPercent) {
        BigDecimal estimated = sum(skus, true);
        BigDecimal billed = sum(skus, false);
        BigDecimal difference = billed.subtract(estimated);
        return Anomaly.newBuilder()
                .setAnomalyId(anomalyId)
                .setDedupKey(dedupKey(service))
                .setState(state)
                .setType(AnomalyType.BILL_MISMATCH)
                .setSeverity(Severity.TICKET)
                .setScopeType(SCOPE_TYPE)
                .setScope(service)
                .setCurrency(currency)
                .setStartedAt(Instant.ofEpochMilli(startedAt))
                .setObservedAt(Instant.ofEpochMilli(hourStart))
                .setEndedAt(endedAt == null ? null : Instant.ofEpochMilli(endedAt))
                .setObserved(Money.of(billed))
                .setExpected(Money.of(estimated))
                .setPeakObserved(Money.of(billed))
                .setExcessCost(Money.of(excess))
                .setExcessCostPerHour(Money.of(difference))
                .setScore(score(estimated, billed, thresholdPercent))
                .setTopContributors(contributors(skus, difference))
                .setSummary(summary(state, service, currency, hourStart, estimated, billed, excess, mismatchedHours))
                .build();
    }

    /** The alert of an OPEN (FIRING) or RESOLVED event; none for an UPDATE (one ticket per mismatch). */
    public static Alert alert(Anomaly anomaly, String team) {
        return TicketAlerts.of(anomaly, team);
    }

    /**
     * E.g. {@code checkout's bill for 2026-11-20 10:00Z is 25% above its metered estimate (12.50 vs 10.00 USD);
     * 3 hours mismatched, 7.41 USD off so far}. Rounded for display only; the exact amounts are in the fields.
     */
    public static String summary(AnomalyState state, String service, String currency, long hourStart, BigDecimal estimated,
            BigDecimal billed, BigDecimal excess, int mismatchedHours) {
        String hour = HOUR.format(Instant.ofEpochMilli(hourStart));
        if (state == AnomalyState.RESOLVED) {
            return service + "'s bill for " + hour + " matches its metered estimate again (" + amount(billed)
                    + " vs " + amount(estimated) + " " + currency + "): no hour of it is mismatched any more";
        }
        BigDecimal percent = billed.subtract(estimated).multiply(BigDecimal.valueOf(100))
                .divide(estimated.signum() == 0 ? BigDecimal.ONE : estimated.abs(), 0, RoundingMode.HALF_EVEN);
        String direction = percent.signum() >= 0 ? percent.toPlainString() + "% above" : percent.negate()
                .toPlainString() + "% below";
        if (estimated.signum() == 0) {
            direction = "billed without";
        }
        return service + "'s bill for " + hour + " is " + direction + " its metered estimate (" + amount(billed)
                + " vs " + amount(estimated) + " " + currency + "); " + mismatchedHours + " hour"
                + (mismatchedHours == 1 ? "" : "s") + " mismatched, " + amount(excess) + " " + currency + " off so far";
    }

    /** How far past the threshold the hour is, in [0,1]: 0.5 at the threshold, 1 at twice it or more. */
    private static double score(BigDecimal estimated, BigDecimal billed, BigDecimal thresholdPercent) {
        if (billed.signum() == 0) {
            return 0;
        }
        double percent = billed.subtract(estimated).abs().doubleValue() * 100 / billed.abs().doubleValue();
        return Math.min(1.0, percent / (2 * thresholdPercent.doubleValue()));
    }

    private static List<Contributor> contributors(Map<String, BillMismatchSkuRecord> skus, BigDecimal total) {
        List<Contributor> out = new ArrayList<>();
        skus.forEach((sku, amounts) -> {
            BigDecimal excess = amounts.getBilled().subtract(amounts.getEstimated());
            out.add(Contributor.newBuilder()
                    .setKind("sku")
                    .setName(sku)
                    .setObserved(Money.of(amounts.getBilled()))
                    .setExpected(Money.of(amounts.getEstimated()))
                    .setExcess(Money.of(excess))
                    .setShare(total.signum() == 0 ? 0 : Math.max(0, excess.doubleValue() / total.doubleValue()))
                    .build());
        });
        out.sort(Comparator.comparing((Contributor c) -> c.getExcess().abs()).reversed()
                .thenComparing(Contributor::getName));
        return out;
    }

    public static BigDecimal sum(Map<String, BillMismatchSkuRecord> skus, boolean estimated) {
        BigDecimal sum = Money.ZERO;
        for (BillMismatchSkuRecord amounts : skus.values()) {
            sum = sum.add(estimated ? amounts.getEstimated() : amounts.getBilled());
        }
        return Money.of(sum);
    }

    private static String amount(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
