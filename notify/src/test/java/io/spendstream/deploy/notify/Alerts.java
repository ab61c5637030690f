package io.spendstream.deploy.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Severity;

/** Alert records for the notifier's tests, shaped like the anomaly app's cost-spike alerts. */
final class Alerts {

    static final Instant STARTED = Instant.parse("2026-11-23T10:05:00Z");
    static final Instant ENDED = Instant.parse("2026-11-23T10:17:00Z");

    private Alerts() {
    }

    static Alert firing(String service) {
        return Alert.newBuilder()
                .setDedupKey("cost-spike:service:" + service)
                .setStatus(AlertStatus.FIRING)
                .setSeverity(Severity.PAGE)
                .setAnomalyType("COST_SPIKE")
                .setScopeType("service")
                .setScope(service)
                .setLabels(Map.of("severity", "page", "service", service, "team", "payments", "type", "cost_spike"))
                .setSummary(service + " cost 12.30 USD/min vs 1.20 expected (+925%)")
                .setStartsAt(STARTED)
                .setEndsAt(null)
                .setAnomalyIds(List.of("a-" + service + "-1"))
                .setAnnotations(annotations(service))
                .build();
    }

    /** The annotations the anomaly app puts on a cost-spike alert (issue 16): what on-call acts on. */
    static Map<String, String> annotations(String service) {
        Map<String, String> annotations = new java.util.LinkedHashMap<>();
        annotations.put("excess_per_hour", "666 USD/h");
        annotations.put("incident_cost", "11.10 USD");
        annotations.put("since", "10:05Z (" + STARTED + ")");
        annotations.put("team", "payments");
        annotations.put("contributors", "resource " + service + "-db-replica +666 USD/h (100%, new), sku db.r6g.4xlarge"
                + " +666 USD/h (100%, new)");
        annotations.put("traffic", "requests flat (6,000 vs 6,000), cost/request 0.00205 vs 0.0002 USD (+925%)");
        annotations.put("verdict", "new-spend");
        return annotations;
    }

    static Alert resolved(String service) {
        return Alert.newBuilder(firing(service))
                .setStatus(AlertStatus.RESOLVED)
                .setSummary(service + " cost back to 1.19 USD/min")
                .setEndsAt(ENDED)
                .build();
    }
}
