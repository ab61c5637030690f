package io.spendstream.anomaly.scopes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.anomaly.avro.ScopePartCostRecord;
import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.avro.ScopeWindowRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.core.RequestLevel;
import io.spendstream.anomaly.core.StateBudget;
import io.spendstream.anomaly.detector.ChargeCoverage;
import io.spendstream.anomaly.core.TrafficContexts;
import io.spendstream.anomaly.core.WindowsByStart;
import io.spendstream.avro.ChildCost;
import io.spendstream.schemas.Money;

/**
 * The cost of a wider scope per window, summed from its parts (one per service) as their updates arrive: the scope's
 * recent windows, each with the latest cost of every service in it ({@link ScopeWindowsRecord}, one per scope).
 * Plain Java, no Kafka.
 *
 * <p>Each part update carries the service's cost so far in that window, so the scope's cost is the sum of the
 * latest cost of each part: exact, in {@link Money} scale, whatever the order the services' updates interleave in.
 * The latest update of a part is the one with the latest event time (on a tie, the one that arrived last), as for a
 * service's own windows. Windows are forgotten once the scope's detector has settled them ({@link #forgetBefore}),
 * so the record holds at most the detector's pending windows, oldest first (found by binary search).
 *
 * <p>{@link #add} changes the record in place (issue 18: copying its window list and the window's parts on every
 * update, and building each part through Avro's builder, were most of the bytes it allocated: 1.7-4.5 KB an update
 * before, 0.8-2.0 KB after, {@code tools/microbench} {@code ScopeWindowsBenchmark} with {@code -prof gc}). A record
 * that fails later is forgotten by the processor's stores ({@code ReadThroughStates.clearingOnFailure}), and a part
 * the budget refuses is refused before anything changes.
 *
 * <p>Each part keeps how far its latest update's cost rows cover the window's charge time, so the scope's USD/h at
 * OPEN is its cost over the charge time actually covered, as a service's ({@link Total#coveredUntil}).
 *
 * <p>A team's parts carry their services' requests: a window's requests are their sum ({@link #requestsIn}), and the
 * team's usual requests per window ({@code requestLevel}, one number per scope) are learned from the windows as they
 * settle ({@link #forgetBefore}) by the same rule as a service's ({@link RequestLevel}), while no anomaly of the
 * scope is open, so an incident's traffic does not become its own usual. Resource and SKU parts carry no requests:
 * their level stays 0 and their anomalies no traffic context.
 */
public final class ScopeWindows {

    /** The children kind of a scope's parts, in the contributor baselines and the anomaly's top contributors. */
    public static final String PART_KIND = DetectionScope.SERVICE.label();

    private ScopeWindows() {
    }

    /**
     * The scope's window after one part's update.
     *
     * @param cost          the scope's cost in the window so far: the sum of its parts' latest costs
     * @param lastTimestamp the latest event time of any part's update, so the window's successive totals are in
     *                      event-time order for the detector, whichever part moved
     * @param parts         the parts as the window's children, for the contributor baselines
     * @param coverage      each part's cost with how far it covers the window's charge time
     * @param unreported    the parts of the window just before (same size, kept) with no update in this one yet
     */
    public record Total(long windowStart, long windowEnd, String currency, BigDecimal cost, long lastTimestamp,
            List<ChildCost> parts, List<ChargeCoverage.Part> coverage, List<ChargeCoverage.Part> unreported) {

        /**
         * How far the scope's cost so far covers the window's charge time, as {@code rule} weighs its parts (each
         * over its own coverage, the unreported ones at their rate of the window before); null when none is known.
         */
        public Long coveredUntil(ChargeCoverage rule) {
            return rule.coveredUntil(windowStart, windowEnd, coverage, windowStart - (windowEnd - windowStart),
                    unreported);
        }
    }

    public static ScopeWindowsRecord empty() {
        return ScopeWindowsRecord.newBuilder().setEstimatedBytes(0).build();
    }

    /**
     * Folds a part's update (at event time {@code timestamp}) into its window and returns the window's total; null
     * when the update is not kept: a service new to a window that already holds its {@link StateBudget} of parts
     * (the state is left as it was). A new window or part that takes the windows over the budget drops the oldest
     * windows (never the only one): their parts' later updates are not kept either ({@link #keeps}).
     */
    public static Total add(ScopeWindowsRecord state, ScopePartRecord part, long timestamp) {
        long bytes = estimatedBytes(state);
        List<ScopeWindowRecord> windows = state.getWindows();
        int at = indexOfWindow(windows, part.getWindowStart());
        ScopeWindowRecord window = at >= 0 ? windows.get(at) : null;
        int known = window == null ? -1 : indexOf(window.getParts(), part.getPart());
        long partBytes = StateBudget.entryBytes(part.getPart());
        if (known < 0 && window != null && !window.getParts().isEmpty()
                && bytes(window) + partBytes > StateBudget.RECORD_BYTES) {
            return null;
        }
        // From here on the record is changed in place: a record that fails later is forgotten by the processor's
        // stores (ReadThroughStates.clearingOnFailure), so no copy is needed to leave the state as it was.
        windows = mutable(windows);
        state.setWindows(windows);
        if (window == null) {
            window = new ScopeWindowRecord(part.getWindowStart(), part.getWindowEnd(), part.getCurrency(),
                    new ArrayList<>());
            windows.add(-at - 1, window);
            bytes += bytes(window);
        }
        List<ScopePartCostRecord> parts = mutable(window.getParts());
        window.setParts(parts);
        ScopeWindowRecord previous = previous(windows, window);
        if (known < 0) {
            parts.add(latest(part, keptName(previous, part.getPart()), timestamp));
            bytes += partBytes;
        } else if (timestamp >= parts.get(known).getLastTimestamp()) {
            parts.set(known, latest(part, parts.get(known).getName(), timestamp));
        }
        Total total = total(window, previous);
        while (bytes > StateBudget.RECORD_BYTES && windows.size() > 1) {
            bytes -= bytes(windows.remove(0));
        }
        state.setEstimatedBytes(bytes);
        return total;
    }

    /** The part's latest update as the window keeps it, under {@code name} (the object the window keeps). */
    private static ScopePartCostRecord latest(ScopePartRecord part, String name, long timestamp) {
        // The all-fields constructor, not the builder: its build() checks and copies every field (issue 18).
        return new ScopePartCostRecord(name, Money.compact(part.getCost()), timestamp, part.getCoveredUntil(),
                part.getRequests(), part.getRequestsCoveredUntil());
    }

    /** {@code list} if it can be changed in place, else a copy that can (a list as Avro's reader built it). */
    private static <T> List<T> mutable(List<T> list) {
        return list instanceof ArrayList ? list : new ArrayList<>(list);
    }

    /**
     * Whether the scope still keeps the window starting at {@code windowStart}, or would start it afresh: false
     * for a window of the scope's detector's pending ones ({@code pending}) that is no longer among the kept
     * windows, dropped for the budget, whose parts can no longer be summed (a part's update carries its cost so far,
     * which only replaces its earlier one).
     */
    public static boolean keeps(ScopeWindowsRecord state, long windowStart, boolean pending) {
        return !pending || find(state.getWindows(), windowStart) != null;
    }

    /** How many parts (services) the window starting at {@code windowStart} holds so far; 0 when not kept. */
    public static int partsIn(ScopeWindowsRecord state, long windowStart) {
        ScopeWindowRecord window = find(state.getWindows(), windowStart);
        return window == null ? 0 : window.getParts().size();
    }

    /**
     * The requests of the window starting at {@code windowStart} over its whole size: the sum of its parts' latest
     * requests, each scaled to the window as far as its APM summaries cover it
     * ({@link TrafficContexts#overWholeWindow}); 0 when the window is not kept or its parts carry no requests. Of a
     * {@code partial} window (the one whose cost is read as a rate over the charge time covered so far), the parts of
     * the window before with no update in it yet count with their requests there, as their cost counts at its rate
     * there ({@link Total#coveredUntil}): the cost per request is then of the same services.
     */
    public static double requestsIn(ScopeWindowsRecord state, long windowStart, boolean partial) {
        List<ScopeWindowRecord> windows = state.getWindows();
        ScopeWindowRecord window = find(windows, windowStart);
        if (window == null) {
            return 0;
        }
        double requests = requests(window, window.getParts());
        ScopeWindowRecord previous = partial ? previous(windows, window) : null;
        if (previous != null) {
            requests += requests(previous, previous.getParts().stream()
                    .filter(p -> indexOf(window.getParts(), p.getName()) < 0).toList());
        }
        return requests;
    }

    /**
     * Drops the windows starting before {@code settledBefore}: the detector has learned or skipped them. When
     * {@code learnRequests} (no anomaly of the scope open), the usual request level learns each dropped window that
     * had requests.
     */
    public static void forgetBefore(ScopeWindowsRecord state, long settledBefore, boolean learnRequests) {
        if (anyBefore(state.getWindows(), settledBefore)) {
            long bytes = estimatedBytes(state);
            List<ScopeWindowRecord> kept = new ArrayList<>(state.getWindows().size());
            for (ScopeWindowRecord window : state.getWindows()) {
                if (window.getWindowStart() >= settledBefore) {
                    kept.add(window);
                    continue;
                }
                bytes -= bytes(window);
                double requests = requests(window, window.getParts());
                if (learnRequests && requests > 0) {
                    state.setRequestLevel(RequestLevel.learn(state.getRequestLevel(), requests));
                }
            }
            state.setWindows(kept);
            state.setEstimatedBytes(bytes);
        }
    }

    /** Whether a window of {@code windows} starts before {@code time} (a loop, not a stream: once per update). */
    private static boolean anyBefore(List<ScopeWindowRecord> windows, long time) {
        for (ScopeWindowRecord window : windows) {
            if (window.getWindowStart() < time) {
                return true;
            }
        }
        return false;
    }

    /** The requests of {@code parts} of {@code window}, each over the whole window. */
    private static double requests(ScopeWindowRecord window, List<ScopePartCostRecord> parts) {
        double requests = 0;
        for (ScopePartCostRecord part : parts) {
            requests += TrafficContexts.overWholeWindow(part.getRequests(), part.getRequestsCoveredUntil(),
                    window.getWindowStart(), window.getWindowEnd() - window.getWindowStart());
        }
        return requests;
    }

    /** The kept window just before {@code window}, of the same size; null when not kept. */
    private static ScopeWindowRecord previous(List<ScopeWindowRecord> windows, ScopeWindowRecord window) {
        long size = window.getWindowEnd() - window.getWindowStart();
        for (ScopeWindowRecord candidate : windows) {
            if (candidate.getWindowEnd() == window.getWindowStart()
                    && candidate.getWindowEnd() - candidate.getWindowStart() == size) {
                return candidate;
            }
        }
        return null;
    }

    /** The windows' estimated bytes ({@link StateBudget}): as kept in the record, or counted once if not known. */
    private static long estimatedBytes(ScopeWindowsRecord state) {
        if (state.getEstimatedBytes() < 0) {
            state.setEstimatedBytes(StateBudget.total(state.getWindows(), ScopeWindows::bytes));
        }
        return state.getEstimatedBytes();
    }

    /** The estimated bytes of a window ({@link StateBudget}). */
    private static long bytes(ScopeWindowRecord window) {
        long bytes = StateBudget.entryBytes(window.getCurrency());
        for (ScopePartCostRecord part : window.getParts()) {
            bytes += StateBudget.entryBytes(part.getName());
        }
        return bytes;
    }

    private static ScopeWindowRecord find(List<ScopeWindowRecord> windows, long windowStart) {
        int at = indexOfWindow(windows, windowStart);
        return at >= 0 ? windows.get(at) : null;
    }

    /** The index of the window starting at {@code windowStart}, or {@code -(insertion point) - 1}. */
    private static int indexOfWindow(List<ScopeWindowRecord> windows, long windowStart) {
        return WindowsByStart.indexOf(windows, ScopeWindowRecord::getWindowStart, windowStart);
    }

    private static Total total(ScopeWindowRecord window, ScopeWindowRecord previous) {
        BigDecimal cost = Money.ZERO;
        long lastTimestamp = Long.MIN_VALUE;
        List<ChildCost> children = new ArrayList<>(window.getParts().size());
        List<ChargeCoverage.Part> coverage = new ArrayList<>(window.getParts().size());
        for (ScopePartCostRecord part : window.getParts()) {
            cost = Money.add(cost, part.getCost());
            lastTimestamp = Math.max(lastTimestamp, part.getLastTimestamp());
            children.add(new ChildCost(PART_KIND, part.getName(), part.getCost(), false));
            coverage.add(coverageOf(part));
        }
        List<ChargeCoverage.Part> unreported = new ArrayList<>();
        if (previous != null) {
            for (ScopePartCostRecord part : previous.getParts()) {
                if (indexOf(window.getParts(), part.getName()) < 0) {
                    unreported.add(coverageOf(part));
                }
            }
        }
        return new Total(window.getWindowStart(), window.getWindowEnd(), window.getCurrency(), cost, lastTimestamp,
                children, coverage, unreported);
    }

    private static ChargeCoverage.Part coverageOf(ScopePartCostRecord part) {
        return new ChargeCoverage.Part(part.getCost(), part.getCoveredUntil(), part.getLastTimestamp());
    }

    /**
     * A part new to its window named as the window before keeps it: the object already kept there, so a team held
     * for a day keeps each service's name once, not once per window (issue 18: names were the largest share of the
     * anomaly app's heap).
     */
    private static String keptName(ScopeWindowRecord previous, String name) {
        int before = previous == null ? -1 : indexOf(previous.getParts(), name);
        return before >= 0 ? previous.getParts().get(before).getName() : name;
    }

    private static int indexOf(List<ScopePartCostRecord> parts, String name) {
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
