package io.spendstream.anomaly.scopes;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Which scopes the cost-spike detector runs per: {@code spendstream.anomaly.scopes}, a comma list of
 * {@code service}, {@code team}, {@code resource}, {@code sku}; default {@value #DEFAULT}.
 *
 * <p>Why that default: a team is a sum of a few services, so its state is one detector per team and its CPU one
 * repartitioned record per unit-cost update (about what the service detector costs again); it catches what no
 * single service shows, a spread increase across a team's services. A resource or SKU scope sends one record per
 * child listed on every update (up to 20 of each kind plus the remainder) and keeps a detector per resource or SKU,
 * so it multiplies the app's records and state by up to ~20: opt-in (figures in the anomaly README).
 */
public record ScopeSettings(Set<DetectionScope> scopes) {

    public static final String SCOPES = "spendstream.anomaly.scopes";
    public static final String DEFAULT = "service,team";

    public ScopeSettings {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException(SCOPES + " must name at least one scope");
        }
        scopes = Set.copyOf(scopes);
    }

    public static ScopeSettings defaults() {
        return parse(DEFAULT);
    }

    public static ScopeSettings from(SpendstreamConfig config) {
        return parse(config.find(SCOPES).orElse(DEFAULT));
    }

    static ScopeSettings parse(String list) {
        Set<DetectionScope> scopes = EnumSet.noneOf(DetectionScope.class);
        for (String label : list.split(",")) {
            if (!label.isBlank()) {
                try {
                    scopes.add(DetectionScope.of(label));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Setting " + SCOPES + "=" + list + ": " + e.getMessage(), e);
                }
            }
        }
        return new ScopeSettings(scopes);
    }

    public boolean detects(DetectionScope scope) {
        return scopes.contains(scope);
    }

    /** The configured scopes other than service: those the scope topology detects. */
    public Set<DetectionScope> widerScopes() {
        return scopes.stream().filter(s -> s != DetectionScope.SERVICE)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DetectionScope.class)));
    }

    @Override
    public String toString() {
        return Arrays.stream(DetectionScope.values()).filter(scopes::contains).map(DetectionScope::label)
                .collect(Collectors.joining(","));
    }
}
