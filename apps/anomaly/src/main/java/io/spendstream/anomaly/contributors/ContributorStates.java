package io.spendstream.anomaly.contributors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * <p>{@link #get} hands out the series' {@link ContributorBaselinesRecord} with its pending windows in
 * {@code pending}, as {@link ContributorBaselines} works on it; {@link #put} writes back the windows that are not
 * the objects {@link #get} handed out (so a changed one: {@link ContributorBaselines} replaces a window, never
 * changes one in place), deletes the windows gone, and writes the baselines record only when its own fields
 * changed. A record of format 1 (its windows inline) is read as it is and split on its next {@link #put}. A window
 * the baselines record names but its store lacks (a record that failed half way was reverted in one store and not
 * in the other) is left out: its children are not learned, nothing else is lost.
 */
public final class ContributorStates {

    /** Pending windows kept as objects per store and task: about a dozen per series of the baselines store's. */
    static final int CACHED_WINDOWS = DetectorProcessor.CACHED_STATES * 16;

    private final ReadThroughStates<ContributorBaselinesRecord> baselines;
    private final ReadThroughStates<PendingChildrenRecord> windows;

    public ContributorStates(ReadThroughStates<ContributorBaselinesRecord> baselines,
            ReadThroughStates<PendingChildrenRecord> windows) {
        this.baselines = baselines;
        this.windows = windows;
    }

    /** The name of the pending windows' store of the baselines store {@code baselinesStore}. */
    public static String pendingStore(String baselinesStore) {
        return baselinesStore + "-pending";
    }

    /** Adds the baselines store {@code name} and its pending store to {@code builder}; returns both names. */
    public static List<String> addStores(StreamsBuilder builder, String name) {
        builder.addStateStore(DetectorProcessor.stateStore(name, new ContributorBaselinesSerde()));
        builder.addStateStore(DetectorProcessor.stateStore(pendingStore(name), new PendingChildrenSerde(),
                CACHED_WINDOWS));
        return List.of(name, pendingStore(name));
    }

    /** The series' baselines with its pending windows, or null when it has none yet. */
    public ContributorBaselinesRecord get(String key) {
        ContributorBaselinesRecord stored = baselines.get(key);
        if (stored == null) {
            return null;
        }
        List<PendingChildrenRecord> pending = stored.getPending();
        if (pending.isEmpty() && !stored.getPendingStarts().isEmpty()) {
            pending = new ArrayList<>(stored.getPendingStarts().size());
            for (long start : stored.getPendingStarts()) {
                PendingChildrenRecord window = windows.get(windowKey(key, start));
                if (window != null) {
                    pending.add(window);
                }
            }
        }
        return new ContributorBaselinesRecord(stored.getSettledBefore(), stored.getLearnedWindows(),
                stored.getBaselines(), pending, stored.getPendingBytes(), stored.getPendingStarts());
    }

    /** Keeps {@code state} as the series' baselines, writing only what changed since {@link #get}. */
    public void put(String key, ContributorBaselinesRecord state) {
        ContributorBaselinesRecord stored = baselines.get(key);
        Set<Long> gone = new HashSet<>(stored == null ? List.of() : startsOf(stored));
        List<Long> starts = new ArrayList<>(state.getPending().size());
        for (PendingChildrenRecord window : state.getPending()) {
            starts.add(window.getWindowStart());
            gone.remove(window.getWindowStart());
            String windowKey = windowKey(key, window.getWindowStart());
            if (windows.get(windowKey) != window) {
                windows.put(windowKey, window);
            }
        }
        for (long start : gone) {
            windows.delete(windowKey(key, start));
        }
        if (stored == null || !stored.getPending().isEmpty() || !stored.getPendingStarts().equals(starts)
                || stored.getBaselines() != state.getBaselines()
                || stored.getLearnedWindows() != state.getLearnedWindows()
                || stored.getSettledBefore() != state.getSettledBefore()
                || stored.getPendingBytes() != state.getPendingBytes()) {
            baselines.put(key, new ContributorBaselinesRecord(state.getSettledBefore(), state.getLearnedWindows(),
                    state.getBaselines(), List.of(), state.getPendingBytes(), starts));
        }
    }

    /** The starts of a stored record's pending windows, inline (format 1) or in the pending store. */
    private static List<Long> startsOf(ContributorBaselinesRecord stored) {
        if (stored.getPending().isEmpty()) {
            return stored.getPendingStarts();
        }
        return stored.getPending().stream().map(PendingChildrenRecord::getWindowStart).toList();
    }

    static String windowKey(String key, long windowStart) {
        return key + "@" + windowStart;
    }
}
