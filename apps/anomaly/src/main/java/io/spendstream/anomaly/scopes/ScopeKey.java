package io.spendstream.anomaly.scopes;

/**
 * One detected series of a wider scope, e.g. team {@code payments}: {@link #key()} {@code team:payments} is its key
 * on the repartition topic and in the stores, and its name in the detector's summaries.
 */
public record ScopeKey(DetectionScope type, String name) {

    private static final char SEPARATOR = ':';

    public ScopeKey {
        if (type == DetectionScope.SERVICE) {
            // A service is detected from the unit-cost records themselves, not through the scope topology.
            throw new IllegalArgumentException("A service is not a wider scope");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A " + type.label() + " scope needs a name");
        }
    }

    public String key() {
        return type.label() + SEPARATOR + name;
    }

    /** The scope a key names; the name may contain the separator itself (only the first one splits). */
    public static ScopeKey parse(String key) {
        int at = key == null ? -1 : key.indexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalArgumentException("Not a scope key (type:name): " + key);
        }
        return new ScopeKey(DetectionScope.of(key.substring(0, at)), key.substring(at + 1));
    }
}
