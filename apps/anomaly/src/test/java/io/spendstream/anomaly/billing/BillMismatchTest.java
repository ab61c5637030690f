package io.spendstream.anomaly.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * BILL_MISMATCH on hand-built {@code spend.reconciliation} records through the whole {@link AnomalyApp}: a service
 * whose bill differs from its metered estimate by more than the threshold (10% and 1.00 by default) gets one TICKET,
 * judged per hour over its SKUs; estimates within a few percent of the bill raise nothing; a restated bill that
 * reconciles resolves it.
 */
class BillMismatchTest {

    private static final Instant HOUR = Instant.parse("2026-11-20T10:00:00Z");
    private static final String KEY = "bill-mismatch:service:checkout";

    @Test
    void shouldTicketAServiceWhoseBillIsOffItsEstimateByMoreThanTheThresholdAndNoOther() {
        try (Harness h = new Harness()) {
            // search: 4% and -5% off on two SKUs: within the threshold.
            h.send(reconciliation("search", "vm", HOUR, "10.00", "9.60"));
            h.send(reconciliation("search", "egress", HOUR, "5.00", "5.25"));
            // checkout: one SKU 30% above its estimate, the other exact: 16.00 billed vs 13.00 estimated, +23%.
            h.send(reconciliation("checkout", "vm", HOUR, "10.00", "13.00"));
            h.send(reconciliation("checkout", "egress", HOUR, "3.00", "3.00"));

            List<KeyValue<String, Anomaly>> anomalies = h.anomalies.readKeyValuesToList();
            assertThat(anomalies).extracting(kv -> kv.key).containsExactly(KEY, KEY);
            Anomaly open = anomalies.get(0).value;
            assertThat(open.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(open.getType()).isEqualTo(AnomalyType.BILL_MISMATCH);
            assertThat(open.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(open.getScope()).isEqualTo("checkout");
            assertThat(open.getObserved()).isEqualTo(Money.of("13.00"));
            assertThat(open.getExpected()).isEqualTo(Money.of("10.00"));
            assertThat(open.getSummary()).isEqualTo("checkout's bill for 2026-11-20 10:00Z is 30% above its metered "
                    + "estimate (13.00 vs 10.00 USD); 1 hour mismatched, 3.00 USD off so far");
            Anomaly update = anomalies.get(1).value;
            assertThat(update.getState()).isEqualTo(AnomalyState.UPDATE);
            assertThat(update.getObserved()).isEqualTo(Money.of("16.00"));
            assertThat(update.getExpected()).isEqualTo(Money.of("13.00"));
            assertThat(update.getExcessCost()).isEqualTo(Money.of("3.00"));
            assertThat(update.getTopContributors()).extracting(Contributor::getName).containsExactly("vm", "egress");
            assertThat(update.getAnomalyId()).isEqualTo(open.getAnomalyId());

            h.advancePastGroupWait();
            assertThat(h.alerts.readKeyValuesToList()).singleElement().satisfies(kv -> {
                assertThat(kv.key).isEqualTo(KEY);
                assertThat(kv.value.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(kv.value.getSeverity()).isEqualTo(Severity.TICKET);
                assertThat(kv.value.getAnomalyType()).isEqualTo("BILL_MISMATCH");
                assertThat(kv.value.getLabels()).containsEntry("service", "checkout").containsEntry("team", "payments")
                        .containsEntry("type", "bill_mismatch").containsEntry("severity", "ticket");
            });
            assertThat(h.openGauge()).isEqualTo(1.0);
        }
    }

    @Test
    void shouldResolveWhenARestatedBillReconcilesTheLastMismatchedHour() {
        try (Harness h = new Harness()) {
            h.send(reconciliation("checkout", "vm", HOUR, "10.00", "13.00"));
            h.send(reconciliation("checkout", "vm", HOUR.plus(Duration.ofHours(1)), "10.00", "12.00"));
            h.send(reconciliation("checkout", "vm", HOUR, "10.00", "10.20"));
            assertThat(h.anomalies.readValuesToList()).extracting(Anomaly::getState)
                    .containsExactly(AnomalyState.OPEN, AnomalyState.UPDATE, AnomalyState.UPDATE);
            h.advancePastGroupWait();
            assertThat(h.alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);

            h.send(reconciliation("checkout", "vm", HOUR.plus(Duration.ofHours(1)), "10.00", "10.00"));

            Anomaly resolved = h.anomalies.readValue();
            assertThat(resolved.getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(resolved.getEndedAt()).isEqualTo(HOUR.plus(Duration.ofHours(2)));
            assertThat(resolved.getExcessCost()).isEqualTo(Money.ZERO);
            h.advancePastGroupWait();
            assertThat(h.alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.RESOLVED);
            assertThat(h.openGauge()).isZero();
        }
    }

    @Test
    void shouldIgnoreUnbilledHoursAndSmallDifferences() {
        try (Harness h = new Harness()) {
            Reconciliation unbilled = reconciliation("checkout", "vm", HOUR, "10.00", "0");
            unbilled.setStatus("UNBILLED");
            h.send(unbilled);
            // 50% off, but only 0.50: below the minimum difference.
            h.send(reconciliation("tiny", "vm", HOUR, "0.50", "1.00"));

            assertThat(h.anomalies.isEmpty()).isTrue();
            assertThat(h.fixture.count(BillMismatchProcessor.NOT_BILLED, "stage", "anomaly")).isEqualTo(1.0);
        }
    }

    @Test
    void shouldReadItsThresholdAndMinimumDifferenceFromTheConfiguration() {
        BillMismatchSettings settings = BillMismatchSettings.from(new SpendstreamConfig(Map.of(
                BillMismatchSettings.THRESHOLD, "2.5", BillMismatchSettings.MIN_DIFFERENCE, "0")));
        // The share is of the bill, as spend.reconciliation's errorPercent.
        assertThat(settings.mismatches(new BigDecimal("97.5"), new BigDecimal("100"))).isTrue();
        assertThat(settings.mismatches(new BigDecimal("102.5"), new BigDecimal("100"))).isTrue();
        assertThat(settings.mismatches(new BigDecimal("97.6"), new BigDecimal("100"))).isFalse();
        assertThat(settings.mismatches(new BigDecimal("1"), BigDecimal.ZERO)).as("nothing billed").isFalse();
        assertThatThrownBy(() -> BillMismatchSettings.from(new SpendstreamConfig(Map.of(
                BillMismatchSettings.THRESHOLD, "0")))).hasMessageContaining(BillMismatchSettings.THRESHOLD);
    }

    private static Reconciliation reconciliation(String service, String sku, Instant hour, String estimated,
            String billed) {
        BigDecimal e = Money.of(estimated);
        BigDecimal b = Money.of(billed);
        return Reconciliation.newBuilder()
                .setService(service)
                .setTeam(service.equals("checkout") ? "payments" : null)
                .setSku(sku)
                .setWindowStart(hour)
                .setWindowEnd(hour.plus(Duration.ofHours(1)))
                .setEstimated(e)
                .setBilled(b)
                .setDifference(Money.of(e.subtract(b)))
                .setCurrency("USD")
                .setStatus("BILLED")
                .build();
    }

    private static final class Harness implements AutoCloseable {
        final TopologyFixture fixture;
        final TestInputTopic<String, Reconciliation> input;
        final TestOutputTopic<String, Anomaly> anomalies;
        final TestOutputTopic<String, Alert> alerts;

        Harness() {
            Map<String, String> settings = new HashMap<>(Map.of(AlertGateSettings.COOLDOWN, "0s"));
            fixture = TopologyFixture.of(new AnomalyApp(), settings);
            input = fixture.input(fixture.topics().reconciliation);
            anomalies = fixture.output(fixture.topics().anomalies);
            alerts = fixture.output(fixture.topics().alerts);
        }

        void send(Reconciliation reconciliation) {
            input.pipeInput(reconciliation.getService(), reconciliation, reconciliation.getWindowStart());
        }

        /** A service's first alert waits the gate's group wait for its team's page to group under. */
        void advancePastGroupWait() {
            fixture.driver().advanceWallClockTime(AlertGateSettings.defaults().groupWait().plusSeconds(1));
        }

        double openGauge() {
            return fixture.meters().get(OpenAnomalies.GAUGE).gauge().value();
        }

        @Override
        public void close() {
            fixture.close();
        }
    }
}
