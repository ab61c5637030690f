package io.spendstream.attribution;

import java.time.Duration;

/**
 * Epoch-aligned tumbling windows with a grace period: which window a timestamp falls in, and when a window is closed.
 *
 * <p>The rules are exactly those of Kafka Streams' {@code TimeWindows} and its window aggregation (a window
 * {@code [start, start + size)} is closed once {@code start + size + grace <= stream time}), so a record this grid
 * calls on time is one the window aggregation accepts. Pure arithmetic on epoch milliseconds.
 */
public record WindowGrid(Duration size, Duration grace) {

    public long sizeMs() {
        return size.toMillis();
    }

    /** Start of the window holding {@code timestampMs}. */
    public long startOf(long timestampMs) {
        return timestampMs - Math.floorMod(timestampMs, sizeMs());
    }

    /** Stream time from which the window starting at {@code windowStartMs} accepts no more records. */
    public long closesAt(long windowStartMs) {
        return windowStartMs + sizeMs() + grace.toMillis();
    }

    public boolean isClosed(long windowStartMs, long streamTimeMs) {
        return closesAt(windowStartMs) <= streamTimeMs;
    }
}
