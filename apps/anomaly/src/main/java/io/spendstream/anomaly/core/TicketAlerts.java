package io.spendstream.anomaly.core;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;

/**
 * The alert of a ticket-severity anomaly of a service (BILL_MISMATCH, UNPROFITABLE_SCALING, LATENCY_REVENUE_LOSS):
 * FIRING on OPEN, RESOLVED on RESOLVED, labelled with severity, service, type and (when known) team. One ticket per
 * anomaly, so UPDATEs have none.
 */
public final class TicketAlerts {

    private TicketAlerts() {
    }

    /**
     * The id of a ticket anomaly that started at {@code start} under {@code dedupKey}: deterministic, so a replay after a
     * crash gives the anomaly the same id.
     */
    public static String anomalyId(String dedupKey, long start) {
        return UUID.nameUUIDFromBytes((dedupKey + "@" + start).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static Alert of(Anomaly anomaly, String team) {
        boolean resolved = anomaly.getState() == AnomalyState.RESOLVED;
        String type = anomaly.getType().name();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("severity", Severity.TICKET.name().toLowerCase(Locale.ROOT));
        labels.put("service", anomaly.getScope());
        labels.put("type", type.toLowerCase(Locale.ROOT));
        if (team != null) {
            labels.put("team", team);
        }
        return Alert.newBuilder()
                .setDedupKey(anomaly.getDedupKey())
                .setStatus(resolved ? AlertStatus.RESOLVED : AlertStatus.FIRING)
                .setSeverity(Severity.TICKET)
                .setAnomalyType(type)
                .setScopeType(anomaly.getScopeType())
                .setScope(anomaly.getScope())
                .setLabels(labels)
                .setSummary(anomaly.getSummary())
                .setStartsAt(anomaly.getStartedAt())
                .setEndsAt(resolved ? anomaly.getEndedAt() : null)
                .setAnomalyIds(List.of(anomaly.getAnomalyId()))
                .build();
    }
}
