package io.spendstream.anomaly.scopes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.anomaly.detector.Transition;
import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.TrafficContext;

/**
 * The anomaly and alert records of a wider scope's cost spike. The scope runs the service detector's lifecycle with
 * its {@link ScopeKey#key()} ({@code team:payments}) as the series name, so {@link AnomalyRecords} writes them as if
 * for a service of that name (summary {@code team:payments cost ...}); this puts the scope where it belongs: dedup
 * key {@code cost-spike:team:payments} (the type prefix kept as the detector wrote it), {@code scopeType} {@code
 * team}, {@code scope} {@code payments}, the fallback contributor of kind {@code team}, and the alert label
 * {@code team=payments} instead of {@code service=...}. Going through {@link AnomalyRecords} rather than beside it
 * keeps one definition of what an anomaly and its alert say. Pure functions.
 */
public final class ScopedRecords {

    private ScopedRecords() {
    }

    /** The event of a scope's transition; {@code services}: the scope's parts that moved most, may be empty. */
    public static Anomaly anomaly(ScopeKey scope, Transition transition, List<Contributor> services) {
        return anomaly(scope, transition, services, null);
    }

    /**
     * As {@link #anomaly(ScopeKey, Transition, List)}, with the scope's traffic context ({@code null}: none, e.g. a
     * resource or SKU scope); a spike then gets its verdict as a service's does.
     */
    public static Anomaly anomaly(ScopeKey scope, Transition transition, List<Contributor> services,
            TrafficContext traffic) {
        Anomaly asService = AnomalyRecords.anomaly(transition, services, null, traffic);
        String serviceDedupKey = asService.getDedupKey();
        String asServiceSuffix = AnomalyRecords.SCOPE_TYPE + ":" + scope.key();
        if (!serviceDedupKey.endsWith(asServiceSuffix)) {
            throw new IllegalStateException("Dedup key " + serviceDedupKey + " does not end with " + asServiceSuffix);
        }
        String dedupKey = serviceDedupKey.substring(0, serviceDedupKey.length() - asServiceSuffix.length())
                + scope.key();
        return Anomaly.newBuilder(asService)
                .setDedupKey(dedupKey)
                .setAnomalyId(dedupKey + asService.getAnomalyId().substring(serviceDedupKey.length()))
                .setScopeType(scope.type().label())
                .setScope(scope.name())
                .setTopContributors(asService.getTopContributors().stream().map(c -> self(c, scope)).toList())
                .build();
    }

    /** The alert the event raises or clears, labelled with its scope ({@code team=payments}) instead of a service. */
    public static Optional<Alert> alert(Anomaly anomaly, boolean escalated) {
        return AnomalyRecords.alert(anomaly, escalated).map(alert -> {
            Map<String, String> labels = new LinkedHashMap<>(alert.getLabels());
            labels.remove(AnomalyRecords.SCOPE_TYPE);
            labels.put(anomaly.getScopeType(), anomaly.getScope());
            return Alert.newBuilder(alert).setLabels(labels).build();
        });
    }

    /** The fallback contributor names the series itself: that is the scope, not a service. */
    private static Contributor self(Contributor contributor, ScopeKey scope) {
        if (AnomalyRecords.SCOPE_TYPE.equals(contributor.getKind()) && scope.key().equals(contributor.getName())) {
            return Contributor.newBuilder(contributor).setKind(scope.type().label()).setName(scope.name()).build();
        }
        return contributor;
    }
}
