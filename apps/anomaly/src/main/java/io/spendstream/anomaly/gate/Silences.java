package io.spendstream.anomaly.gate;

import java.util.Map;
import java.util.Set;

import io.spendstream.anomaly.avro.SilenceRecord;
import io.spendstream.avro.Alert;

/** Which alerts a maintenance silence covers, and when. Pure functions over {@link SilenceRecord}. */
final class Silences {

    static final String ALL = "all";
    static final String SERVICE = "service";
    static final String TEAM = "team";
    static final String BUDGET = "budget";
    static final Set<String> SCOPE_TYPES = Set.of(ALL, SERVICE, TEAM, BUDGET);

    private Silences() {
    }

    /** In force at {@code nowMillis}: {@code startsAt <= now < endsAt}. */
    static boolean active(SilenceRecord silence, long nowMillis) {
        return silence.getStartsAt() <= nowMillis && nowMillis < silence.getEndsAt();
    }

    /**
     * Whether the silence covers this alert (by the alert's labels, after the gate added the service's team): {@code
     * all} covers every alert; {@code service} the alerts labelled with that service (cost spikes, and budgets of
     * {@code service:<name>}); {@code team} those labelled with that team; {@code budget} those of that budget scope
     * (burn rate and stages, e.g. {@code team:payments}).
     */
    static boolean covers(SilenceRecord silence, Alert alert) {
        Map<String, String> labels = alert.getLabels();
        return switch (silence.getScopeType()) {
            case ALL -> true;
            case SERVICE -> silence.getScope().equals(labels.get(SERVICE));
            case TEAM -> silence.getScope().equals(labels.get(TEAM));
            case BUDGET -> silence.getScope().equals(labels.get(BUDGET));
            default -> false;
        };
    }
}
