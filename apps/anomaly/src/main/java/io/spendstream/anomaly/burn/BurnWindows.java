package io.spendstream.anomaly.burn;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.spendstream.avro.BurnDriver;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;

/**
 * The trailing windows of one {@link BurnRate}, looked up by name ({@code 5m}, {@code 30m}, {@code 1h}, {@code 6h},
 * {@code 3d}). A window the record does not carry reads as burn rate 0 and spend 0, so a rule that needs it cannot
 * fire: better a missed rule than a page on data that is not there.
 */
public final class BurnWindows {

    public static final String W5M = "5m";
    public static final String W30M = "30m";
    public static final String W1H = "1h";
    public static final String W6H = "6h";
    public static final String W3D = "3d";

    /** Shortest first: the excess integration takes the shortest window that covers the time between evaluations. */
    static final List<String> BY_LENGTH = List.of(W5M, W30M, W1H, W6H, W3D);
    private static final Map<String, Duration> LENGTHS = Map.of(W5M, Duration.ofMinutes(5),
            W30M, Duration.ofMinutes(30), W1H, Duration.ofHours(1), W6H, Duration.ofHours(6), W3D, Duration.ofDays(3));

    private final Map<String, BurnWindow> byName = new HashMap<>();

    public BurnWindows(BurnRate rate) {
        for (BurnWindow window : rate.getWindows()) {
            byName.put(window.getWindow(), window);
        }
    }

    public double rate(String window) {
        BurnWindow w = byName.get(window);
        return w == null ? 0.0 : w.getBurnRate();
    }

    public BigDecimal spend(String window) {
        BurnWindow w = byName.get(window);
        return w == null ? BigDecimal.ZERO : w.getSpend();
    }

    /** The window's drivers as attribution listed them (costliest first, then {@code (other)}); empty if none. */
    public List<BurnDriver> drivers(String window) {
        BurnWindow w = byName.get(window);
        return w == null ? List.of() : w.getDrivers();
    }

    static Duration length(String window) {
        return LENGTHS.get(window);
    }
}
