package io.spendstream.anomaly.contributors;

import java.util.ArrayList;
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
 * windows live and go with their series. {@link #get} hands out a copy sharing the lists, as
 * {@link ContributorBaselines} works on it (it replaces a window or a list, never changes one in place);
 * {@link #put} writes to the pending store the windows that are not the objects the kept record holds, deletes the
 * windows gone, and writes the baselines record only when its own fields changed (else it only keeps the new
 * windows in the object). The pending store is read only when a series' record was read from disk (after a restart,
 * or once evicted), and a record of format 1 (its windows inline) is split on its next {@link #put}. A window the
 * record names but the pending store lacks (a record that failed half way was reverted in one store and not in the
 * other) is left out: its children are not learned, nothing else is lost.
 */
public final class ContributorStates {

    /** Pending windows kept as objects per store and task besides their series: only those not yet committed. */
    static final int CACHED_WINDOWS = DetectorProcessor.CACHED_STATES * 16;

    private final ReadThroughStates<ContributorBaselinesRecord> baselines;
    private final ReadThroughStates<PendingChildrenRecord> windows;
    private final ChildNames names = new ChildNames();

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

    /** The series' baselines with its pending windows, or null when it has none yet. */
    public ContributorBaselinesRecord get(String key) {
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
        return new ContributorBaselinesRecord(kept.getSettledBefore(), kept.getLearnedWindows(),
                kept.getBaselines(), kept.getPending(), kept.getPendingBytes(), kept.getPendingStarts());
    }

    /** Keeps {@code state} as the series' baselines, writing only what changed since {@link #get}. */
    public void put(String key, ContributorBaselinesRecord state) {
        ContributorBaselinesRecord kept = baselines.get(key);
        // Windows of a record written before the split (format 1) are all new to the pending store.
        boolean split = kept != null && kept.getPendingStarts().isEmpty() && !kept.getPending().isEmpty();
        List<PendingChildrenRecord> before = kept == null || split ? List.of() : kept.getPending();
        // Both lists are oldest first: one walk finds the windows added, replaced (new objects) and gone. Most
        // updates replace one window and add or drop none, so the starts are compared on the walk rather than as
        // lists (profiled in the anomaly app alone: building and comparing them was a tenth of its CPU). A record
        // read from disk whose pending store lacks a window it names (see above) has fewer windows than starts.
        boolean startsChanged = kept == null || split || kept.getPendingStarts().size() != before.size();
        int old = 0;
        for (PendingChildrenRecord window : state.getPending()) {
            long start = window.getWindowStart();
            while (old < before.size() && before.get(old).getWindowStart() < start) {
                windows.delete(windowKey(key, before.get(old++).getWindowStart()));
                startsChanged = true;
            }
            PendingChildrenRecord previous = null;
            if (old < before.size() && before.get(old).getWindowStart() == start) {
                previous = before.get(old++);
            } else {
                startsChanged = true;
            }
            if (previous != window) {
                windows.put(windowKey(key, start), window);
            }
        }
        while (old < before.size()) {
            windows.delete(windowKey(key, before.get(old++).getWindowStart()));
            startsChanged = true;
        }
        if (startsChanged || kept.getBaselines() != state.getBaselines()
                || kept.getLearnedWindows() != state.getLearnedWindows()
                || kept.getSettledBefore() != state.getSettledBefore()
                || kept.getPendingBytes() != state.getPendingBytes()) {
            List<Long> starts = startsChanged ? starts(state.getPending()) : kept.getPendingStarts();
            baselines.put(key, new ContributorBaselinesRecord(state.getSettledBefore(), state.getLearnedWindows(),
                    state.getBaselines(), state.getPending(), state.getPendingBytes(), starts));
        } else {
            // Nothing of its own changed: the windows, written above, are all the commit needs.
            kept.setPending(state.getPending());
        }
    }

    private static List<Long> starts(List<PendingChildrenRecord> pending) {
        List<Long> starts = new ArrayList<>(pending.size());
        for (PendingChildrenRecord window : pending) {
            starts.add(window.getWindowStart());
        }
        return starts;
    }

    static String windowKey(String key, long windowStart) {
        return key + "@" + windowStart;
    }
}
