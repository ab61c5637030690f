package io.spendstream.anomaly.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Evidence;
import io.spendstream.avro.LatencySensitivity;
import io.spendstream.avro.MarginalCost;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * UNPROFITABLE_SCALING and LATENCY_REVENUE_LOSS on hand-built {@code spend.value} hours through the whole
 * {@link AnomalyApp}: a ticket when marginal cost per request exceeds revenue per request for the configured hours
 * (3 by default) and not for fewer, resolved by the first hour that does not; a latency loss with evidence tickets,
 * a loss without evidence (noise) does not.
 */
class ValueAnomalyTest {

    private static final Instant HOUR0 = Instant.parse("2026-11-20T00:00:00Z");
    private static final String UNPROFITABLE = "unprofitable-scaling:service:render";
    private static final String LATENCY = "latency-revenue-loss:service:checkout";

    private TopologyFixture fixture;
    private TestInputTopic<String, ServiceValue> input;
    private TestOutputTopic<String, Anomaly> anomalies;
    private TestOutputTopic<String, Alert> alerts;

    @BeforeEach
    void start() {
        fixture = TopologyFixture.of(new AnomalyApp(), Map.of(AlertGateSettings.COOLDOWN, "0s"));
        input = fixture.input(fixture.topics().value);
        anomalies = fixture.output(fixture.topics().anomalies);
        alerts = fixture.output(fixture.topics().alerts);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Hour {@code h} of a service with the given marginal cost and revenue per request (10,000 requests). */
    private static ServiceValue hour(String service, int h, String marginal, Evidence marginalEvidence,
            String revenuePerRequest, LatencySensitivity sensitivity) {
        BigDecimal perRequest = new BigDecimal(marginal);
        BigDecimal revenue = new BigDecimal(revenuePerRequest);
        return ServiceValue.newBuilder()
                .setService(service).setHourStart(HOUR0.plus(Duration.ofHours(h)))
                .setHourEnd(HOUR0.plus(Duration.ofHours(h + 1))).setCurrency("USD").setTeam("media").setMinutes(60)
                .setCost(Money.of("100")).setRequests(10_000).setErrors(0).setConversionCount(10)
                .setRevenue(Money.of(revenue.multiply(BigDecimal.valueOf(10_000))))
                .setRevenuePerRequest(Money.of(revenue)).setLatencyP95Ms(300.0)
                .setSensitivity(sensitivity == null ? noEvidence() : sensitivity)
                .setMarginalCost(MarginalCost.newBuilder().setEvidence(marginalEvidence).setMinutes(360)
                        .setWindowHours(6)
                        .setPerRequest(marginalEvidence == Evidence.ESTIMATED ? Money.of(perRequest) : null)
                        .setExceedsRevenuePerRequest(marginalEvidence == Evidence.ESTIMATED
                                && perRequest.compareTo(revenue) > 0)
                        .build())
                .build();
    }

    private static LatencySensitivity noEvidence() {
        return LatencySensitivity.newBuilder().setEvidence(Evidence.NOT_ENOUGH_EVIDENCE)
                .setReason("conversion rate does not move with latency beyond noise").setMinutes(1440)
                .setRequests(1_440_000).setWindowHours(24).setConversionRatePer100Ms(-0.0004).setTValue(-1.1)
                .setBaselineLatencyP95Ms(300.0).build();
    }

    private static LatencySensitivity loss(String effect, String standardError) {
        return LatencySensitivity.newBuilder().setEvidence(Evidence.ESTIMATED).setMinutes(1440)
                .setRequests(1_440_000).setWindowHours(24).setConversionRatePer100Ms(-0.01).setTValue(-20.0)
                .setRevenuePerHourPer100Ms(Money.of("24000")).setStandardError(Money.of("1000"))
                .setLow95(Money.of("22040")).setHigh95(Money.of("25960")).setBaselineLatencyP95Ms(300.0)
                .setRevenueEffect(Money.of(effect)).setRevenueEffectStandardError(Money.of(standardError)).build();
    }

    private void send(ServiceValue value) {
        input.pipeInput(value.getService(), value, value.getHourEnd());
    }

    @Test
    void shouldTicketMarginalCostAboveRevenuePerRequestForThreeHoursInARowAndResolveWhenItStops() {
        for (int h = 0; h < 3; h++) {
            send(hour("render", h, "0.012", Evidence.ESTIMATED, "0.004", null));
            if (h < 2) {
                assertThat(anomalies.isEmpty()).as("hour %s of 3", h + 1).isTrue();
            }
        }
        List<KeyValue<String, Anomaly>> opened = anomalies.readKeyValuesToList();
        assertThat(opened).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(UNPROFITABLE);
            Anomaly a = kv.value;
            assertThat(a.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(a.getType()).isEqualTo(AnomalyType.UNPROFITABLE_SCALING);
            assertThat(a.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(a.getStartedAt()).isEqualTo(HOUR0);
            assertThat(a.getObserved()).isEqualTo(Money.of("0.012"));
            assertThat(a.getExpected()).isEqualTo(Money.of("0.004"));
            // (0.012 - 0.004) x 10,000 requests per hour, three hours.
            assertThat(a.getExcessCostPerHour()).isEqualTo(Money.of("80"));
            assertThat(a.getExcessCost()).isEqualTo(Money.of("240"));
            assertThat(a.getSummary()).isEqualTo("render: one more request costs 0.012 USD (marginal, over 6h) but"
                    + " brings 0.004 USD of revenue; 3 hours in a row since 2026-11-20 00:00Z, 240.00 USD so far");
        });
        assertThat(fixture.meters().get(OpenAnomalies.GAUGE).gauge().value()).isEqualTo(1.0);
        advancePastGroupWait();
        List<Alert> ticket = alerts.readValuesToList();
        assertThat(ticket).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);
        assertThat(ticket.get(0).getSeverity()).isEqualTo(Severity.TICKET);
        assertThat(ticket.get(0).getAnomalyType()).isEqualTo("UNPROFITABLE_SCALING");
        assertThat(ticket.get(0).getLabels()).containsEntry("service", "render").containsEntry("team", "media")
                .containsEntry("type", "unprofitable_scaling");

        send(hour("render", 3, "0.011", Evidence.ESTIMATED, "0.004", null));
        assertThat(anomalies.readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AnomalyState.UPDATE);
            assertThat(a.getAnomalyId()).isEqualTo(opened.get(0).value.getAnomalyId());
            assertThat(a.getPeakObserved()).isEqualTo(Money.of("0.012"));
        });
        send(hour("render", 4, "0.003", Evidence.ESTIMATED, "0.004", null));
        assertThat(anomalies.readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AnomalyState.RESOLVED);
            assertThat(a.getEndedAt()).isEqualTo(HOUR0.plus(Duration.ofHours(4)));
        });
        assertThat(fixture.meters().get(OpenAnomalies.GAUGE).gauge().value()).isEqualTo(0.0);

        advancePastGroupWait();
        assertThat(alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.RESOLVED);
    }

    private void advancePastGroupWait() {
        fixture.driver().advanceWallClockTime(AlertGateSettings.defaults().groupWait().plusSeconds(1));
    }

    @Test
    void shouldNotTicketShorterStreaksGapsProfitableHoursOrAMarginalCostWithoutEvidence() {
        // Two hours above, one below, two above: never three in a row.
        send(hour("render", 0, "0.012", Evidence.ESTIMATED, "0.004", null));
        send(hour("render", 1, "0.012", Evidence.ESTIMATED, "0.004", null));
        send(hour("render", 2, "0.002", Evidence.ESTIMATED, "0.004", null));
        send(hour("render", 3, "0.012", Evidence.ESTIMATED, "0.004", null));
        send(hour("render", 4, "0.012", Evidence.ESTIMATED, "0.004", null));
        // A missing hour (5) breaks the streak too.
        send(hour("render", 6, "0.012", Evidence.ESTIMATED, "0.004", null));
        // A replayed hour is not counted again.
        send(hour("render", 6, "0.012", Evidence.ESTIMATED, "0.004", null));
        // A service whose marginal cost is not known, and one that is profitable.
        for (int h = 0; h < 5; h++) {
            send(hour("thin", h, "0.012", Evidence.NOT_ENOUGH_EVIDENCE, "0.004", null));
            send(hour("shop", h, "0.001", Evidence.ESTIMATED, "0.004", null));
        }
        assertThat(anomalies.readValuesToList()).isEmpty();

        send(hour("render", 7, "0.012", Evidence.ESTIMATED, "0.004", null));
        assertThat(anomalies.isEmpty()).as("hours 6 and 7: two in a row").isTrue();
        send(hour("render", 8, "0.012", Evidence.ESTIMATED, "0.004", null));
        assertThat(anomalies.readValuesToList()).singleElement()
                .satisfies(a -> assertThat(a.getStartedAt()).isEqualTo(HOUR0.plus(Duration.ofHours(6))));
    }

    @Test
    void shouldTicketARevenueLossToLatencyWithEvidenceAndNotNoise() {
        // A day of noise: no evidence, no ticket.
        for (int h = 0; h < 24; h++) {
            send(hour("checkout", h, "0.001", Evidence.ESTIMATED, "0.004", null));
        }
        // An estimated effect within two standard errors of zero, under the minimum loss, or under the minimum share
        // of the hour's revenue: no ticket either.
        send(hour("checkout", 24, "0.001", Evidence.ESTIMATED, "0.004", loss("-400", "250")));
        send(hour("checkout", 25, "0.001", Evidence.ESTIMATED, "0.004", loss("-40", "1")));
        // 400.00 lost of an hour that would have brought 10,400.00: under 5%, the swing of a busy hour.
        send(hour("checkout", 26, "0.001", Evidence.ESTIMATED, "1.00", loss("-400", "10")));
        assertThat(anomalies.readValuesToList()).isEmpty();

        send(hour("checkout", 27, "0.001", Evidence.ESTIMATED, "0.004", loss("-4800", "240")));
        assertThat(anomalies.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(LATENCY);
            assertThat(kv.value.getType()).isEqualTo(AnomalyType.LATENCY_REVENUE_LOSS);
            assertThat(kv.value.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(kv.value.getObserved()).isEqualTo(Money.of("4800"));
            assertThat(kv.value.getSummary()).startsWith("checkout: p95 300 ms against a 300 ms baseline cost about"
                    + " 4800.00 USD of revenue in the hour 2026-11-21 03:00Z (24000.00 USD per hour per +100 ms)");
        });
        send(hour("checkout", 28, "0.001", Evidence.ESTIMATED, "0.004", null));
        assertThat(anomalies.readValuesToList()).extracting(Anomaly::getState).containsExactly(AnomalyState.RESOLVED);
    }
}
