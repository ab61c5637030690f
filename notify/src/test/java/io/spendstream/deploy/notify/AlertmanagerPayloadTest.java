package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.spendstream.avro.Alert;

class AlertmanagerPayloadTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:10:00Z");
    private static final Instant FIRING_UNTIL = NOW.plusSeconds(240);

    @Test
    void shouldMapAFiringAlertToLabelsAnnotationsAndAnEndsAtAheadOfNow() {
        JsonNode alert = AlertmanagerPayload.alert(Alerts.firing("checkout"), FIRING_UNTIL, NOW);

        assertThat(labels(alert)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "alertname", "COST_SPIKE",
                "severity", "page",
                "dedup_key", "cost-spike:service:checkout",
                "scope_type", "service",
                "scope", "checkout",
                "service", "checkout",
                "team", "payments",
                "type", "cost_spike"));
        assertThat(alert.get("annotations").get("summary").textValue())
                .isEqualTo("checkout cost 12.30 USD/min vs 1.20 expected (+925%)");
        assertThat(alert.get("annotations").get("description").textValue())
                .isEqualTo("COST_SPIKE on service checkout (page); anomalies a-checkout-1");
        assertThat(alert.get("annotations").get("anomaly_ids").textValue()).isEqualTo("a-checkout-1");
        assertThat(alert.get("startsAt").textValue()).isEqualTo("2026-11-23T10:05:00Z");
        assertThat(alert.get("endsAt").textValue()).isEqualTo("2026-11-23T10:14:00Z");
    }

    @Test
    void shouldForwardTheAlertsAnnotationsWithoutLettingThemReplaceTheSummary() {
        Alert alert = Alert.newBuilder(Alerts.firing("checkout")).setAnnotations(Map.of(
                "excess_per_hour", "190 USD/h", "verdict", "new-spend", "contributors",
                "resource db-replica-1 +190 USD/h (100%, new)", "summary", "not this one", "bad-name", "x")).build();

        JsonNode annotations = AlertmanagerPayload.alert(alert, FIRING_UNTIL, NOW).get("annotations");

        assertThat(annotations.get("excess_per_hour").textValue()).isEqualTo("190 USD/h");
        assertThat(annotations.get("verdict").textValue()).isEqualTo("new-spend");
        assertThat(annotations.get("contributors").textValue()).isEqualTo("resource db-replica-1 +190 USD/h (100%, new)");
        assertThat(annotations.get("bad_name").textValue()).isEqualTo("x");
        assertThat(annotations.get("summary").textValue()).isEqualTo(alert.getSummary());
    }

    @Test
    void shouldGiveAResolvedAlertItsOwnEndsAtWithTheSameLabels() {
        JsonNode firing = AlertmanagerPayload.alert(Alerts.firing("checkout"), FIRING_UNTIL, NOW);
        JsonNode resolved = AlertmanagerPayload.alert(Alerts.resolved("checkout"), FIRING_UNTIL, NOW);

        assertThat(resolved.get("endsAt").textValue()).isEqualTo("2026-11-23T10:17:00Z");
        assertThat(resolved.get("startsAt").textValue()).isEqualTo("2026-11-23T10:05:00Z");
        // Same label set = the same alert to Alertmanager, which is what makes the RESOLVED close the FIRING one.
        assertThat(resolved.get("labels")).isEqualTo(firing.get("labels"));
        assertThat(resolved.get("annotations").get("summary").textValue()).isEqualTo("checkout cost back to 1.19 "
                + "USD/min");
    }

    @Test
    void shouldResolveAtNowWhenAResolvedAlertHasNoEndsAtAndNeverEndBeforeItStarts() {
        Alert noEnd = Alert.newBuilder(Alerts.resolved("checkout")).setEndsAt(null).build();
        Alert endsBeforeStart = Alert.newBuilder(Alerts.resolved("checkout"))
                .setEndsAt(Alerts.STARTED.minusSeconds(60)).build();

        assertThat(AlertmanagerPayload.alert(noEnd, FIRING_UNTIL, NOW).get("endsAt").textValue())
                .isEqualTo(NOW.toString());
        assertThat(AlertmanagerPayload.alert(endsBeforeStart, FIRING_UNTIL, NOW).get("endsAt").textValue())
                .isEqualTo(Alerts.STARTED.toString());
    }

    @Test
    void shouldMakeLabelNamesValidLetFixedLabelsWinAndDropEmptyValues() {
        Alert alert = Alert.newBuilder(Alerts.firing("checkout"))
                .setLabels(Map.of("cost-center", "cc-42", "1st.owner", "ana", "alertname", "spoofed", "empty", ""))
                .setAnomalyIds(List.of())
                .build();

        Map<String, String> labels = labels(AlertmanagerPayload.alert(alert, FIRING_UNTIL, NOW));

        assertThat(labels).containsEntry("cost_center", "cc-42").containsEntry("_1st_owner", "ana")
                .containsEntry("alertname", "COST_SPIKE").doesNotContainKey("empty");
        assertThat(labels.keySet()).allMatch(name -> name.matches("[a-zA-Z_][a-zA-Z0-9_]*"));
        assertThat(AlertmanagerPayload.alert(alert, FIRING_UNTIL, NOW).get("annotations").has("anomaly_ids"))
                .isFalse();
    }

    @Test
    void shouldPostSeveralAlertsAsOneArray() {
        ArrayNode body = AlertmanagerPayload.alerts(List.of(Alerts.firing("checkout"), Alerts.firing("search")),
                FIRING_UNTIL, NOW);

        assertThat(body).hasSize(2);
        assertThat(body.get(1).get("labels").get("scope").textValue()).isEqualTo("search");
    }

    @Test
    void shouldEndTheOldLabelSetWhenAnEscalationChangesTheLabels() {
        Alert ticket = Alert.newBuilder(Alerts.firing("checkout")).setSeverity(io.spendstream.avro.Severity.TICKET)
                .setLabels(Map.of("team", "payments", "severity", "ticket")).build();
        Alert page = Alerts.firing("checkout");

        ArrayNode escalated = AlertmanagerPayload.event(new AlertEvent(page, "t-0@1", ticket), FIRING_UNTIL, NOW);
        ArrayNode same = AlertmanagerPayload.event(new AlertEvent(page, "t-0@2", page), FIRING_UNTIL, NOW);
        ArrayNode first = AlertmanagerPayload.event(new AlertEvent(page, "t-0@0", null), FIRING_UNTIL, NOW);

        assertThat(escalated).hasSize(2);
        assertThat(escalated.get(0).get("labels").get("severity").textValue()).isEqualTo("ticket");
        assertThat(escalated.get(0).get("endsAt").textValue()).isEqualTo(NOW.toString());
        assertThat(escalated.get(1).get("labels").get("severity").textValue()).isEqualTo("page");
        assertThat(escalated.get(1).get("endsAt").textValue()).isEqualTo(FIRING_UNTIL.toString());
        assertThat(same).hasSize(1);
        assertThat(first).hasSize(1);
    }

    private static Map<String, String> labels(JsonNode alert) {
        Map<String, String> labels = new java.util.TreeMap<>();
        alert.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().textValue()));
        return labels;
    }
}
