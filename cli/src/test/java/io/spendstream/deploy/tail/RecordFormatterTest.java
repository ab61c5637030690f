package io.spendstream.deploy.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.Evidence;
import io.spendstream.avro.LatencySensitivity;
import io.spendstream.avro.MarginalCost;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.SloFigures;
import io.spendstream.avro.Severity;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

class RecordFormatterTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:05:00Z");

    @Test
    void shouldShowTheTopContributorOfAnAnomalyOnItsLine() {
        Anomaly anomaly = anomaly(List.of(
                contributor("resource", "gpu-recs-pool", "0.52", "0.07", 0.9712),
                contributor("sku", "g5.xlarge", "0.52", "0.07", 1.0)));

        String line = RecordFormatter.format("cost-spike:service:recommendations", anomaly);

        assertThat(line).contains("service=recommendations").contains("top=resource:gpu-recs-pool(+0.45,97%)")
                .endsWith("| recommendations cost spike").doesNotContain("\n");
    }

    @Test
    void shouldShowTheChildThatFellMostWithItsNegativeExcessOnADropsLine() {
        Anomaly drop = anomaly(List.of(contributor("resource", "db-checkout", "0.01", "0.51", 0.62)));
        drop.setType(AnomalyType.COST_DROP);

        assertThat(RecordFormatter.format("cost-drop:service:checkout", drop)).contains(" COST_DROP ")
                .contains("top=resource:db-checkout(-0.5,62%)");
    }

    @Test
    void shouldShowADashWhenAnAnomalyHasNoContributor() {
        assertThat(RecordFormatter.format("k", anomaly(List.of()))).contains(" top=- |");
    }

    @Test
    void shouldShowTheCostliestResourceOfAUnitCostWindow() {
        UnitCost window = UnitCost.newBuilder().setService("checkout").setWindowStart(AT)
                .setWindowEnd(AT.plusSeconds(60)).setWindowSize("PT1M").setCurrency("USD").setCost(Money.of("1.5"))
                .setRequests(0).setErrors(0).setRevenue(Money.ZERO).setMargin(Money.of("-1.5")).setCostRecords(3)
                .setApmRecords(0).setChildren(List.of(child("resource", "db-checkout", "1.2", false),
                        child("resource", "(other)", "0.3", true), child("sku", "db.r6g.large", "1.2", false)))
                .build();

        assertThat(RecordFormatter.format("checkout", window)).endsWith(" top-resource=db-checkout=1.20");
    }

    private static Anomaly anomaly(List<Contributor> contributors) {
        return Anomaly.newBuilder().setAnomalyId("id").setDedupKey("cost-spike:service:recommendations")
                .setState(AnomalyState.OPEN).setType(AnomalyType.COST_SPIKE).setSeverity(Severity.PAGE)
                .setScopeType("service").setScope("recommendations").setCurrency("USD").setStartedAt(AT)
                .setObservedAt(AT).setObserved(Money.of("0.6")).setExpected(Money.of("0.1"))
                .setPeakObserved(Money.of("0.6")).setExcessCost(Money.of("0.5")).setExcessCostPerHour(Money.of("30"))
                .setScore(0.999).setTopContributors(contributors).setSummary("recommendations cost spike").build();
    }

    private static Contributor contributor(String kind, String name, String observed, String expected,
            double share) {
        return Contributor.newBuilder().setKind(kind).setName(name).setObserved(Money.of(observed))
                .setExpected(Money.of(expected)).setExcess(Money.of(observed).subtract(Money.of(expected)))
                .setShare(share).build();
    }

    private static ChildCost child(String kind, String name, String cost, boolean remainder) {
        return ChildCost.newBuilder().setKind(kind).setName(name).setCost(Money.of(cost)).setRemainder(remainder)
                .build();
    }

    @Test
    void shouldShowAReconciledHoursEstimateBillAndErrorOnOneLine() {
        Reconciliation hour = Reconciliation.newBuilder()
                .setService("checkout").setSku("SQS.REQUESTS")
                .setWindowStart(Instant.parse("2026-11-22T09:00:00Z")).setWindowEnd(Instant.parse("2026-11-22T10:00:00Z"))
                .setEstimated(Money.of("0.40")).setBilled(Money.of("0.42")).setDifference(Money.of("-0.02"))
                .setErrorPercent(new java.math.BigDecimal("-4.761905")).setCurrency("USD").setStatus("BILLED").build();
        assertThat(RecordFormatter.format("checkout", hour)).isEqualTo("2026-11-22 09:00:00Z BILLED   checkout"
                + "         sku=SQS.REQUESTS estimated=0.4 billed=0.42 diff=-0.02 error=-4.76% USD");
    }

    @Test
    void shouldShowAnHoursValueFiguresAndSayWhenEvidenceIsThin() {
        ServiceValue hour = ServiceValue.newBuilder()
                .setService("checkout").setHourStart(Instant.parse("2026-11-23T10:00:00Z"))
                .setHourEnd(Instant.parse("2026-11-23T11:00:00Z")).setCurrency("USD").setMinutes(60)
                .setCost(Money.of("24.00")).setRequests(60_000).setErrors(120).setConversionCount(4_800)
                .setRevenue(Money.of("192000")).setRevenuePerRequest(Money.of("3.2")).setLatencyP95Ms(452.4)
                .setSensitivity(LatencySensitivity.newBuilder().setEvidence(Evidence.ESTIMATED).setMinutes(1440)
                        .setRequests(1_440_000).setWindowHours(24).setRevenuePerHourPer100Ms(Money.of("24000.4"))
                        .setLow95(Money.of("21900")).setHigh95(Money.of("26100")).setBaselineLatencyP95Ms(301.2)
                        .setRevenueEffect(Money.of("-4810.555")).build())
                .setMarginalCost(MarginalCost.newBuilder().setEvidence(Evidence.NOT_ENOUGH_EVIDENCE)
                        .setReason("requests did not vary").setMinutes(360).setWindowHours(6).build())
                .setSlo(SloFigures.newBuilder().setLatencyThresholdMs(400.0).setCompliantRequests(30_000)
                        .setAttainment(0.5).setCostPerCompliantRequest(Money.of("0.0008")).setBadRequests(30_000)
                        .setErrorBudgetBurnt(Money.of("50")).setErrorBudgetCost(Money.of("12")).build())
                .build();
        assertThat(RecordFormatter.format("checkout", hour)).isEqualTo("2026-11-23 10:00:00Z VALUE checkout"
                + "         cost=24.00 USD requests=60000 p95=452ms revenue/request=3.20 | latency: 24000.40 USD/h per +100ms"
                + " (95% 21900.00..26100.00; 1440 min) effect=-4810.56 vs p95 301ms | marginal not enough evidence"
                + " (requests did not vary) | SLO 50.00% cost/compliant=0.0008 error-budget burnt=50.00x costing 12.00");
    }
}
