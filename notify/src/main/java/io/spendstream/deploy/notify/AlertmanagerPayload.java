package io.spendstream.deploy.notify;

import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;

/**
 * Turns {@code spend.alerts} records into Alertmanager v2 "postable alerts" ({@code POST /api/v2/alerts} takes a
 * JSON array of them).
 *
 * <p>Labels identify an alert in Alertmanager (it dedups and groups by them), so they carry only stable facts:
 * the alert's own labels (team, service, ...) and, winning over those, {@code alertname} (the anomaly type),
 * {@code severity} (lower case), {@code dedup_key}, {@code scope_type} and {@code scope}. Label names are made
 * valid Prometheus names ({@code [a-zA-Z_][a-zA-Z0-9_]*}) and empty values are left out, since Alertmanager 0.25
 * rejects the first and drops the second. Everything that changes while an alert fires (the summary, the anomaly
 * ids, and the alert's own annotations: {@code excess_per_hour}, {@code incident_cost}, {@code since},
 * {@code contributors}, {@code traffic}, {@code verdict}, burn-rate {@code budget}, {@code windows},
 * {@code driving_scopes}, {@code held_by_silence}) goes into annotations.
 *
 * <p>A FIRING alert gets {@code endsAt} = {@code firingUntil}, a time a few re-posts ahead, as Prometheus does: if
 * the notifier stops re-posting, Alertmanager resolves the alert by itself then, whatever its resolve_timeout.
 * A RESOLVED alert gets its own {@code endsAt} (never before {@code startsAt}, which Alertmanager refuses).
 */
public final class AlertmanagerPayload {

    public static final String ALERTNAME = "alertname";
    public static final String SEVERITY = "severity";
    public static final String DEDUP_KEY = "dedup_key";
    public static final String SCOPE_TYPE = "scope_type";
    public static final String SCOPE = "scope";

    private static final Pattern INVALID_NAME_CHARACTER = Pattern.compile("[^a-zA-Z0-9_]");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AlertmanagerPayload() {
    }

    /** The request body for some alerts, e.g. one alert event or every alert still firing. */
    public static ArrayNode alerts(Collection<Alert> alerts, Instant firingUntil, Instant now) {
        ArrayNode array = NODES.arrayNode();
        alerts.forEach(alert -> array.add(alert(alert, firingUntil, now)));
        return array;
    }

    /**
     * The body for one alert event. When the event changes the labels of a firing alert (its severity escalates, a
     * RESOLVED carries other labels), Alertmanager would see a second alert and keep the first one active until its
     * endsAt; so the superseded label set is ended at {@code now} in the same request.
     */
    public static ArrayNode event(AlertEvent event, Instant firingUntil, Instant now) {
        ArrayNode array = NODES.arrayNode();
        Alert replaced = event.replaced();
        if (replaced != null && !labels(replaced).equals(labels(event.alert()))) {
            array.add(ended(replaced, now));
        }
        array.add(alert(event.alert(), firingUntil, now));
        return array;
    }

    /** A firing alert's label set, ended at {@code now}. */
    static ObjectNode ended(Alert alert, Instant now) {
        return alert(Alert.newBuilder(alert).setStatus(AlertStatus.RESOLVED).setEndsAt(now).build(), now, now);
    }

    /**
     * One postable alert.
     *
     * @param firingUntil endsAt of a FIRING alert
     * @param now         endsAt of a RESOLVED alert that carries none
     */
    public static ObjectNode alert(Alert alert, Instant firingUntil, Instant now) {
        ObjectNode node = NODES.objectNode();
        ObjectNode labels = node.putObject("labels");
        labels(alert).forEach(labels::put);
        ObjectNode annotations = node.putObject("annotations");
        // What on-call acts on (excess per hour, incident cost, since, contributors, traffic, verdict, ...): the
        // anomaly app's own annotations, under valid names; the fixed ones below win over a same-named one.
        alert.getAnnotations().forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                annotations.put(labelName(name), value);
            }
        });
        annotations.put("summary", alert.getSummary());
        annotations.put("description", description(alert));
        if (!alert.getAnomalyIds().isEmpty()) {
            annotations.put("anomaly_ids", String.join(",", alert.getAnomalyIds()));
        }
        Instant startsAt = alert.getStartsAt();
        node.put("startsAt", startsAt.toString());
        Instant endsAt;
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            endsAt = alert.getEndsAt() == null ? now : alert.getEndsAt();
        } else {
            endsAt = firingUntil;
        }
        node.put("endsAt", (endsAt.isBefore(startsAt) ? startsAt : endsAt).toString());
        return node;
    }

    /** The label set, sorted by name; the fixed labels win over the alert's own labels of the same name. */
    static Map<String, String> labels(Alert alert) {
        Map<String, String> labels = new TreeMap<>();
        alert.getLabels().forEach((name, value) -> putIfNotEmpty(labels, labelName(name), value));
        putIfNotEmpty(labels, ALERTNAME, alert.getAnomalyType());
        putIfNotEmpty(labels, SEVERITY, alert.getSeverity().name().toLowerCase(Locale.ROOT));
        putIfNotEmpty(labels, DEDUP_KEY, alert.getDedupKey());
        putIfNotEmpty(labels, SCOPE_TYPE, alert.getScopeType());
        putIfNotEmpty(labels, SCOPE, alert.getScope());
        return labels;
    }

    /** {@code team-name} -> {@code team_name}, {@code 1st} -> {@code _1st}: the Prometheus label name rules. */
    static String labelName(String name) {
        String valid = INVALID_NAME_CHARACTER.matcher(name).replaceAll("_");
        return valid.isEmpty() || Character.isDigit(valid.charAt(0)) ? "_" + valid : valid;
    }

    private static String description(Alert alert) {
        String text = alert.getAnomalyType() + " on " + alert.getScopeType() + " " + alert.getScope() + " ("
                + alert.getSeverity().name().toLowerCase(Locale.ROOT) + ")";
        return alert.getAnomalyIds().isEmpty() ? text : text + "; anomalies " + String.join(", ",
                alert.getAnomalyIds());
    }

    private static void putIfNotEmpty(Map<String, String> labels, String name, CharSequence value) {
        if (value != null && !value.isEmpty()) {
            labels.put(name, value.toString());
        }
    }
}
