package io.spendstream.anomaly.core;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Finding a window in a list kept oldest first (a series' pending contributor windows, a scope's windows), by binary
 * search: an update finds its window without a walk over the series' windows, which a settle horizon or a catch-up
 * hold opens to hours of them (issue 18).
 */
public final class WindowsByStart {

    private WindowsByStart() {
    }

    /**
     * The index of the window starting at {@code windowStart} in {@code windows} (oldest first, by {@code startOf}), or,
     * when there is none, {@code -(the index it would take) - 1}, as {@link java.util.Collections#binarySearch}.
     */
    public static <T> int indexOf(List<T> windows, ToLongFunction<T> startOf, long windowStart) {
        int low = 0;
        int high = windows.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long start = startOf.applyAsLong(windows.get(middle));
            if (start < windowStart) {
                low = middle + 1;
            } else if (start > windowStart) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -low - 1;
    }
}
