package io.spendstream.anomaly.value;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Evidence;
import io.spendstream.avro.LatencySensitivity;
import io.spendstream.avro.MarginalCost;
import io.spendstream.avro.ServiceValue;
import io.spendstream.schemas.Money;

/**
 * One ticket rule on a service's hourly {@link ServiceValue}: whether the hour counts, and what it says. Pure; the
 * lifecycle (hours in a row, open, resolve) is {@link ValueAnomalyProcessor}'s.
 *
 * @param type   the anomaly type it raises
 * @param name   the dedup-key prefix, e.g. {@code unprofitable-scaling}
 * @param hours  counting hours in a row that open the anomaly
 * @param minLoss LATENCY_REVENUE_LOSS only: the least revenue lost in an hour that counts
 * @param minSharePercent LATENCY_REVENUE_LOSS only: and the least share of the revenue the hour would have had
 */
public record ValueRule(AnomalyType type, String name, int hours, BigDecimal minLoss, BigDecimal minSharePercent) {

    /** What a counting hour says: the figure observed against the one expected, and the hour's excess in money. */
    public record Judgement(BigDecimal observed, BigDecimal expected, BigDecimal excess, double score, String what) {
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public static List<ValueRule> from(ValueAnomalySettings settings) {
        List<ValueRule> rules = new ArrayList<>();
        rules.add(new ValueRule(AnomalyType.UNPROFITABLE_SCALING, "unprofitable-scaling", settings.unprofitableHours(),
                null, null));
        if (settings.latencyLossEnabled()) {
            rules.add(new ValueRule(AnomalyType.LATENCY_REVENUE_LOSS, "latency-revenue-loss",
                    settings.latencyLossHours(), settings.minLoss(), settings.minSharePercent()));
        }
        return List.copyOf(rules);
    }

    public String dedupKey(String service) {
        return name + ":service:" + service;
    }

    /** The hour's judgement when it counts for the rule, else null. */
    public Judgement judge(ServiceValue value) {
        return type == AnomalyType.UNPROFITABLE_SCALING ? unprofitable(value) : latencyLoss(value);
    }

    private static Judgement unprofitable(ServiceValue value) {
        MarginalCost marginal = value.getMarginalCost();
        BigDecimal revenuePerRequest = value.getRevenuePerRequest();
        if (marginal.getEvidence() != Evidence.ESTIMATED || !marginal.getExceedsRevenuePerRequest()
                || revenuePerRequest == null) {
            return null;
        }
        BigDecimal perRequest = marginal.getPerRequest();
        // What the hour's requests cost at the margin beyond what they brought in.
        BigDecimal excess = Money.of(perRequest.subtract(revenuePerRequest)
                .multiply(BigDecimal.valueOf(value.getRequests())));
        double ratio = revenuePerRequest.signum() == 0 ? 2
                : perRequest.divide(revenuePerRequest, 6, RoundingMode.HALF_EVEN).doubleValue();
        String what = String.format(Locale.ROOT, "one more request costs %s %s (marginal, over %dh) but brings %s %s"
                        + " of revenue", perRequest.stripTrailingZeros().toPlainString(), value.getCurrency(),
                marginal.getWindowHours(), revenuePerRequest.stripTrailingZeros().toPlainString(), value.getCurrency());
        return new Judgement(perRequest, revenuePerRequest, excess, Math.min(1.0, ratio / 2), what);
    }

    private Judgement latencyLoss(ServiceValue value) {
        LatencySensitivity s = value.getSensitivity();
        BigDecimal effect = s.getRevenueEffect();
        if (s.getEvidence() != Evidence.ESTIMATED || effect == null || effect.negate().compareTo(minLoss) < 0
                || effect.abs().compareTo(TWO.multiply(s.getRevenueEffectStandardError())) <= 0) {
            return null;
        }
        BigDecimal loss = Money.of(effect.negate());
        BigDecimal wouldHaveBeen = value.getRevenue().add(loss);
        if (loss.multiply(HUNDRED).compareTo(minSharePercent.multiply(wouldHaveBeen)) < 0) {
            return null;
        }
        String what = String.format(Locale.ROOT, "p95 %.0f ms against a %.0f ms baseline cost about %s %s of revenue"
                        + " in the hour %s (%s %s per hour per +100 ms)", value.getLatencyP95Ms(),
                s.getBaselineLatencyP95Ms(), amount(loss), value.getCurrency(),
                CLOCK.format(Instant.ofEpochMilli(value.getHourStart().toEpochMilli())),
                amount(s.getRevenuePerHourPer100Ms()), value.getCurrency());
        return new Judgement(loss, Money.ZERO, loss, Math.min(1.0, loss.doubleValue() / (2 * minLoss.doubleValue())),
                what);
    }

    static String amount(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
