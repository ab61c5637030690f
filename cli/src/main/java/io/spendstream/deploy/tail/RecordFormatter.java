package io.spendstream.deploy.tail;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.Evidence;
import io.spendstream.avro.LatencySensitivity;
import io.spendstream.avro.MarginalCost;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.SloFigures;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.AvroJson;

/**
 * One readable line per record for the terminal, per record type; any other type falls back to JSON.
 * Amounts are shown rounded for reading (the topics keep them exact; use {@code --json} for exact values).
 */
public final class RecordFormatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private RecordFormatter() {
    }

    public static String format(String key, Object value) {
        if (value == null) {
            return "[" + key + "] (deleted)";
        }
        if (value instanceof Anomaly a) {
            return anomaly(a);
        }
        if (value instanceof Alert a) {
            return alert(a);
        }
        if (value instanceof UnitCost u) {
            return unitCost(u);
        }
        if (value instanceof Reconciliation r) {
            return reconciliation(r);
        }
        if (value instanceof ServiceValue v) {
            return serviceValue(v);
        }
        if (value instanceof AttributedCost c) {
            return cost(c.getCost()) + " -> " + attribution(c.getAttribution());
        }
        if (value instanceof CostRecord c) {
            return cost(c);
        }
        if (value instanceof ApmRecord a) {
            return String.format("%s %-16s requests=%d errors=%d p95=%sms", time(a.getWindowStart()), a.getService(),
                    a.getRequests(), a.getErrors(), a.getLatencyP95Ms() == null ? "-" : a.getLatencyP95Ms());
        }
        if (value instanceof DeadLetter d) {
            return deadLetter(d);
        }
        if (value instanceof byte[] raw) {
            return "[" + key + "] " + AvroJson.bytesAsText(ByteBuffer.wrap(raw));
        }
        return "[" + key + "] " + AvroJson.toJson(value);
    }

    /**
     * The summary says the money, since when, the contributors, the traffic and the verdict; the line leads with what
     * to sort and grep by (state, severity, type, scope) and the first contributor.
     */
    private static String anomaly(Anomaly a) {
        return String.format("%s ANOMALY %-8s %-6s %s %s=%s top=%s | %s", time(a.getObservedAt()), a.getState(),
                a.getSeverity(), a.getType(), a.getScopeType(), a.getScope(), topContributor(a.getTopContributors()),
                a.getSummary());
    }

    /**
     * The first contributor, e.g. {@code resource:gpu-recs-pool(+1.23,97%)}, or for a drop the child that fell most,
     * {@code resource:db-checkout(-0.5,62%)}: what on-call looks at first.
     */
    private static String topContributor(List<Contributor> contributors) {
        if (contributors.isEmpty()) {
            return "-";
        }
        Contributor top = contributors.get(0);
        return String.format("%s:%s(%s%s,%.0f%%)", top.getKind(), top.getName(),
                top.getExcess().signum() < 0 ? "" : "+", money(top.getExcess()), top.getShare() * 100);
    }

    /** The costliest resource of a unit-cost window, e.g. {@code db-checkout=0.51}. */
    private static String topResource(List<ChildCost> children) {
        return children.stream().filter(c -> c.getKind().equals("resource") && !c.getRemainder()).findFirst()
                .map(c -> c.getName() + "=" + money(c.getCost())).orElse("-");
    }

    private static String alert(Alert a) {
        return String.format("%s ALERT   %-8s %-6s %s | %s", time(a.getEndsAt() != null ? a.getEndsAt()
                : a.getStartsAt()), a.getStatus(), a.getSeverity(), a.getDedupKey(), a.getSummary());
    }

    private static String unitCost(UnitCost u) {
        return String.format("%s %-4s %-16s cost=%s %s requests=%d errors=%d cost/request=%s cost/success=%s"
                + " top-resource=%s", time(u.getWindowStart()), Durations.format(Duration.parse(u.getWindowSize())),
                u.getService(), money(u.getCost()), u.getCurrency(), u.getRequests(), u.getErrors(),
                exact(u.getCostPerRequest()), exact(u.getCostPerSuccessfulRequest()), topResource(u.getChildren()));
    }

    /** E.g. {@code 2026-11-22 09:00:00Z BILLED   checkout sku=SQS.REQUESTS estimated=0.40 billed=0.42 diff=-0.02 error=-4.76% USD}. */
    private static String reconciliation(Reconciliation r) {
        return String.format("%s %-8s %-16s sku=%s estimated=%s billed=%s diff=%s error=%s %s", time(r.getWindowStart()),
                r.getStatus(), r.getService(), r.getSku(), money(r.getEstimated()), money(r.getBilled()),
                money(r.getDifference()), r.getErrorPercent() == null ? "-"
                        : r.getErrorPercent().setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "%",
                r.getCurrency());
    }

    /**
     * E.g. {@code 2026-11-23 10:00:00Z VALUE checkout cost=24.00 USD requests=60000 p95=450ms revenue/request=4.00
     * | latency: 24000.00 USD/h per +100ms (95% 22000.00..26000.00; 1440 min) effect=-4800.00 vs p95 300ms |
     * marginal cost/request=0.000402 (360 min) | SLO 97.50% cost/compliant=0.00051 error-budget burnt=2.50x
     * costing 12.00}: the error budget's line ends with what its bad requests cost. A figure without evidence says
     * so and why.
     */
    private static String serviceValue(ServiceValue v) {
        LatencySensitivity s = v.getSensitivity();
        String latency = s.getEvidence() == Evidence.ESTIMATED
                ? String.format("%s %s/h per +100ms (95%% %s..%s; %d min) effect=%s%s", money(s.getRevenuePerHourPer100Ms()),
                        v.getCurrency(), money(s.getLow95()), money(s.getHigh95()), s.getMinutes(),
                        money(s.getRevenueEffect()), s.getBaselineLatencyP95Ms() == null ? ""
                                : String.format(" vs p95 %.0fms", s.getBaselineLatencyP95Ms()))
                : "not enough evidence (" + s.getReason() + ")";
        MarginalCost m = v.getMarginalCost();
        String marginal = m.getEvidence() == Evidence.ESTIMATED
                ? String.format("cost/request=%s (%d min)%s", exact(m.getPerRequest()), m.getMinutes(),
                        m.getExceedsRevenuePerRequest() ? " ABOVE revenue/request" : "")
                : "not enough evidence (" + m.getReason() + ")";
        return String.format("%s VALUE %-16s cost=%s %s requests=%d p95=%s revenue/request=%s | latency: %s |"
                + " marginal %s%s", time(v.getHourStart()), v.getService(), money(v.getCost()), v.getCurrency(),
                v.getRequests(), v.getLatencyP95Ms() == null ? "-" : String.format("%.0fms", v.getLatencyP95Ms()),
                money(v.getRevenuePerRequest()), latency, marginal, slo(v.getSlo()));
    }

    private static String slo(SloFigures slo) {
        if (slo == null) {
            return "";
        }
        return String.format(" | SLO %s cost/compliant=%s error-budget burnt=%s costing %s",
                slo.getAttainment() == null ? "-" : String.format("%.2f%%", slo.getAttainment() * 100),
                money(slo.getCostPerCompliantRequest()), slo.getErrorBudgetBurnt() == null ? "-"
                        : slo.getErrorBudgetBurnt().setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "x",
                money(slo.getErrorBudgetCost()));
    }

    private static String cost(CostRecord c) {
        return String.format("%s %s %s %s resource=%s sku=%s", time(c.getChargePeriodStart()),
                exact(c.getEffectiveCost()), c.getCurrency(), c.getServiceName(), c.getResourceId(), c.getSkuId());
    }

    private static String attribution(Attribution a) {
        if (!a.getAllocated()) {
            return "unallocated (" + a.getUnallocatedReason() + ")" + (a.getService() == null ? ""
                    : " service=" + a.getService());
        }
        return "service=" + a.getService() + " team=" + a.getTeam() + " via " + a.getSource()
                + (a.getShared() ? " shared" : "");
    }

    private static String deadLetter(DeadLetter d) {
        String raw = d.getRawValue() == null ? "null" : AvroJson.bytesAsText(d.getRawValue());
        if (raw.length() > 120) {
            raw = raw.substring(0, 117) + "...";
        }
        return String.format("%s DLQ %s %s %s %s[%s]@%s: %s | raw=%s", time(d.getFailedAt()), d.getStage(),
                d.getPhase(), d.getReason(), d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset(),
                d.getMessage(), raw);
    }

    private static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    /** Two decimals for reading; small amounts keep their significant digits. */
    static String money(BigDecimal amount) {
        if (amount == null) {
            return "-";
        }
        if (amount.abs().compareTo(BigDecimal.ONE) >= 0) {
            return amount.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
        }
        return amount.round(new java.math.MathContext(3, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
    }

    private static String exact(BigDecimal amount) {
        return amount == null ? "-" : amount.stripTrailingZeros().toPlainString();
    }
}
