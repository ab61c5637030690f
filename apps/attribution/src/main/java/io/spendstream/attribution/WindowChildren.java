package io.spendstream.attribution;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spendstream.attribution.avro.ChildTally;
import io.spendstream.avro.ChildCost;
import io.spendstream.schemas.Money;

/**
 * The cost of a unit-cost window per child of its service, per resource (ResourceId) and per SKU (SkuId), kept
 * bounded and exact: every cost part books its amount on one resource and on one SKU, so the children of each kind
 * sum to the window's cost. A service may run thousands of resources, so a window's tally keeps the
 * {@link UnitCostChildrenSettings#tracked} costliest children of each kind and folds the rest into one remainder
 * entry ({@value #OTHER}); the record written keeps only the {@link UnitCostChildrenSettings#top} costliest.
 *
 * <p>Folding never loses money, only detail: a child folded while it was small keeps its folded part in the
 * remainder if it grows back into the tracked set later in the window. Order is deterministic (kind, cost
 * descending, name, remainder last) so equal tallies serialize to equal bytes.
 */
public final class WindowChildren {

    public static final String RESOURCE = "resource";
    public static final String SKU = "sku";
    /** Name of the child that stands for cost rows without a ResourceId (or SkuId). */
    public static final String NONE = "(none)";
    /** Name of the remainder entry. */
    public static final String OTHER = "(other)";

    private static final List<String> KINDS = List.of(RESOURCE, SKU);
    private static final Comparator<Map.Entry<String, BigDecimal>> COSTLIEST_FIRST =
            Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());
    /** The same order on tallied children (names are unique within a kind, so it is total). */
    private static final Comparator<ChildTally> RANKED_CHILDREN = Comparator.comparing(ChildTally::getCost,
            Comparator.<BigDecimal>reverseOrder()).thenComparing(ChildTally::getName);

    private WindowChildren() {
    }

    /** The children of one cost part: its amount on its resource and on its SKU. */
    public static List<ChildTally> ofPart(BigDecimal amount, String resourceId, String skuId) {
        BigDecimal money = Money.of(amount);
        return List.of(tally(RESOURCE, nameOf(resourceId), money, false), tally(SKU, nameOf(skuId), money, false));
    }

    /** {@code a + b} per child, then bounded to {@code tracked} children of each kind plus a remainder. */
    public static List<ChildTally> add(List<ChildTally> a, List<ChildTally> b, int tracked) {
        if (b.isEmpty()) {
            return a;
        }
        List<ChildTally> sum = addOnePart(a, b, tracked);
        return sum != null ? sum : addAll(a, b, tracked);
    }

    /**
     * {@link #add} for its common case, one cost part ({@link #ofPart}: one child of each kind) added to a tally in
     * the order this class writes (per kind: ranked costliest first, then the remainder): moves the one child that
     * changed to its rank instead of merging and sorting every child again, and keeps the other children's objects
     * (issue 7: re-ranking every child on every part was a tenth of attribution's CPU). Same result as
     * {@link #addAll}, which it gives way to (null) for any other input.
     *
     * <p>A list this class returned ({@link Ranked}) is known to be in that order; any other (a tally read from the
     * store) is checked first. The rank of the changed child is found by binary search (issue 18: checking the order
     * and comparing with every child on every part was still a tenth of attribution's stream thread).
     */
    static List<ChildTally> addOnePart(List<ChildTally> a, List<ChildTally> b, int tracked) {
        if (b.size() != KINDS.size()) {
            return null;
        }
        boolean knownRanked = a instanceof Ranked;
        Ranked sum = new Ranked(a.size() + 1);
        int from = 0;
        for (int k = 0; k < KINDS.size(); k++) {
            String kind = KINDS.get(k);
            ChildTally part = b.get(k);
            if (!part.getKind().equals(kind) || part.getRemainder()) {
                return null;
            }
            int to = from;
            while (to < a.size() && a.get(to).getKind().equals(kind)) {
                to++;
            }
            // a[from, end): the kind's ranked children; a[end, to): its remainder, if any.
            int end = to > from && a.get(to - 1).getRemainder() ? to - 1 : to;
            ChildTally remainder = end < to ? a.get(end) : null;
            if (end - from > tracked || !knownRanked && !isRanked(a.subList(from, end))) {
                return null;
            }
            int existing = indexOf(a, from, end, part.getName());
            ChildTally changed = existing < 0 ? part
                    : tally(kind, part.getName(), Money.add(a.get(existing).getCost(), part.getCost()), false);
            // The kind's children in rank order, the changed one moved to its rank: a[from, end) without
            // a[existing], the changed one inserted before a[split].
            int split = rankOf(a, from, end, existing, changed);
            int first = sum.size();
            copy(a, from, split, existing, sum);
            sum.add(changed);
            copy(a, split, end, existing, sum);
            // Past the tracked number, the last one is folded into the remainder.
            ChildTally folded = sum.size() - first > tracked ? sum.remove(sum.size() - 1) : null;
            if (folded != null) {
                remainder = tally(kind, OTHER, Money.add(remainder == null ? null : remainder.getCost(),
                        folded.getCost()), true);
            }
            if (remainder != null) {
                sum.add(remainder);
            }
            from = to;
        }
        return from == a.size() ? sum : null;
    }

    private static int indexOf(List<ChildTally> a, int from, int end, String name) {
        for (int i = from; i < end; i++) {
            if (a.get(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where {@code child} goes among the ranked {@code a[from, end)} less {@code a[skipped]} (none if -1): the index
     * in {@code a} of the first of them that does not rank before it (or {@code end}). Binary search.
     */
    private static int rankOf(List<ChildTally> a, int from, int end, int skipped, ChildTally child) {
        int low = 0;
        int high = end - from - (skipped < 0 ? 0 : 1);
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (RANKED_CHILDREN.compare(a.get(at(from, middle, skipped)), child) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return at(from, low, skipped);
    }

    /** The index in {@code a} of the {@code n}th child from {@code from}, not counting {@code a[skipped]}. */
    private static int at(int from, int n, int skipped) {
        return skipped >= 0 && from + n >= skipped ? from + n + 1 : from + n;
    }

    private static void copy(List<ChildTally> a, int from, int to, int skipped, List<ChildTally> into) {
        for (int i = from; i < to; i++) {
            if (i != skipped) {
                into.add(a.get(i));
            }
        }
    }

    private static boolean isRanked(List<ChildTally> children) {
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i).getRemainder()
                    || i > 0 && RANKED_CHILDREN.compare(children.get(i - 1), children.get(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** {@link #add} for any two tallies: every child merged, ranked and bounded again. */
    static List<ChildTally> addAll(List<ChildTally> a, List<ChildTally> b, int tracked) {
        Ranked sum = new Ranked(a.size() + b.size());
        for (String kind : KINDS) {
            Map<String, BigDecimal> costs = new LinkedHashMap<>();
            BigDecimal remainder = null;
            for (List<ChildTally> side : List.of(a, b)) {
                for (ChildTally child : side) {
                    if (!child.getKind().equals(kind)) {
                        continue;
                    }
                    if (child.getRemainder()) {
                        remainder = Money.add(remainder, child.getCost());
                    } else {
                        costs.merge(child.getName(), child.getCost(), Money::add);
                    }
                }
            }
            List<Map.Entry<String, BigDecimal>> ranked = rank(costs);
            for (int i = tracked; i < ranked.size(); i++) {
                remainder = Money.add(remainder, ranked.get(i).getValue());
            }
            for (Map.Entry<String, BigDecimal> child : ranked.subList(0, Math.min(tracked, ranked.size()))) {
                sum.add(tally(kind, child.getKey(), child.getValue(), false));
            }
            if (remainder != null) {
                sum.add(tally(kind, OTHER, remainder, true));
            }
        }
        return sum;
    }

    /**
     * The children written on a window's record: per kind the {@code top} costliest, and a remainder of
     * {@code windowCost} minus those whenever some cost is not in them (children beyond {@code top}, folded ones, or
     * a tally kept before children were tracked), so each kind sums exactly to {@code windowCost}.
     */
    public static List<ChildCost> top(List<ChildTally> children, BigDecimal windowCost, int top) {
        List<ChildCost> written = new ArrayList<>();
        for (String kind : KINDS) {
            Map<String, BigDecimal> costs = new LinkedHashMap<>();
            boolean folded = false;
            for (ChildTally child : children) {
                if (child.getKind().equals(kind)) {
                    if (child.getRemainder()) {
                        folded = true;
                    } else {
                        costs.put(child.getName(), child.getCost());
                    }
                }
            }
            List<Map.Entry<String, BigDecimal>> ranked = rank(costs);
            BigDecimal rest = Money.of(windowCost);
            for (Map.Entry<String, BigDecimal> child : ranked.subList(0, Math.min(top, ranked.size()))) {
                written.add(cost(kind, child.getKey(), child.getValue(), false));
                rest = Money.of(rest.subtract(child.getValue()));
            }
            if (folded || ranked.size() > top || rest.signum() != 0) {
                written.add(cost(kind, OTHER, rest, true));
            }
        }
        return written;
    }

    private static List<Map.Entry<String, BigDecimal>> rank(Map<String, BigDecimal> costs) {
        List<Map.Entry<String, BigDecimal>> ranked = new ArrayList<>(costs.entrySet());
        ranked.sort(COSTLIEST_FIRST);
        return ranked;
    }

    private static String nameOf(String id) {
        return id == null || id.isBlank() ? NONE : id;
    }

    private static ChildTally tally(String kind, String name, BigDecimal cost, boolean remainder) {
        return ChildTally.newBuilder().setKind(kind).setName(name).setCost(cost).setRemainder(remainder).build();
    }

    private static ChildCost cost(String kind, String name, BigDecimal cost, boolean remainder) {
        return ChildCost.newBuilder().setKind(kind).setName(name).setCost(cost).setRemainder(remainder).build();
    }

    /**
     * Children in this class's order (per kind ranked costliest first, names unique, then the remainder), as
     * {@link #add} returns them: {@link #addOnePart} need not check the order of a list it made. Never changed after
     * it is returned.
     */
    static final class Ranked extends ArrayList<ChildTally> {

        private static final long serialVersionUID = 1L;

        Ranked(int capacity) {
            super(capacity);
        }
    }
}
