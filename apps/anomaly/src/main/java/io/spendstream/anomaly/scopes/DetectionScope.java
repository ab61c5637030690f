package io.spendstream.anomaly.scopes;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the cost-spike detector runs per: each service (the unit-cost records as they come), or a wider scope whose
 * cost per window is the sum of its services' parts: a team (the services it owns), a resource or a SKU (what each
 * service spent on it). The label is the anomaly's {@code scopeType} and the middle of its dedup key
 * ({@code cost-spike:team:payments}).
 */
public enum DetectionScope {
    SERVICE("service"),
    TEAM("team"),
    RESOURCE("resource"),
    SKU("sku");

    private final String label;

    DetectionScope(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The scope a label names, ignoring case and surrounding blanks; a clear error for anything else. */
    public static DetectionScope of(String label) {
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.label.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown detection scope '" + label + "'; expected "
                        + Arrays.stream(values()).map(DetectionScope::label).collect(Collectors.joining(", "))));
    }
}
