package io.spendstream.anomaly.contributors;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.spendstream.anomaly.avro.ChildBaselineRecord;
import io.spendstream.anomaly.avro.ChildCostRecord;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.StateBudget;
import io.spendstream.anomaly.core.WindowsByStart;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.Contributor;
import io.spendstream.schemas.Money;

/**
 * Baselines of a service's children (the resources and SKUs {@code spend.unit-cost} lists per window) and the
 * top contributors of an anomaly: the children whose cost moved most above their baseline. Plain Java, no Kafka:
 * the stream app keeps one {@link ContributorBaselinesRecord} per service and calls {@link #observe} for every
 * one-minute update it feeds the service's detector, {@link #topContributors} for each OPEN or UPDATE, then
 * {@link #settle}.
 *
 * <ul>
 *   <li><b>Learning</b> follows the service's own detector: the latest children of each recent window are kept
 *       until the window settles (it starts more than {@code settle} before the newest window seen), then learned
 *       in window order. A settled window is complete, so a child with a baseline that is absent from it cost
 *       nothing in it (or too little to be listed, then it is part of {@code (other)}) and learns 0.</li>
 *   <li><b>Baseline</b> per child: EWMA of its cost per window (level) and of the absolute difference from the
 *       level (deviation), in exact decimals. A window further from the level than the noise tolerance below
 *       counts as exactly that tolerance and leaves the deviation alone. At most {@code tracked} children of each
 *       kind: beyond that the one with the lowest level is dropped, which over time is a child that stopped
 *       spending.</li>
 *   <li><b>Contributors</b> of a window: excess = observed - expected per child. A child moved when its excess is
 *       above {@code noiseFactor} deviations and above {@code relativeFloor} of its level; a child never seen has
 *       nothing expected, so all its cost is excess. Share = excess / the sum of the positive excesses of the
 *       children of the same kind (resources and SKUs each split the same service cost, so their shares are
 *       separate). The {@code top} movers of both kinds, largest excess first.</li>
 *   <li><b>A window still open</b> (OPEN comes on a partial window) is compared like with like: the expected cost,
 *       and the tolerance, are the level times the part of the window its cost so far covers. That part is
 *       estimated from the children themselves, as the median of observed / level over the children with a
 *       baseline (at most 1): most children of a service do not spike together, so the median is how far into the
 *       window the data is. The update's event time cannot tell: attribution stamps every update of a window with
 *       the window's start.</li>
 * </ul>
 */
public final class ContributorBaselines {

    private static final Comparator<Contributor> LARGEST_EXCESS_FIRST = Comparator
            .comparing(Contributor::getExcess).reversed()
            .thenComparing(Contributor::getKind)
            .thenComparing(Contributor::getName);
    /** A drop's contributors carry negative excess: the most negative first. */
    private static final Comparator<Contributor> LARGEST_SHORTFALL_FIRST = Comparator
            .comparing(Contributor::getExcess)
            .thenComparing(Contributor::getKind)
            .thenComparing(Contributor::getName);

    /** Name of the entry that stands for the new resources of a window ({@link #summariseNewResources}). */
    public static final String NEW_RESOURCES = "(new)";
    /** The kinds of child, each kept as this one object (the pending windows' serde reads them as these too). */
    static final String RESOURCE = "resource";
    static final String SKU = "sku";
    private static final String OTHER = "(other)";
    /** Share of the SKUs' excess from which one SKU is named as what the new resources are. */
    private static final double MAIN_SKU_SHARE = 0.9;
    /** New resources named on their summary entry. */
    private static final int EXAMPLES = 3;

    private final ContributorSettings settings;

    public ContributorBaselines(ContributorSettings settings) {
        this.settings = settings;
    }

    public static ContributorBaselinesRecord empty() {
        return ContributorBaselinesRecord.newBuilder().setPendingBytes(0).build();
    }

    /**
     * The baselines {@code states} keeps for {@code key} (empty ones for a key seen the first time), with this
     * update's children observed ({@link #observe}); the caller puts them back once it has named its contributors.
     */
    public ContributorBaselinesRecord observe(ContributorStates states, String key,
            long windowStart, long windowEnd, List<ChildCost> children, long timestamp) {
        ContributorBaselinesRecord state = states.get(key);
        if (state == null) {
            state = empty();
        }
        states.observed(key, observe(state, windowStart, windowEnd, children, timestamp, states.names()));
        return state;
    }

    /**
     * Keeps the children of one update of a window, unless the window settled already or the update carries none
     * (from a writer before children existed): then there is nothing to learn or name. Their names as {@code names}
     * keeps them. Returns the window as kept now, or null when this update changed none (or the window was learned
     * early at once to stay within the budget).
     *
     * <p>The record's pending windows are changed in place, found by binary search on their start (they are oldest
     * first): an update costs the same with ten windows pending as with a day of them held (issue 18: a copy, a sort
     * and a scan of the list per update were a tenth of the anomaly app's CPU while the settle horizon was open).
     */
    public PendingChildrenRecord observe(ContributorBaselinesRecord state, long windowStart, long windowEnd,
            List<ChildCost> children, long timestamp, ChildNames names) {
        if (children.isEmpty() || windowStart < state.getSettledBefore()) {
            return null;
        }
        long bytes = pendingBytes(state);
        List<PendingChildrenRecord> pending = pending(state);
        int known = indexOf(pending, windowStart);
        PendingChildrenRecord update = new PendingChildrenRecord(windowStart, windowEnd, timestamp,
                kept(children, names));
        PendingChildrenRecord changed = null;
        if (known < 0) {
            pending.add(-known - 1, update);
            bytes += bytes(update);
            changed = update;
        } else if (timestamp >= pending.get(known).getLastTimestamp()) {
            // Updates carry the window's children so far: the latest in event time wins.
            bytes += bytes(update) - bytes(pending.get(known));
            pending.set(known, update);
            changed = update;
        }
        state.setPendingBytes(bytes);
        keepWithinBudget(state, pending);
        return changed == null || windowStart < state.getSettledBefore() ? null : changed;
    }

    /**
     * The record's pending windows as a list this class changes in place: one of its own ({@link ArrayList}), so a
     * decoded record's list (or an empty default) is copied once, the first time.
     */
    static List<PendingChildrenRecord> pending(ContributorBaselinesRecord state) {
        List<PendingChildrenRecord> pending = state.getPending();
        if (!(pending instanceof ArrayList)) {
            pending = new ArrayList<>(pending);
            state.setPending(pending);
        }
        return pending;
    }

    /**
     * An update's children as a pending window keeps them: the names as {@code names} keeps them, the kind a
     * constant, the cost {@link Money#compact}. As decoded each child brought a String, a byte array, a BigInteger and
     * an int array of its own: a held day of windows was most of the anomaly app's heap ({@link ChildNames}).
     */
    private static List<ChildCostRecord> kept(List<ChildCost> children, ChildNames names) {
        List<ChildCostRecord> costs = new ArrayList<>(children.size());
        for (ChildCost child : children) {
            costs.add(new ChildCostRecord(kind(child.getKind()), names.shared(child.getName()),
                    Money.compact(child.getCost())));
        }
        return costs;
    }

    /** The kind as one of the constants when it is one. */
    private static String kind(String kind) {
        return RESOURCE.equals(kind) ? RESOURCE : SKU.equals(kind) ? SKU : kind;
    }

    /**
     * The index of the window starting at {@code windowStart} in {@code pending} (oldest first), or, when there is
     * none, {@code -(the index it would take) - 1}, as {@link java.util.Collections#binarySearch}.
     */
    static int indexOf(List<PendingChildrenRecord> pending, long windowStart) {
        return WindowsByStart.indexOf(pending, PendingChildrenRecord::getWindowStart, windowStart);
    }

    /**
     * Learns the oldest pending windows, early, while the pending children's estimated bytes are over their
     * {@link StateBudget} (at least one window stays): a catch-up hold keeps up to a day of a series' windows
     * pending, and a service listing forty children of long resource ids over a day is several megabytes, one
     * changelog record. A window learned early has its children learned before the series judged it, and names no
     * contributors if an anomaly is found in it later.
     */
    private void keepWithinBudget(ContributorBaselinesRecord state, List<PendingChildrenRecord> pending) {
        long bytes = state.getPendingBytes();
        int early = 0;
        while (bytes > StateBudget.RECORD_BYTES && early < pending.size() - 1) {
            bytes -= bytes(pending.get(early++));
        }
        learnEarly(state, pending, early);
    }

    /** The pending windows' estimated bytes: as kept in the record, or counted once if not known (format 1). */
    private static long pendingBytes(ContributorBaselinesRecord state) {
        if (state.getPendingBytes() < 0) {
            state.setPendingBytes(StateBudget.total(state.getPending(), ContributorBaselines::bytes));
        }
        return state.getPendingBytes();
    }

    /**
     * Takes the {@code count} oldest of {@code pending} out of the record's list at once (one shift of the list, not
     * one per window), and their bytes out of the estimate.
     */
    private static void removeOldest(ContributorBaselinesRecord state, List<PendingChildrenRecord> pending,
            int count) {
        if (count == 0) {
            return;
        }
        long bytes = pendingBytes(state);
        List<PendingChildrenRecord> oldest = pending.subList(0, count);
        for (PendingChildrenRecord window : oldest) {
            bytes -= bytes(window);
        }
        oldest.clear();
        state.setPendingBytes(bytes);
    }

    private static long bytes(PendingChildrenRecord window) {
        long bytes = StateBudget.ENTRY_BYTES;
        for (ChildCostRecord child : window.getChildren()) {
            bytes += StateBudget.entryBytes(child.getKind(), child.getName());
        }
        return bytes;
    }

    /**
     * The children of the pending window starting at {@code windowStart} that moved most above their baselines;
     * empty when that window has no children. {@code partial}: the window is still open, its costs are so far.
     */
    public List<Contributor> topContributors(ContributorBaselinesRecord state, long windowStart, boolean partial) {
        PendingChildrenRecord window = pendingWindow(state, windowStart);
        if (window == null) {
            return List.of();
        }
        Map<String, ChildBaselineRecord> baselines = baselinesByKey(state);
        BigDecimal elapsed = partial ? coverage(window, baselines) : BigDecimal.ONE;
        Map<String, BigDecimal> unlisted = unlistedLevels(window, baselines);
        Map<String, BigDecimal> positiveExcessByKind = new HashMap<>();
        List<Contributor> moved = new ArrayList<>();
        for (ChildCostRecord child : window.getChildren()) {
            ChildBaselineRecord baseline = baselines.get(key(child.getKind(), child.getName()));
            BigDecimal level = baseline == null ? Money.ZERO : baseline.getLevel();
            if (OTHER.equals(child.getName())) {
                // Children with a baseline that this window does not list are in its remainder: expected there.
                level = Money.add(level, unlisted.getOrDefault(child.getKind(), Money.ZERO));
            }
            BigDecimal deviation = baseline == null ? Money.ZERO : baseline.getDeviation();
            BigDecimal expected = Money.of(level.multiply(elapsed));
            BigDecimal excess = Money.of(child.getCost().subtract(expected));
            if (excess.signum() > 0) {
                positiveExcessByKind.merge(child.getKind(), excess, Money::add);
            }
            BigDecimal tolerance = Money.of(tolerance(level, deviation).multiply(elapsed));
            if (excess.compareTo(tolerance) > 0) {
                moved.add(Contributor.newBuilder().setKind(child.getKind()).setName(child.getName())
                        .setObserved(child.getCost()).setExpected(expected).setExcess(excess).setShare(0.0)
                        .setIsNew(baseline == null).build());
            }
        }
        for (Contributor contributor : moved) {
            // A ratio for people, not money: double is fine here.
            contributor.setShare(contributor.getExcess().doubleValue()
                    / positiveExcessByKind.get(contributor.getKind()).doubleValue());
        }
        moved = summariseNewResources(moved);
        moved.sort(LARGEST_EXCESS_FIRST);
        return List.copyOf(moved.subList(0, Math.min(settings.top(), moved.size())));
    }

    /**
     * New resources of one window summarised as one entry (name {@value #NEW_RESOURCES}, {@code count} of them): a CI
     * storm of 48 new VMs reads as "48 new resources", not as its three costliest VMs at 2% each and an
     * {@code (other)} of 57%. Attribution lists only the costliest children of a window, so new resources in the
     * {@code (other)} remainder are inferred from its excess over the mean cost of the listed new ones
     * ({@code countEstimated}); that excess joins the entry. The SKU that carries at least 90% of the SKUs' excess,
     * if any, is named on it, and the three costliest new resources as examples. Fewer than two new resources are
     * left as they are.
     */
    private static List<Contributor> summariseNewResources(List<Contributor> moved) {
        List<Contributor> fresh = new ArrayList<>();
        Contributor other = null;
        Contributor mainSku = null;
        for (Contributor c : moved) {
            if (RESOURCE.equals(c.getKind()) && c.getIsNew() && !OTHER.equals(c.getName())) {
                fresh.add(c);
            } else if (RESOURCE.equals(c.getKind()) && OTHER.equals(c.getName())) {
                other = c;
            } else if (!RESOURCE.equals(c.getKind()) && c.getShare() >= MAIN_SKU_SHARE) {
                mainSku = c;
            }
        }
        if (fresh.size() < 2) {
            return moved;
        }
        BigDecimal observed = Money.ZERO;
        BigDecimal expected = Money.ZERO;
        BigDecimal excess = Money.ZERO;
        double share = 0;
        for (Contributor c : fresh) {
            observed = Money.add(observed, c.getObserved());
            expected = Money.add(expected, c.getExpected());
            excess = Money.add(excess, c.getExcess());
            share += c.getShare();
        }
        BigDecimal meanCost = observed.divide(BigDecimal.valueOf(fresh.size()), MathContext.DECIMAL64);
        int inferred = 0;
        List<Contributor> rest = new ArrayList<>(moved);
        rest.removeAll(fresh);
        if (other != null && meanCost.signum() > 0) {
            inferred = other.getExcess().divide(meanCost, 0, RoundingMode.HALF_EVEN).intValue();
            if (inferred > 0) {
                observed = Money.add(observed, other.getObserved());
                expected = Money.add(expected, other.getExpected());
                excess = Money.add(excess, other.getExcess());
                share += other.getShare();
                rest.remove(other);
            }
        }
        rest.add(Contributor.newBuilder().setKind(RESOURCE).setName(NEW_RESOURCES).setObserved(observed)
                .setExpected(expected).setExcess(excess).setShare(Math.min(1.0, share))
                .setCount(fresh.size() + inferred).setCountEstimated(inferred > 0).setIsNew(true)
                .setSku(mainSku == null ? null : mainSku.getName())
                .setExamples(fresh.stream().sorted(LARGEST_EXCESS_FIRST).limit(EXAMPLES).map(Contributor::getName)
                        .toList())
                .build());
        return rest;
    }

    /**
     * The children of the pending window starting at {@code windowStart} that fell most below their baselines: the
     * contributors of a drop, judged on a complete window. A child with a baseline that the window does not list cost
     * nothing in it. A child fell when its shortfall is above the same tolerance a rise must pass. Excess is negative
     * (observed - expected); share = shortfall / the total shortfall of the children of the same kind; largest
     * shortfall first. Empty when that window has no children.
     */
    public List<Contributor> fallenContributors(ContributorBaselinesRecord state, long windowStart) {
        PendingChildrenRecord window = pendingWindow(state, windowStart);
        if (window == null) {
            return List.of();
        }
        Map<String, BigDecimal> observed = new HashMap<>();
        for (ChildCostRecord child : window.getChildren()) {
            observed.merge(key(child.getKind(), child.getName()), child.getCost(), Money::add);
        }
        Map<String, BigDecimal> shortfallByKind = new HashMap<>();
        List<Contributor> fell = new ArrayList<>();
        for (ChildBaselineRecord baseline : state.getBaselines()) {
            BigDecimal cost = observed.getOrDefault(key(baseline.getKind(), baseline.getName()), Money.ZERO);
            BigDecimal shortfall = Money.of(baseline.getLevel().subtract(cost));
            if (shortfall.signum() > 0) {
                shortfallByKind.merge(baseline.getKind(), shortfall, Money::add);
            }
            if (shortfall.compareTo(tolerance(baseline.getLevel(), baseline.getDeviation())) > 0) {
                fell.add(Contributor.newBuilder().setKind(baseline.getKind()).setName(baseline.getName())
                        .setObserved(Money.of(cost)).setExpected(Money.of(baseline.getLevel()))
                        .setExcess(shortfall.negate()).setShare(0.0).build());
            }
        }
        for (Contributor contributor : fell) {
            // A ratio for people, not money: double is fine here.
            contributor.setShare(contributor.getExcess().negate().doubleValue()
                    / shortfallByKind.get(contributor.getKind()).doubleValue());
        }
        fell.sort(LARGEST_SHORTFALL_FIRST);
        return List.copyOf(fell.subList(0, Math.min(settings.top(), fell.size())));
    }

    /**
     * Per kind, the levels of the children with a baseline that a window with a remainder of that kind does not list:
     * attribution lists only the costliest children, so when new ones crowd them out they are in the remainder.
     */
    private static Map<String, BigDecimal> unlistedLevels(PendingChildrenRecord window,
            Map<String, ChildBaselineRecord> baselines) {
        Map<String, BigDecimal> unlisted = new HashMap<>();
        Set<String> listed = new HashSet<>();
        Set<String> withRemainder = new HashSet<>();
        for (ChildCostRecord child : window.getChildren()) {
            listed.add(key(child.getKind(), child.getName()));
            if (OTHER.equals(child.getName())) {
                withRemainder.add(child.getKind());
            }
        }
        for (Map.Entry<String, ChildBaselineRecord> entry : baselines.entrySet()) {
            ChildBaselineRecord baseline = entry.getValue();
            if (withRemainder.contains(baseline.getKind()) && !OTHER.equals(baseline.getName())
                    && !listed.contains(entry.getKey())) {
                unlisted.merge(baseline.getKind(), baseline.getLevel(), Money::add);
            }
        }
        return unlisted;
    }

    private static PendingChildrenRecord pendingWindow(ContributorBaselinesRecord state, long windowStart) {
        int index = indexOf(state.getPending(), windowStart);
        return index < 0 ? null : state.getPending().get(index);
    }

    private static Map<String, ChildBaselineRecord> baselinesByKey(ContributorBaselinesRecord state) {
        Map<String, ChildBaselineRecord> baselines = new HashMap<>();
        for (ChildBaselineRecord baseline : state.getBaselines()) {
            baselines.put(key(baseline.getKind(), baseline.getName()), baseline);
        }
        return baselines;
    }

    /**
     * Learns the windows that settled now that the newest window is as new as it is, oldest first, and the oldest
     * ones beyond the pending cap.
     */
    public void settle(ContributorBaselinesRecord state) {
        settle(state, settings.settle().toMillis());
    }

    /**
     * The same with the series' own settle horizon ({@code CostSpikeLifecycle#settleHorizon}: wider while its updates
     * lag), so the children's windows are learned when the series' are, complete.
     */
    public void settle(ContributorBaselinesRecord state, long horizonMillis) {
        if (state.getPending().isEmpty()) {
            return;
        }
        List<PendingChildrenRecord> pending = pending(state);
        PendingChildrenRecord newest = pending.get(pending.size() - 1);
        long horizon = newest.getWindowStart() - horizonMillis;
        int cap = settings.pendingCap(horizonMillis, newest.getWindowEnd() - newest.getWindowStart());
        learnBefore(state, pending, horizon);
        // Only overlapping or odd-sized windows get beyond the cap; the state must stay small.
        learnEarly(state, pending, Math.max(0, pending.size() - cap));
    }

    /**
     * Learns the {@code count} oldest pending windows (at least one stays) ahead of their settling, oldest first,
     * moving the settle line past each.
     */
    private void learnEarly(ContributorBaselinesRecord state, List<PendingChildrenRecord> pending, int count) {
        for (int i = 0; i < count; i++) {
            PendingChildrenRecord oldest = pending.get(i);
            learn(state, oldest);
            long line = Math.min(oldest.getWindowEnd(), pending.get(i + 1).getWindowStart());
            state.setSettledBefore(Math.max(state.getSettledBefore(), line));
        }
        removeOldest(state, pending, count);
    }

    /**
     * Learns the pending windows that start before {@code line}, oldest first: as the series' own windows settle
     * when a catch-up hold replays them in order ({@code CostSpikeLifecycle}), so the contributors of an anomaly
     * found in the replay are named against what was learned up to it, as in order.
     */
    public void settleBefore(ContributorBaselinesRecord state, long line) {
        learnBefore(state, pending(state), line);
    }

    private void learnBefore(ContributorBaselinesRecord state, List<PendingChildrenRecord> pending, long line) {
        int settled = 0;
        while (settled < pending.size() && pending.get(settled).getWindowStart() < line) {
            learn(state, pending.get(settled++));
        }
        removeOldest(state, pending, settled);
        state.setSettledBefore(Math.max(state.getSettledBefore(), line));
    }

    private void learn(ContributorBaselinesRecord state, PendingChildrenRecord window) {
        Map<String, BigDecimal> observed = new LinkedHashMap<>();
        for (ChildCostRecord child : window.getChildren()) {
            observed.merge(key(child.getKind(), child.getName()), child.getCost(), Money::add);
        }
        BigDecimal alpha = settings.alpha();
        List<ChildBaselineRecord> learned = new ArrayList<>();
        for (ChildBaselineRecord baseline : state.getBaselines()) {
            BigDecimal cost = observed.remove(key(baseline.getKind(), baseline.getName()));
            BigDecimal level = baseline.getLevel();
            BigDecimal deviation = baseline.getDeviation();
            BigDecimal tolerance = tolerance(level, deviation);
            BigDecimal gap = (cost == null ? Money.ZERO : cost).subtract(level);
            if (tolerance.signum() > 0 && gap.abs().compareTo(tolerance) > 0) {
                // An outlier (an incident that outlasted the settle horizon, or a child that stopped): the level
                // moves one tolerance towards it and the deviation stays, so the incident is not taught as normal
                // while a real new level is still reached, about a tenth of the level per ten windows.
                gap = gap.signum() > 0 ? tolerance : tolerance.negate();
            } else {
                deviation = Money.of(deviation.add(alpha.multiply(gap.abs().subtract(deviation))));
            }
            learned.add(new ChildBaselineRecord(baseline.getKind(), baseline.getName(),
                    Money.of(level.add(alpha.multiply(gap))), deviation,
                    baseline.getLearned() + 1));
        }
        for (Map.Entry<String, BigDecimal> child : observed.entrySet()) {
            // First sight: the level starts at the cost; the relative floor covers the unknown deviation.
            String[] kindAndName = child.getKey().split("\u0000", 2);
            learned.add(new ChildBaselineRecord(kindAndName[0], kindAndName[1], child.getValue(), Money.ZERO, 1L));
        }
        state.setBaselines(bounded(learned));
        state.setLearnedWindows(state.getLearnedWindows() + 1);
    }

    /** At most {@code tracked} baselines of each kind, the highest levels; in a stable order (kind, name). */
    private List<ChildBaselineRecord> bounded(List<ChildBaselineRecord> baselines) {
        Map<String, List<ChildBaselineRecord>> byKind = new LinkedHashMap<>();
        for (ChildBaselineRecord baseline : baselines) {
            byKind.computeIfAbsent(baseline.getKind(), k -> new ArrayList<>()).add(baseline);
        }
        List<ChildBaselineRecord> kept = new ArrayList<>();
        for (List<ChildBaselineRecord> ofKind : byKind.values()) {
            ofKind.sort(Comparator.comparing(ChildBaselineRecord::getLevel).reversed()
                    .thenComparing(ChildBaselineRecord::getName));
            kept.addAll(ofKind.subList(0, Math.min(settings.tracked(), ofKind.size())));
        }
        kept.sort(Comparator.comparing(ChildBaselineRecord::getKind).thenComparing(ChildBaselineRecord::getName));
        return kept;
    }

    /**
     * The part of a partial window its children's costs cover: the median of observed / level over the children
     * with a positive level, at most 1; 1 when no child has one (then nothing is expected of any child anyway).
     */
    private static BigDecimal coverage(PendingChildrenRecord window, Map<String, ChildBaselineRecord> baselines) {
        List<BigDecimal> ratios = new ArrayList<>();
        for (ChildCostRecord child : window.getChildren()) {
            ChildBaselineRecord baseline = baselines.get(key(child.getKind(), child.getName()));
            if (baseline != null && baseline.getLevel().signum() > 0) {
                ratios.add(child.getCost().max(BigDecimal.ZERO).divide(baseline.getLevel(), MathContext.DECIMAL64));
            }
        }
        if (ratios.isEmpty()) {
            return BigDecimal.ONE;
        }
        ratios.sort(Comparator.naturalOrder());
        int middle = ratios.size() / 2;
        BigDecimal median = ratios.size() % 2 == 1 ? ratios.get(middle)
                : ratios.get(middle - 1).add(ratios.get(middle)).divide(BigDecimal.valueOf(2), MathContext.DECIMAL64);
        return median.min(BigDecimal.ONE);
    }

    /** How far above its level a child's cost may be and still be noise. */
    private BigDecimal tolerance(BigDecimal level, BigDecimal deviation) {
        return Money.of(deviation.multiply(settings.noiseFactor()).max(level.multiply(settings.relativeFloor())));
    }

    private static String key(String kind, String name) {
        return kind + '\u0000' + name;
    }
}
