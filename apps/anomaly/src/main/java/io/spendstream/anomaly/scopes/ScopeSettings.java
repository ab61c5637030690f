package io.spendstream.anomaly.scopes;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.spendstream.avro.Contributor;
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
 *
 * <p>A wider scope's spike that one service explains (see {@link #explainedByOneService}) is recorded on
 * {@code spend.anomalies} but does not alert: on-call gets one page per incident, the service's.
 */
public record ScopeSettings(Set<DetectionScope> scopes, double explainedShare) {

    public static final String SCOPES = "spendstream.anomaly.scopes";
    public static final String DEFAULT = "service,team";
    /**
     * A wider scope's anomaly does not alert when, at OPEN, one service carries at least this share of the scope's
     * excess and services are detected too: that service's own cost spike is the alert (above 1: always alert).
     */
    public static final String EXPLAINED_SHARE = SCOPES + ".explained-share";
    public static final double DEFAULT_EXPLAINED_SHARE = 0.9;

    public ScopeSettings {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException(SCOPES + " must name at least one scope");
        }
        if (!(explainedShare > 0)) {
            throw new IllegalArgumentException(EXPLAINED_SHARE + " must be above 0, was " + explainedShare);
        }
        scopes = Set.copyOf(scopes);
    }

    public static ScopeSettings defaults() {
        return new ScopeSettings(parse(DEFAULT), DEFAULT_EXPLAINED_SHARE);
    }

    public static ScopeSettings from(SpendstreamConfig config) {
        return new ScopeSettings(parse(config.find(SCOPES).orElse(DEFAULT)),
                config.getDouble(EXPLAINED_SHARE, DEFAULT_EXPLAINED_SHARE));
    }

    static Set<DetectionScope> parse(String list) {
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
        return scopes;
    }

    public boolean detects(DetectionScope scope) {
        return scopes.contains(scope);
    }

    /**
     * Whether a wider scope's anomaly, with these top contributors in a window of {@code servicesInWindow} services,
     * is one service's spike seen again: services are detected, and either the window holds one service only (the
     * scope's series is that service's, whatever moved) or the first contributor is a service carrying at least
     * {@link #explainedShare} of the excess (one service behind a team's or a SKU's spike).
     */
    public boolean explainedByOneService(List<Contributor> topContributors, int servicesInWindow) {
        if (!detects(DetectionScope.SERVICE)) {
            return false;
        }
        return servicesInWindow == 1 || !topContributors.isEmpty()
                && ScopeWindows.PART_KIND.equals(topContributors.get(0).getKind())
                && topContributors.get(0).getShare() >= explainedShare;
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
