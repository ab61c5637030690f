package io.spendstream.attribution;

import java.math.BigDecimal;
import java.util.ArrayList;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.avro.ApmRecord;
import io.spendstream.schemas.Money;

/**
 * The arithmetic of a window's running totals ({@link UnitCostTally}): the tally of one cost part or one APM summary,
 * and the sum of two tallies. How far the cost rows cover the window is the latest of the parts' coverage. Money adds exactly at {@link Money#SCALE}; latency is a request-weighted mean, so the
 * tally keeps the weighted sum and the weight rather than a mean that could not be combined. The cost per child
 * (resource, SKU) adds up by {@link WindowChildren}, bounded to the tracked number of children.
 */
public final class UnitCostAccumulator {

    private UnitCostAccumulator() {
    }

    /** The tally of an empty window. */
    public static UnitCostTally empty() {
        return new UnitCostTally(Money.ZERO, 0L, 0L, 0.0, 0L, 0L, Money.ZERO, 0L, 0L, null, null, null,
                new ArrayList<>());
    }

    /** Team of a cost row that enrich could not give one (untagged, tag without a team, shared, no resource id). */
    public static final String UNALLOCATED_TEAM = "unallocated";

    /**
     * One cost row's share of one window, booked on the row's resource and SKU, and owned by the row's team
     * ({@value #UNALLOCATED_TEAM} when it has none, so a window with cost always names a team). {@code coveredUntil}:
     * how far into the window the row's charge period reaches (epoch ms).
     */
    public static UnitCostTally ofCost(BigDecimal amount, String resourceId, String skuId, String team,
            long coveredUntil) {
        // The all-fields constructor (in schema order: cost, requests, errors, latency sum and weight, conversions,
        // revenue, cost records, APM records, coveredUntil, requestsCoveredUntil, team, children), not the builder:
        // its build() deep-copies the schema default of every field not set, 5% of attribution's CPU (issue 18).
        return new UnitCostTally(Money.of(amount), 0L, 0L, 0.0, 0L, 0L, Money.ZERO, 1L, 0L, coveredUntil, null,
                team == null || team.isBlank() ? UNALLOCATED_TEAM : team,
                WindowChildren.ofPart(amount, resourceId, skuId));
    }

    /**
     * One APM interval summary; a p95 without requests carries no weight. {@code coveredUntil}: how far into the
     * window the summary's interval reaches (epoch ms).
     */
    public static UnitCostTally ofApm(ApmRecord apm, long coveredUntil) {
        Double p95 = apm.getLatencyP95Ms();
        boolean weighted = p95 != null && !p95.isNaN() && apm.getRequests() > 0;
        // The all-fields constructor, as in ofCost.
        return new UnitCostTally(Money.ZERO, apm.getRequests(), apm.getErrors(),
                weighted ? p95 * apm.getRequests() : 0.0, weighted ? apm.getRequests() : 0L,
                apm.getConversionCount() == null ? 0L : apm.getConversionCount(),
                apm.getRevenue() == null ? Money.ZERO : Money.of(apm.getRevenue()), 0L, 1L, null, coveredUntil, null,
                new ArrayList<>());
    }

    /**
     * {@code a + b}, as a new tally, keeping at most {@code trackedChildren} children of each kind. The team is
     * {@code b}'s when it has one ({@code b} is the part folded in last: the latest cost row's team wins), else
     * {@code a}'s.
     */
    public static UnitCostTally add(UnitCostTally a, UnitCostTally b, int trackedChildren) {
        // The all-fields constructor, as in ofCost: the builder checks every value against its schema on each set,
        // on two tallies per cost row (issue 18).
        return new UnitCostTally(Money.add(a.getCost(), b.getCost()), a.getRequests() + b.getRequests(),
                a.getErrors() + b.getErrors(), a.getLatencyP95WeightedSum() + b.getLatencyP95WeightedSum(),
                a.getLatencyP95Weight() + b.getLatencyP95Weight(), a.getConversionCount() + b.getConversionCount(),
                Money.add(a.getRevenue(), b.getRevenue()), a.getCostRecords() + b.getCostRecords(),
                a.getApmRecords() + b.getApmRecords(), later(a.getCoveredUntil(), b.getCoveredUntil()),
                later(a.getRequestsCoveredUntil(), b.getRequestsCoveredUntil()),
                b.getTeam() != null ? b.getTeam() : a.getTeam(),
                WindowChildren.add(a.getChildren(), b.getChildren(), trackedChildren));
    }

    private static Long later(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }
}
