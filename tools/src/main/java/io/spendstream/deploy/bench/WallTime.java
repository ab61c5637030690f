package io.spendstream.deploy.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a benchmark run's wall time went, by kind of work (set-up and pre-load, app start-up, measured, stop and
 * counting, latency), so that a run says what its length is made of and what a change to the tool saved. Kinds keep
 * the order they were first added in.
 */
final class WallTime {

    static final String SET_UP = "set-up and pre-load";
    static final String START_UP = "app start-up";
    static final String WARM_UP = "warm-up";
    static final String TOP_UP = "input top-ups";
    static final String MEASURED = "measured";
    static final String BETWEEN = "stop and counting";
    static final String LATENCY = "latency";

    private final long startedNanos;
    private final Map<String, Long> nanosByKind = new LinkedHashMap<>();

    WallTime(long startedNanos) {
        this.startedNanos = startedNanos;
    }

    long startedNanos() {
        return startedNanos;
    }

    void add(String kind, long nanos) {
        nanosByKind.merge(kind, nanos, Long::sum);
    }

    /** Adds the time from {@code fromNanos} to now to {@code kind}; returns now, to chain the next interval. */
    long since(String kind, long fromNanos) {
        long now = System.nanoTime();
        add(kind, now - fromNanos);
        return now;
    }

    double seconds(String kind) {
        return nanosByKind.getOrDefault(kind, 0L) / 1e9;
    }

    /** E.g. {@code Wall time 281 s: set-up and pre-load 12 s, app start-up 80 s, measured 140 s, ...}. */
    String summary(long nowNanos) {
        StringJoiner parts = new StringJoiner(", ");
        nanosByKind.forEach((kind, nanos) -> parts.add(String.format("%s %.0f s", kind, nanos / 1e9)));
        return String.format("Wall time %.0f s: %s", (nowNanos - startedNanos) / 1e9, parts);
    }
}
