package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.spendstream.attribution.avro.ChildBurn;
import io.spendstream.attribution.avro.ScopeBurnState;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Budget;
import io.spendstream.avro.BurnDriver;
import io.spendstream.schemas.Money;

/**
 * What drives a budget's burn: the spend of each child scope of a budgeted scope, over the same trailing windows as
 * the scope's own ({@link TrailingSums}), so a burn-rate page can say which services (or teams, or resources) burn
 * and since when.
 *
 * <p>A budget's scope breaks into the owners one level down: {@code all} and {@code product:<p>} into teams
 * ({@code (unallocated)} for spend without one), {@code team:<t>} into services, {@code service:<s>} into resources.
 * A child's one-minute buckets are kept in the scope's bucket store under {@link #bucketKey} (a NUL between scope
 * and child: no scope key holds one), and only while the scope has a budget: a scope without one pays nothing for
 * this. At most {@value #MAX_CHILDREN} children are tracked per scope; spend of further children is booked under
 * {@value #OTHER}, so the state stays bounded and no spend goes missing.
 *
 * <p><b>Since when.</b> A child is over pace while its own 5m spend is above the whole budget's pace (budget per
 * period length): it alone would spend the budget by period end. {@code overPaceSince} is the start of the newest
 * minute of the first evaluation that found it so, and is cleared when an evaluation finds it under. Evaluations
 * follow stream time minute by minute while rows flow, so the minute is exact then; after a gap it is the first
 * minute evaluated past it.
 */
public final class BurnDrivers {

    /** Drivers named per window; the rest of the window's spend is one {@value #OTHER} entry. */
    public static final int TOP = 5;
    /** Children tracked per scope. */
    static final int MAX_CHILDREN = 100;
    public static final String OTHER = "(other)";
    public static final String UNALLOCATED = "(unallocated)";

    private static final int FIVE_MINUTES = 0;
    private static final long FIVE_MINUTES_MS = BurnRateSettings.WINDOWS.get(FIVE_MINUTES).toMillis();
    private static final int LONGEST = BurnRateSettings.WINDOWS.size() - 1;

    private final ScopeSpend spend;
    private final TrailingSums sums;

    public BurnDrivers(ScopeSpend spend, TrailingSums sums) {
        this.spend = spend;
        this.sums = sums;
    }

    /**
     * The child of budget scope {@code scope} that an attributed cost counts in: its team, service or resource (the
     * provider's split resource when it has one).
     */
    public static String childOf(String scope, AttributedCost cost) {
        Attribution attribution = cost.getAttribution();
        if (scope.startsWith(BudgetScopes.TEAM)) {
            return owner(BudgetScopes.SERVICE, attribution.getService());
        }
        if (!scope.startsWith(BudgetScopes.SERVICE)) {
            return owner(BudgetScopes.TEAM, attribution.getTeam());
        }
        String resource = cost.getCost().getAllocatedResourceId() != null ? cost.getCost().getAllocatedResourceId()
                : cost.getCost().getResourceId();
        return resource == null || resource.isBlank() ? OTHER : "resource:" + resource;
    }

    private static String owner(String prefix, String owner) {
        return owner == null || owner.isBlank() ? UNALLOCATED : prefix + owner;
    }

    static String bucketKey(String scope, String child) {
        return scope + '\u0000' + child;
    }

    /**
     * The child's entry in the state, created (its sums read from its buckets at the state's cursor) the first time;
     * beyond {@value #MAX_CHILDREN} children, the {@value #OTHER} entry. Call before booking the row's parts.
     */
    public ChildBurn entry(String scope, ScopeBurnState state, String child) {
        ChildBurn found = find(state, child);
        if (found != null) {
            return found;
        }
        String name = state.getChildren().size() < MAX_CHILDREN ? child : OTHER;
        found = find(state, name);
        if (found == null) {
            found = new ChildBurn(name, sums.startSums(bucketKey(scope, name), state.getCursor()), Long.MIN_VALUE);
            List<ChildBurn> children = new ArrayList<>(state.getChildren());
            children.add(found);
            state.setChildren(children);
        }
        return found;
    }

    private static ChildBurn find(ScopeBurnState state, String child) {
        for (ChildBurn c : state.getChildren()) {
            if (c.getChild().equals(child)) {
                return c;
            }
        }
        return null;
    }

    /** Books a part of a row into the child's bucket and, when inside them, its windows. */
    public void addPart(String scope, ScopeBurnState state, ChildBurn child, long bucketStartMs, BigDecimal amount) {
        spend.addToBucket(bucketKey(scope, child.getChild()), bucketStartMs, amount);
        TrailingSums.addPart(child.getSums(), state.getCursor(), bucketStartMs, amount);
    }

    /**
     * Moves every child's sums to {@code cursor} (call before the scope's own sums move, they share its cursor),
     * drops children with nothing left in the longest window, and marks which are over the budget's pace.
     */
    public void advance(String scope, ScopeBurnState state, long cursor, Budget budget) {
        if (state.getChildren().isEmpty()) {
            return;
        }
        long newest = Math.max(cursor, state.getCursor());
        BudgetPeriod period = BudgetPeriod.parse(budget.getPeriod());
        BigDecimal periodMs = BigDecimal.valueOf(period.endOf(newest) - period.startOf(newest));
        BigDecimal paceIn5m = Money.of(budget.getAmount()).multiply(BigDecimal.valueOf(FIVE_MINUTES_MS));
        List<ChildBurn> kept = new ArrayList<>();
        for (ChildBurn child : state.getChildren()) {
            sums.advanceSums(bucketKey(scope, child.getChild()), child.getSums(), state.getCursor(), cursor);
            if (child.getSums().get(LONGEST).getSpend().signum() == 0) {
                continue;
            }
            // 5m spend / 5m > budget / period, without dividing.
            boolean overPace = child.getSums().get(FIVE_MINUTES).getSpend().multiply(periodMs).compareTo(paceIn5m) > 0;
            if (!overPace) {
                child.setOverPaceSince(Long.MIN_VALUE);
            } else if (child.getOverPaceSince() == Long.MIN_VALUE) {
                child.setOverPaceSince(newest);
            }
            kept.add(child);
        }
        state.setChildren(kept);
    }

    /**
     * The drivers of window {@code index} (of {@link BurnRateSettings#WINDOWS}): the {@value #TOP} children that spent
     * most in it (ties by name), then {@value #OTHER} with the rest of the window's {@code total} when it is not zero
     * (untracked children, spend booked before the budget was set).
     */
    public static List<BurnDriver> top(ScopeBurnState state, int index, BigDecimal total) {
        List<ChildBurn> named = state.getChildren().stream()
                .filter(c -> !c.getChild().equals(OTHER) && c.getSums().get(index).getSpend().signum() > 0)
                .sorted(Comparator.<ChildBurn, BigDecimal>comparing(c -> c.getSums().get(index).getSpend())
                        .reversed().thenComparing(ChildBurn::getChild))
                .limit(TOP)
                .toList();
        List<BurnDriver> drivers = new ArrayList<>();
        BigDecimal rest = total;
        for (ChildBurn child : named) {
            BigDecimal childSpend = child.getSums().get(index).getSpend();
            rest = rest.subtract(childSpend);
            long since = child.getOverPaceSince();
            drivers.add(new BurnDriver(child.getChild(), Money.of(childSpend),
                    since == Long.MIN_VALUE ? null : Instant.ofEpochMilli(since)));
        }
        if (!drivers.isEmpty() && rest.signum() != 0) {
            drivers.add(new BurnDriver(OTHER, Money.of(rest), null));
        }
        return drivers;
    }
}
