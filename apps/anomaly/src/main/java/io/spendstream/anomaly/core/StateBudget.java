package io.spendstream.anomaly.core;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * How large one state record may grow: the bound for the records whose lists grow with a series' unsettled windows
 * (a scope's windows with their parts, a series' pending children). Each record is one changelog record, and a
 * record over the producer's {@code max.request.size} (1 MiB by default, as the broker's {@code message.max.bytes})
 * fails the commit: the task dies, and after a restart it rebuilds the same record and dies again. A catch-up hold
 * keeps up to a day of windows ({@code CostSpikeLifecycle.CATCH_UP_MAX}), so without a bound a team of ten services
 * held for a day reaches it (measured: 1,070,683 bytes in the 100,000-resource bench).
 *
 * <p>Sizes are estimated from above, cheaply (no serialization): each list entry counts {@value #ENTRY_BYTES} bytes
 * for its numbers (Avro varints, a decimal of up to 38 digits, unions) plus three bytes per character of its text
 * (UTF-8 at worst). A record within {@value #RECORD_BYTES} estimated bytes is therefore well under 1 MiB whatever
 * its names. Plain Java.
 */
public final class StateBudget {

    /** Estimated bytes a growing state record may hold: half the producer's and the broker's default limit. */
    public static final long RECORD_BYTES = 512 * 1024;
    /** Upper bound of an entry's bytes besides its text. */
    public static final int ENTRY_BYTES = 64;

    private StateBudget() {
    }

    /** The estimated bytes of {@code entries}, each estimated by {@code bytes}. */
    public static <T> long total(List<T> entries, ToLongFunction<T> bytes) {
        long total = 0;
        for (T entry : entries) {
            total += bytes.applyAsLong(entry);
        }
        return total;
    }

    /** The estimated bytes of one list entry with one text (a name). */
    public static long entryBytes(String text) {
        return ENTRY_BYTES + 3L * text.length();
    }

    /** The estimated bytes of one list entry with two texts (a kind and a name). */
    public static long entryBytes(String first, String second) {
        return ENTRY_BYTES + 3L * (first.length() + second.length());
    }
}
