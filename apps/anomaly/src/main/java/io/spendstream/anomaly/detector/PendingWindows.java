package io.spendstream.anomaly.detector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recent windows of one series that are not learned yet, by window start, and the settle line before which
 * every window is done with (learned, or skipped because it had no data). Mutable; {@link CostSpikeLifecycle}
 * changes it. It holds a handful of entries: the lifecycle settles windows older than the settle horizon and caps
 * the count (see {@link LifecycleSettings#pendingCap}).
 */
public final class PendingWindows {

    /** {@link #settledBefore()} before anything settled. */
    public static final long NOTHING_SETTLED = Long.MIN_VALUE;

    private final TreeMap<Long, PendingWindow> byStart = new TreeMap<>();
    private long settledBefore;

    private PendingWindows(long settledBefore) {
        this.settledBefore = settledBefore;
    }

    public static PendingWindows empty() {
        return new PendingWindows(NOTHING_SETTLED);
    }

    /** Pending windows as persisted earlier. */
    public static PendingWindows of(Collection<PendingWindow> windows, long settledBefore) {
        PendingWindows pending = new PendingWindows(settledBefore);
        for (PendingWindow window : windows) {
            if (window.windowStart() < settledBefore) {
                throw new IllegalArgumentException("Pending window " + window.windowStart()
                        + " is older than the settle line " + settledBefore);
            }
            pending.byStart.put(window.windowStart(), window);
        }
        return pending;
    }

    /** Oldest first. */
    public Collection<PendingWindow> windows() {
        return Collections.unmodifiableCollection(byStart.values());
    }

    public int size() {
        return byStart.size();
    }

    /** The newest window seen, or null before the first update (it never settles while it is the newest). */
    public PendingWindow newest() {
        Map.Entry<Long, PendingWindow> last = byStart.lastEntry();
        return last == null ? null : last.getValue();
    }

    /** Windows starting before this are learned or skipped: {@link #NOTHING_SETTLED} at first. */
    public long settledBefore() {
        return settledBefore;
    }

    public boolean isSettled(long windowStart) {
        return windowStart < settledBefore;
    }

    /** Whether the window starting at {@code windowStart} is one of the pending ones. */
    public boolean contains(long windowStart) {
        return byStart.containsKey(windowStart);
    }

    PendingWindow get(long windowStart) {
        return byStart.get(windowStart);
    }

    void put(PendingWindow window) {
        if (isSettled(window.windowStart())) {
            throw new IllegalStateException("Window " + window.windowStart() + " has settled already");
        }
        byStart.put(window.windowStart(), window);
    }

    /** The windows starting before {@code windowStart} that the lifecycle has not counted yet, oldest first. */
    List<PendingWindow> unfinishedBefore(long windowStart) {
        List<PendingWindow> unfinished = new ArrayList<>();
        for (PendingWindow window : byStart.headMap(windowStart, false).values()) {
            if (!window.finished()) {
                unfinished.add(window);
            }
        }
        return unfinished;
    }

    /** Removes every window; the settle line stays (for a replay of them, {@link CostSpikeLifecycle#releaseHeld}). */
    void clear() {
        byStart.clear();
    }

    /** Removes and returns the windows starting before {@code horizon}, oldest first; they are settled from now. */
    List<PendingWindow> settleBefore(long horizon) {
        Map<Long, PendingWindow> settled = byStart.headMap(horizon, false);
        List<PendingWindow> removed = new ArrayList<>(settled.values());
        settled.clear();
        settledBefore = Math.max(settledBefore, horizon);
        return removed;
    }

    /** Removes and returns the oldest window, which is settled from now (to keep the map bounded). */
    PendingWindow settleOldest() {
        PendingWindow oldest = byStart.pollFirstEntry().getValue();
        // Up to its end, but never past a pending window (windows are tumbling, so that is only a safeguard).
        Long next = byStart.isEmpty() ? null : byStart.firstKey();
        long line = next == null ? oldest.windowEnd() : Math.min(oldest.windowEnd(), next);
        settledBefore = Math.max(settledBefore, line);
        return oldest;
    }
}
