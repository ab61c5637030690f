package io.spendstream.anomaly.contributors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.kafka.streams.StreamsBuilder;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.runtime.state.ReadThroughStates;

/**
 * Where a processor keeps the contributor baselines of its series: two stores, so that a commit writes what changed
 * rather than every series' whole state. The baselines store (key = series) holds the baselines, the settle line and
 * the starts of the pending windows; its pending store ({@link #pendingStore}, key = {@code <series>@<window start>})
 * holds each pending window's children. An update changes one window's children, and the baselines only when a
 * window settles: profiled in the anomaly app alone (issue 18), writing each series' whole record at every commit,
 * a dozen pending windows of twenty-odd children each, was over a third of its CPU.
 *
 * <p>In memory a series is one {@link ContributorBaselinesRecord} with its pending windows in {@code pending}, kept
 * as an object by the baselines store (its serde leaves the windows out, {@link ContributorBaselinesSerde}), so the
 * windows live and go with their series. {@link #get} hands out a copy of the record sharing its lists, which
 * {@link ContributorBaselines} and {@link #put} change in place: an update finds its window by binary search and
 * notes it here ({@link #observed}), learning takes windows off the front. So {@link #put} writes that one window and
 * deletes the learned ones (the kept starts before the oldest pending window) without a walk over the windows, and
 * writes the baselines record only when its own fields or the starts changed (issue 18: the walk, a copy of the
 * list, a sort and a scan per update were a tenth of the anomaly app's CPU while a settle horizon or a catch-up hold
 * kept hundreds of windows pending). A record that fails half way leaves no part of its change: the stores forget
 * the keys it touched ({@link ReadThroughStates#clearingOnFailure}), the series' object among them. The pending store
 * is read only when a series' record was read from disk (after a restart, or once evicted), and a record of format 1
 * (its windows inline) is split on its next {@link #put}. A window the record names but the pending store lacks (a
 * record that failed half way was reverted in one store and not in the other) is left out: its children are not
 * learned, nothing else is lost; the next {@link #put} rewrites the series' windows and starts.
 */
public final class ContributorStates {

    /** Pending windows kept as objects per store and task besides their series: only those not yet committed. */
    static final int CACHED_WINDOWS = DetectorProcessor.CACHED_STATES * 16;

    private final ReadThroughStates<ContributorBaselinesRecord> baselines;
    private final ReadThroughStates<PendingChildrenRecord> windows;
    private final ChildNames names = new ChildNames();
    /** The window the update in hand changed ({@link #observed}), and its series. */
    private String observedKey;
    private PendingChildrenRecord observedWindow;

    public ContributorStates(ReadThroughStates<ContributorBaselinesRecord> baselines,
            ReadThroughStates<PendingChildrenRecord> windows) {
        this.baselines = baselines;
        this.windows = windows;
    }

    /** The task's child names, each kept once in the windows of all its series. */
    ChildNames names() {
        return names;
    }

    /** The name of the pending windows' store of the baselines store {@code baselinesStore}. */
    public static String pendingStore(String baselinesStore) {
        return baselinesStore + "-pending";
    }

    /** Adds the baselines store {@code name} and its pending store ({@link #pendingStore}) to {@code builder}. */
    public static void addStores(StreamsBuilder builder, String name) {
        builder.addStateStore(DetectorProcessor.stateStore(name, new ContributorBaselinesSerde()));
        builder.addStateStore(DetectorProcessor.stateStore(pendingStore(name), new PendingChildrenSerde(),
                CACHED_WINDOWS));
    }

    /**
     * Notes the window an update of {@code key} changed ({@link ContributorBaselines#observe}: added or replaced;
     * null when it changed none), for the {@link #put} that follows.
     */
    void observed(String key, PendingChildrenRecord window) {
        observedKey = key;
        observedWindow = window;
    }

    /** The series' baselines with its pending windows, or null when it has none yet. */
    public ContributorBaselinesRecord get(String key) {
        // A window noted before and never put belongs to an update that failed: it is not to be written.
        observed(null, null);
        ContributorBaselinesRecord kept = baselines.get(key);
        if (kept == null) {
            return null;
        }
        if (kept.getPending().isEmpty() && !kept.getPendingStarts().isEmpty()) {
            // Read from disk: its windows are in the pending store.
            List<PendingChildrenRecord> pending = new ArrayList<>(kept.getPendingStarts().size());
            for (long start : kept.getPendingStarts()) {
                PendingChildrenRecord window = windows.get(windowKey(key, start));
                if (window != null) {
                    pending.add(window);
                }
            }
            kept.setPending(pending);
        }
        // The copy shares the lists, which ContributorBaselines and put change in place: lists of their own.
        return new ContributorBaselinesRecord(kept.getSettledBefore(), kept.getLearnedWindows(),
                kept.getBaselines(), ContributorBaselines.pending(kept), kept.getPendingBytes(), starts(kept));
    }

    /** Keeps {@code state} as the series' baselines, writing only what changed since {@link #get}. */
    public void put(String key, ContributorBaselinesRecord state) {
        PendingChildrenRecord observed = key.equals(observedKey) ? observedWindow : null;
        observed(null, null);
        ContributorBaselinesRecord kept = baselines.get(key);
        List<PendingChildrenRecord> pending = state.getPending();
        // Windows of a record written before the split (format 1) are all new to the pending store.
        boolean split = kept != null && kept.getPendingStarts().isEmpty() && !kept.getPending().isEmpty();
        List<Long> starts = kept == null || split ? new ArrayList<>() : starts(kept);
        boolean startsChanged = kept == null || split || followUpdate(key, starts, pending, observed);
        if (starts.size() != pending.size()) {
            // Not what one update makes of the kept windows: a record read from disk whose pending store lacks a
            // window it names (see above), or one split now.
            rewriteWindows(key, starts, pending);
            startsChanged = true;
        }
        if (startsChanged || kept.getBaselines() != state.getBaselines()
                || kept.getLearnedWindows() != state.getLearnedWindows()
                || kept.getSettledBefore() != state.getSettledBefore()
                || kept.getPendingBytes() != state.getPendingBytes()) {
            baselines.put(key, new ContributorBaselinesRecord(state.getSettledBefore(), state.getLearnedWindows(),
                    state.getBaselines(), pending, state.getPendingBytes(), starts));
        } else {
            // Nothing of its own changed: the windows, written above, are all the commit needs.
            kept.setPending(pending);
        }
    }

    /**
     * Writes what one update changes of a series' pending windows ({@link ContributorBaselines}), without a walk over
     * them: learning takes the oldest ones out (a prefix of the kept starts, deleted), and the update adds or replaces
     * the one window it observed (written, if it is still pending). {@code starts} follows, in place. Returns whether
     * the starts changed.
     */
    private boolean followUpdate(String key, List<Long> starts, List<PendingChildrenRecord> pending,
            PendingChildrenRecord observed) {
        long oldest = pending.isEmpty() ? Long.MAX_VALUE : pending.get(0).getWindowStart();
        int learned = 0;
        while (learned < starts.size() && starts.get(learned) < oldest) {
            windows.delete(windowKey(key, starts.get(learned++)));
        }
        starts.subList(0, learned).clear();
        boolean changed = learned > 0;
        if (observed != null) {
            long start = observed.getWindowStart();
            int index = ContributorBaselines.indexOf(pending, start);
            if (index >= 0 && pending.get(index) == observed) {
                windows.put(windowKey(key, start), observed);
                int at = Collections.binarySearch(starts, start);
                if (at < 0) {
                    starts.add(-at - 1, start);
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** Writes every pending window of the series, deletes those {@code starts} names that are gone, and rebuilds it. */
    private void rewriteWindows(String key, List<Long> starts, List<PendingChildrenRecord> pending) {
        for (long start : starts) {
            if (ContributorBaselines.indexOf(pending, start) < 0) {
                windows.delete(windowKey(key, start));
            }
        }
        starts.clear();
        for (PendingChildrenRecord window : pending) {
            windows.put(windowKey(key, window.getWindowStart()), window);
            starts.add(window.getWindowStart());
        }
    }

    /** The kept record's starts as a list {@link #put} changes in place (a decoded one is copied once). */
    private static List<Long> starts(ContributorBaselinesRecord kept) {
        if (!(kept.getPendingStarts() instanceof ArrayList)) {
            kept.setPendingStarts(new ArrayList<>(kept.getPendingStarts()));
        }
        return kept.getPendingStarts();
    }

    static String windowKey(String key, long windowStart) {
        return key + "@" + windowStart;
    }
}
