package io.spendstream.runtime.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resolved configuration of one app: Kafka client/Streams keys and {@code spendstream.*} keys in one flat map.
 * Resolution (defaults < properties file < environment < command line) happens in {@link ConfigLoader}; this class
 * only reads. Values are strings, as in a properties file; typed getters fail with the key's name when a value
 * does not parse.
 */
public final class SpendstreamConfig {

    private final Map<String, String> values;

    public SpendstreamConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public String require(String key) {
        return find(key).orElseThrow(() -> new IllegalArgumentException("Missing required setting " + key));
    }

    public int getInt(String key, int defaultValue) {
        return find(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long getLong(String key, long defaultValue) {
        return find(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }

    public double getDouble(String key, double defaultValue) {
        return find(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return find(key).map(v -> parse(key, v, SpendstreamConfig::strictBoolean)).orElse(defaultValue);
    }

    /** An exact decimal ({@code 100}, {@code 0.05}): money and thresholds on money are never read as a double. */
    public BigDecimal getDecimal(String key, BigDecimal defaultValue) {
        return find(key).map(v -> parse(key, v, BigDecimal::new)).orElse(defaultValue);
    }

    /** ISO-8601 ({@code PT1M}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 6h}, {@code 3d}. */
    public Duration getDuration(String key, Duration defaultValue) {
        return find(key).map(v -> parse(key, v, Durations::parse)).orElse(defaultValue);
    }

    /** A copy with some keys set, e.g. for a test or for one app's overrides. */
    public SpendstreamConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new SpendstreamConfig(merged);
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Setting " + key + "=" + value + " is not valid: " + e.getMessage(), e);
        }
    }

    private static boolean strictBoolean(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }
}
