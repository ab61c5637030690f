package io.spendstream.anomaly.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.TrafficContext;

/**
 * What a page says beyond the money line: the team, the contributors (new resources summarised by count), the
 * traffic context and the verdict, as text appended to an anomaly's summary and as the alert's annotations (which
 * the notifier hands to Alertmanager and webhooks). Also the number formats every summary uses: amounts with enough
 * digits for small baselines ({@code 0.0025}, not {@code 0.00}), per-hour figures in whole units with thousands
 * separators. Display rounding only (half-even); the exact values stay in the record's fields. Pure functions.
 *
 * <p>Verdict of a spike, from its traffic context and contributors, in this order:
 * <ul>
 *   <li>{@value #TRAFFIC_DRIVEN}: requests at least {@value #RISE}x the usual and the cost per request at most
 *       {@value #FLAT}x the expected one: the cost rose with the traffic.</li>
 *   <li>{@value #NEW_SPEND}: resources (or, without resources, SKUs) never seen before carry at least half the excess,
 *       or nothing was expected at all.</li>
 *   <li>{@value #EFFICIENCY_REGRESSION}: the cost per request at least {@value #RISE}x the expected one.</li>
 *   <li>{@value #UNEXPLAINED}: none of these. Without traffic data only new spend can be told: otherwise no
 *       verdict (null).</li>
 * </ul>
 */
public final class PageText {

    public static final String TRAFFIC_DRIVEN = "traffic-driven";
    public static final String EFFICIENCY_REGRESSION = "efficiency-regression";
    public static final String NEW_SPEND = "new-spend";
    public static final String UNEXPLAINED = "unexplained";

    /** A ratio of at least this is a rise (of traffic, of cost per request). */
    static final double RISE = 1.5;
    /** A cost per request within this ratio of the expected one is flat. */
    static final double FLAT = 1.25;
    /** Requests within this relative change of the usual read as "flat". */
    private static final double FLAT_REQUESTS = 0.1;
    private static final MathContext TWO_DIGITS = new MathContext(2, RoundingMode.HALF_EVEN);
    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_EVEN);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

    private PageText() {
    }

    /**
     * An amount for people: two decimals from 0.1 up ({@code 3.57}, {@code 1,234.50}), two significant digits below
     * ({@code 0.0025}, {@code 0.055}), {@code 0} for zero.
     */
    public static String money(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        if (value.abs().compareTo(new BigDecimal("0.1")) < 0) {
            return value.round(TWO_DIGITS).stripTrailingZeros().toPlainString();
        }
        return pattern("#,##0.00").format(value.setScale(2, RoundingMode.HALF_EVEN));
    }

    /** A per-hour figure: whole units with separators from 10 up ({@code 1,190}), else {@link #money}. */
    public static String perHour(BigDecimal value) {
        if (value.abs().compareTo(BigDecimal.TEN) < 0) {
            return money(value);
        }
        return grouped(value.setScale(0, RoundingMode.HALF_EVEN));
    }

    /**
     * The amount of an {@code excess_per_hour} annotation ({@code 1,190 USD/h}, {@code -60 USD/h},
     * {@code 0.0025 USD/h}): its first word read back as {@link #perHour} wrote it; null when there is none.
     */
    public static BigDecimal perHourOf(String annotation) {
        if (annotation == null || annotation.isBlank()) {
            return null;
        }
        String number = annotation.strip().split(" ", 2)[0].replace(",", "");
        try {
            return new BigDecimal(number);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A number with thousands separators and its own scale ({@code 1,105}, {@code 12.5}). */
    public static String grouped(BigDecimal value) {
        DecimalFormat format = pattern("#,##0");
        format.setMinimumFractionDigits(Math.max(0, value.scale()));
        format.setMaximumFractionDigits(Math.max(0, value.scale()));
        return format.format(value);
    }

    /** A cost per request: three significant digits ({@code 0.000594}). */
    public static String perRequest(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.round(THREE_DIGITS).stripTrailingZeros().toPlainString();
    }

    private static DecimalFormat pattern(String pattern) {
        DecimalFormat format = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
        format.setRoundingMode(RoundingMode.HALF_EVEN);
        return format;
    }

    /** The verdict of a spike (see the class comment); null when there is no traffic data and no new spend. */
    public static String verdict(Anomaly anomaly) {
        TrafficContext traffic = anomaly.getTraffic();
        if (traffic != null && traffic.getCostPerRequest() != null && traffic.getExpectedCostPerRequest() != null
                && traffic.getExpectedRequests() > 0 && traffic.getExpectedCostPerRequest().signum() > 0) {
            double requests = traffic.getRequests() / traffic.getExpectedRequests();
            double perRequest = traffic.getCostPerRequest().doubleValue()
                    / traffic.getExpectedCostPerRequest().doubleValue();
            if (requests >= RISE && perRequest <= FLAT) {
                return TRAFFIC_DRIVEN;
            }
            if (newShare(anomaly) >= 0.5 || anomaly.getExpected().signum() <= 0) {
                return NEW_SPEND;
            }
            return perRequest >= RISE ? EFFICIENCY_REGRESSION : UNEXPLAINED;
        }
        // Without traffic data only new spend can be told; anything else is not known, which is not "unexplained".
        return newShare(anomaly) >= 0.5 || anomaly.getExpected().signum() <= 0 ? NEW_SPEND : null;
    }

    /** The part of the excess that new children carry: of the resources' excess, else of the SKUs'. */
    private static double newShare(Anomaly anomaly) {
        double resources = 0;
        double skus = 0;
        boolean anyResource = false;
        for (Contributor c : anomaly.getTopContributors()) {
            if ("resource".equals(c.getKind())) {
                anyResource = true;
                resources += c.getIsNew() ? c.getShare() : 0;
            } else if ("sku".equals(c.getKind())) {
                skus += c.getIsNew() ? c.getShare() : 0;
            }
        }
        return anyResource ? resources : skus;
    }

    /** The summary with the team, the contributors, the traffic and the verdict appended, those that are known. */
    static String withContext(String summary, Anomaly anomaly) {
        StringBuilder line = new StringBuilder(summary);
        if (anomaly.getTeam() != null) {
            line.append("; team ").append(anomaly.getTeam());
        }
        String top = contributors(anomaly);
        if (!top.isEmpty()) {
            line.append("; top: ").append(top);
        }
        String traffic = traffic(anomaly);
        if (!traffic.isEmpty()) {
            line.append("; ").append(traffic);
        }
        if (anomaly.getVerdict() != null) {
            line.append("; verdict: ").append(anomaly.getVerdict().replace('-', ' '));
        }
        return line.toString();
    }

    /**
     * The contributors, e.g. {@code resource db-replica-1 +190 USD/h (100%, new), sku sku-db +190 USD/h (100%)};
     * new resources summarised, e.g. {@code ~48 new resources (sku m6i.16xlarge: i-ci-00, i-ci-01, i-ci-02, ...) +147
     * USD/h (100%)}. Per-hour
     * figures are the contributor's share of the anomaly's excess per hour (shares are per kind: resources and SKUs
     * each split the same cost). Empty when the scope itself is the only contributor or nothing moved.
     */
    public static String contributors(Anomaly anomaly) {
        List<String> parts = new ArrayList<>();
        String namedSku = null;
        for (Contributor c : anomaly.getTopContributors()) {
            if (ContributorBaselines.NEW_RESOURCES.equals(c.getName()) && c.getSku() != null) {
                namedSku = c.getSku();
            }
        }
        for (Contributor c : anomaly.getTopContributors()) {
            if (c.getKind().equals(anomaly.getScopeType()) && c.getName().equals(anomaly.getScope())) {
                continue;
            }
            if ("sku".equals(c.getKind()) && c.getName().equals(namedSku)) {
                // Already said: the new resources are of this SKU.
                continue;
            }
            String money = excessOf(anomaly, c);
            String share = Math.round(c.getShare() * 100) + "%";
            if (ContributorBaselines.NEW_RESOURCES.equals(c.getName())) {
                parts.add(newResources(c) + " " + money + " (" + share + ")");
            } else {
                parts.add(c.getKind() + " " + c.getName() + " " + money + " (" + share + (c.getIsNew() ? ", new" : "")
                        + ")");
            }
        }
        return String.join(", ", parts);
    }

    /**
     * A {@code (new)} resources entry, e.g. {@code ~48 new resources (sku m6i.16xlarge: i-ci-07, i-ci-12, i-ci-30,
     * ...)}.
     */
    public static String newResources(Contributor c) {
        String detail = (c.getSku() == null ? "" : "sku " + c.getSku())
                + (c.getExamples().isEmpty() ? "" : (c.getSku() == null ? "" : ": ") + String.join(", ", c.getExamples())
                        + (c.getExamples().size() < c.getCount() ? ", ..." : ""));
        return (c.getCountEstimated() ? "~" : "") + c.getCount() + " new resources"
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private static String excessOf(Anomaly anomaly, Contributor c) {
        BigDecimal perHour = anomaly.getExcessCostPerHour().multiply(BigDecimal.valueOf(c.getShare()));
        String sign = perHour.signum() >= 0 ? "+" : "-";
        return sign + perHour(perHour.abs()) + " " + anomaly.getCurrency() + "/h";
    }

    /**
     * The traffic context, e.g. {@code requests 5.0x usual (30,000/min vs 6,000), cost/request 0.000594 vs 0.000598
     * USD (-1%)}; empty without one.
     */
    public static String traffic(Anomaly anomaly) {
        TrafficContext t = anomaly.getTraffic();
        if (t == null) {
            return "";
        }
        StringBuilder text = new StringBuilder("requests ");
        double change = t.getExpectedRequests() > 0 ? t.getRequests() / t.getExpectedRequests() : Double.NaN;
        if (Double.isNaN(change)) {
            text.append(count(t.getRequests())).append("/window");
        } else {
            text.append(Math.abs(change - 1) < FLAT_REQUESTS ? "flat"
                    : change >= 2 ? grouped(BigDecimal.valueOf(change).setScale(1, RoundingMode.HALF_EVEN)) + "x usual"
                    : AnomalyRecords.change(BigDecimal.valueOf(t.getRequests()),
                            BigDecimal.valueOf(t.getExpectedRequests())));
            text.append(" (").append(count(t.getRequests())).append(" vs ").append(count(t.getExpectedRequests()))
                    .append(")");
        }
        if (t.getCostPerRequest() != null) {
            text.append(", cost/request ").append(perRequest(t.getCostPerRequest()));
            if (t.getExpectedCostPerRequest() != null) {
                text.append(" vs ").append(perRequest(t.getExpectedCostPerRequest())).append(" ")
                        .append(anomaly.getCurrency()).append(" (")
                        .append(AnomalyRecords.change(t.getCostPerRequest(), t.getExpectedCostPerRequest())).append(")");
            } else {
                text.append(" ").append(anomaly.getCurrency());
            }
        }
        return text.toString();
    }

    private static String count(double value) {
        return grouped(BigDecimal.valueOf(Math.round(value)));
    }

    /**
     * The alert's annotations: what on-call acts on, one fact per key, for receivers that lay them out (Alertmanager
     * templates, webhooks).
     */
    static Map<String, String> annotations(Anomaly anomaly) {
        Map<String, String> annotations = new LinkedHashMap<>();
        String currency = anomaly.getCurrency();
        annotations.put("excess_per_hour", perHour(anomaly.getExcessCostPerHour()) + " " + currency + "/h");
        annotations.put("incident_cost", money(anomaly.getExcessCost()) + " " + currency);
        annotations.put("since", CLOCK.format(anomaly.getStartedAt()) + " (" + anomaly.getStartedAt() + ")");
        if (anomaly.getTeam() != null) {
            annotations.put("team", anomaly.getTeam());
        }
        String top = contributors(anomaly);
        if (!top.isEmpty()) {
            annotations.put("contributors", top);
        }
        String traffic = traffic(anomaly);
        if (!traffic.isEmpty()) {
            annotations.put("traffic", traffic);
        }
        if (anomaly.getVerdict() != null) {
            annotations.put("verdict", anomaly.getVerdict());
        }
        return annotations;
    }
}
