package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.FreePorts;

/**
 * The inhibit rules of deploy/alertmanager/alertmanager.yml on a real Alertmanager: a cost page inhibits the ticket
 * with its dedup key, {@code SpendstreamAppDown} inhibits its component's not-running alert, and neither touches an
 * alert without those labels (another team's ticket from Prometheus has no dedup_key: with a bare
 * {@code equal: [dedup_key]} it was inhibited by every page without one). The example's routes and inhibit rules
 * are used as they are; only its receivers are replaced by ones that send nothing (no request to PagerDuty).
 */
class AlertmanagerInhibitionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldInhibitOnlyTicketsWithThePagesDedupKeyAndNeverAnotherTeamsTicketWithoutOne() throws Exception {
        AlertmanagerProcess.assumeInstalled();
        try (AlertmanagerProcess alertmanager = AlertmanagerProcess.start(dir, FreePorts.next(),
                exampleConfigWithSilentReceivers())) {
            List<Map<String, String>> alerts = List.of(
                    // Prometheus: a platform page without dedup_key, and another team's ticket without one.
                    Map.of("alertname", "SpendstreamAppDown", "severity", "page", "team", "platform",
                            "component", "anomaly", "pod", "spendstream-anomaly-0"),
                    Map.of("alertname", "PaymentsQueueBacklog", "severity", "ticket", "team", "payments"),
                    Map.of("alertname", "SpendstreamAppNotRunning", "severity", "ticket", "team", "platform",
                            "component", "anomaly", "pod", "spendstream-anomaly-0"),
                    // spendstream notify: a cost page and the ticket of the same scope before its escalation.
                    Map.of("alertname", "COST_SPIKE", "severity", "page", "team", "payments",
                            "dedup_key", "cost-spike:service:checkout"),
                    Map.of("alertname", "COST_SPIKE", "severity", "ticket", "team", "payments",
                            "dedup_key", "cost-spike:service:checkout"),
                    Map.of("alertname", "COST_SPIKE", "severity", "ticket", "team", "search",
                            "dedup_key", "cost-spike:service:search"));
            alertmanager.post(payload(alerts));

            // Inhibition is evaluated when the alerts are read; the positive cases show the rules are in effect.
            await("the scoped cost ticket and the component's not-running ticket inhibited")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(state(alertmanager, "COST_SPIKE", "cost-spike:service:checkout", "ticket"))
                                .isEqualTo("suppressed");
                        assertThat(state(alertmanager, "SpendstreamAppNotRunning", null, "ticket"))
                                .isEqualTo("suppressed");
                    });
            assertThat(state(alertmanager, "PaymentsQueueBacklog", null, "ticket"))
                    .as("another team's ticket without dedup_key while SpendstreamAppDown pages").isEqualTo("active");
            assertThat(state(alertmanager, "COST_SPIKE", "cost-spike:service:search", "ticket"))
                    .as("a ticket with another dedup key").isEqualTo("active");
            assertThat(state(alertmanager, "SpendstreamAppDown", null, "page")).isEqualTo("active");
            assertThat(state(alertmanager, "COST_SPIKE", "cost-spike:service:checkout", "page")).isEqualTo("active");
        }
    }

    /** deploy/alertmanager/alertmanager.yml with each receiver reduced to its name. */
    private static String exampleConfigWithSilentReceivers() throws Exception {
        Path example = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
                .resolve("../deploy/alertmanager/alertmanager.yml").normalize();
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode config = (ObjectNode) yaml.readTree(example.toFile());
        assertThat(config.path("inhibit_rules").size()).as("inhibit rules in %s", example).isEqualTo(2);
        ArrayNode receivers = yaml.createArrayNode();
        config.get("receivers").forEach(r -> receivers.addObject().put("name", r.get("name").asText()));
        config.set("receivers", receivers);
        return yaml.writeValueAsString(config);
    }

    private static String payload(List<Map<String, String>> labelSets) throws Exception {
        Instant now = Instant.now();
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Map<String, String> labels : labelSets) {
            alerts.add(Map.of("labels", labels, "annotations", Map.of("summary", labels.get("alertname")),
                    "startsAt", now.toString(), "endsAt", now.plus(Duration.ofHours(1)).toString()));
        }
        return JSON.writeValueAsString(alerts);
    }

    /** The status.state (active, suppressed) of the one alert with these labels. */
    private static String state(AlertmanagerProcess alertmanager, String alertname, String dedupKey, String severity)
            throws Exception {
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode alert : alertmanager.alerts()) {
            JsonNode labels = alert.path("labels");
            boolean sameKey = dedupKey == null ? labels.path("dedup_key").isMissingNode()
                    : dedupKey.equals(labels.path("dedup_key").asText());
            if (alertname.equals(labels.path("alertname").asText()) && severity.equals(labels.path("severity")
                    .asText()) && sameKey) {
                matching.add(alert);
            }
        }
        assertThat(matching).as("alerts %s %s %s in Alertmanager", alertname, severity, dedupKey).hasSize(1);
        return matching.get(0).at("/status/state").asText();
    }
}
