package io.spendstream.anomaly.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Severity;

/**
 * {@link AlertGate}'s re-delivery of an alert already sent, on the refreshes of its UPDATEs: once at once on a rise
 * of more than 1.5x, then at most once per 5 minutes, never on a fall, never into a silence.
 */
class AlertGateRedeliveryTest {

    private static final long T0 = Instant.parse("2026-11-23T11:30:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private final AlertGate gate = new AlertGate(new AlertGateSettings(Duration.ZERO, Duration.ofSeconds(10),
            Duration.ZERO));
    private final GateState state = new GateState();
    private boolean silenced;
    private final AlertGate.Lookups lookups = new AlertGate.Lookups() {
        @Override
        public Optional<String> teamOf(String service) {
            return Optional.of("data");
        }

        @Override
        public Optional<Alert> openParent(String parentDedupKey) {
            return Optional.empty();
        }

        @Override
        public boolean silenced(Alert alert, long nowMillis) {
            return silenced;
        }
    };

    @Test
    void shouldResendOnceAtOnceOnARiseThenAtMostEveryFiveMinutes() {
        Alert opened = sent(gate.onAlert(state, firing("102 USD/h", false), T0, T0, lookups));
        assertThat(opened.getLabels()).containsEntry("team", "data");

        // 102 -> 340: more than 1.5x, the first re-delivery goes out at once, same labels and severity.
        Alert resent = sent(gate.onAlert(state, firing("340 USD/h", true), T0 + MINUTE, T0 + MINUTE, lookups));
        assertThat(resent.getLabels()).isEqualTo(opened.getLabels());
        assertThat(resent.getSeverity()).isEqualTo(Severity.PAGE);
        assertThat(resent.getAnnotations()).containsEntry("excess_per_hour", "340 USD/h")
                .containsEntry(AlertGate.FIGURES_UPDATED, "11:31Z (2026-11-23T11:31:00Z)")
                .doesNotContainKey(AnomalyRecords.REFRESH);
        assertThat(resent.getSummary()).endsWith("(figures updated 11:31Z: excess was 102 USD/h when first sent)");

        // 340 -> 1,190 a minute later: within 5 minutes of the re-delivery, held back; figures kept for later.
        assertThat(gate.onAlert(state, firing("1,190 USD/h", true), T0 + 2 * MINUTE, T0 + 2 * MINUTE, lookups)
                .emitted()).isEmpty();
        // A fall is never re-sent.
        assertThat(gate.onAlert(state, firing("95 USD/h", true), T0 + 7 * MINUTE, T0 + 7 * MINUTE, lookups)
                .emitted()).isEmpty();
        // Nor a rise into a silence.
        silenced = true;
        assertThat(gate.onAlert(state, firing("1,190 USD/h", true), T0 + 8 * MINUTE, T0 + 8 * MINUTE, lookups)
                .emitted()).isEmpty();
        silenced = false;
        // Five minutes after the last re-delivery, the rise over what was sent (340) goes out.
        Alert later = sent(gate.onAlert(state, firing("1,190 USD/h", true), T0 + 9 * MINUTE, T0 + 9 * MINUTE,
                lookups));
        assertThat(later.getAnnotations()).containsEntry("excess_per_hour", "1,190 USD/h");
        // A small rise over that (under 1.5x) is not.
        assertThat(gate.onAlert(state, firing("1,500 USD/h", true), T0 + 20 * MINUTE, T0 + 20 * MINUTE, lookups)
                .emitted()).isEmpty();
    }

    @Test
    void shouldResolveTheResentAlertUnderTheSameLabels() {
        Alert opened = sent(gate.onAlert(state, firing("102 USD/h", false), T0, T0, lookups));
        sent(gate.onAlert(state, firing("340 USD/h", true), T0 + MINUTE, T0 + MINUTE, lookups));

        Alert resolved = sent(gate.onAlert(state, Alert.newBuilder(firing("0 USD/h", false))
                .setStatus(AlertStatus.RESOLVED).setEndsAt(Instant.ofEpochMilli(T0 + 5 * MINUTE)).build(),
                T0 + 5 * MINUTE, T0 + 5 * MINUTE, lookups));

        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getLabels()).isEqualTo(opened.getLabels());
    }

    private static Alert sent(AlertGate.Decision decision) {
        assertThat(decision.emitted()).as("an alert sent").isPresent();
        return decision.emitted().get().alert();
    }

    private static Alert firing(String excessPerHour, boolean refresh) {
        Map<String, String> annotations = new HashMap<>(Map.of("excess_per_hour", excessPerHour));
        if (refresh) {
            annotations.put(AnomalyRecords.REFRESH, "true");
        }
        return Alert.newBuilder()
                .setDedupKey("cost-spike:service:recommendations")
                .setStatus(AlertStatus.FIRING)
                .setSeverity(Severity.PAGE)
                .setAnomalyType("COST_SPIKE")
                .setScopeType("service")
                .setScope("recommendations")
                .setLabels(Map.of("severity", "page", "service", "recommendations", "type", "cost_spike"))
                .setSummary("recommendations cost ~" + excessPerHour + " excess")
                .setStartsAt(Instant.ofEpochMilli(T0))
                .setAnomalyIds(List.of("cost-spike:service:recommendations:" + T0))
                .setAnnotations(annotations)
                .build();
    }
}
