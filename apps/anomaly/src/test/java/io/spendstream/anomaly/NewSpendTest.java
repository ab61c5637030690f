package io.spendstream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.detector.EstateWarmup;
import io.spendstream.anomaly.detector.NewSpendSettings;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * New spend (the new-spend rule of {@code CostSpikeLifecycle}): a series without a baseline in an estate watched for
 * an hour is judged on its rate per hour. Per-minute rows as FOCUS exports write them: one update per window, stamped
 * at the minute's start, covering the whole minute ({@code coveredUntil}).
 */
class NewSpendTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final Map<String, String> SERVICE_ONLY_NO_GROUP_WAIT = Map.of(ScopeSettings.SCOPES, "service",
            AlertGateSettings.GROUP_WAIT, "0s");

    @Test
    void shouldPageABrandNewServiceAt500PerHourWithinTwoMinutesButNotASmallOneNorTheEstateAtColdStart() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            var alerts = fixture.output(fixture.topics().alerts);
            // First start of Spendstream on an existing estate: every service is new, one burns 720 USD/h.
            Map<String, Double> estate = Map.of("warehouse", 720.0, "checkout", 60.0, "search", 180.0,
                    "ci-nightly", 30.0);
            for (int m = 0; m < 70; m++) {
                for (Map.Entry<String, Double> service : estate.entrySet()) {
                    minute(input, service.getKey(), m, service.getValue());
                }
            }
            assertThat(anomalies.readValuesToList()).isEmpty();
            assertThat(alerts.readValuesToList()).isEmpty();

            // An hour later: a forgotten GPU fleet at 500 USD/h, a CI storm at 50 USD/h, a cron job at 5 USD/h.
            for (int m = 70; m < 75; m++) {
                for (Map.Entry<String, Double> service : estate.entrySet()) {
                    minute(input, service.getKey(), m, service.getValue());
                }
                minute(input, "gpu-batch", m, 500.0);
                minute(input, "ci-storm", m, 50.0);
                minute(input, "cron", m, 5.0);
            }
            List<Anomaly> events = anomalies.readValuesToList();
            List<Alert> fired = alerts.readValuesToList();

            Anomaly gpu = events.stream().filter(a -> a.getScope().equals("gpu-batch")).findFirst().orElseThrow();
            assertThat(gpu.getState()).isEqualTo(AnomalyState.OPEN);
            assertThat(gpu.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(gpu.getStartedAt()).isEqualTo(minute(70));
            // Opened on the first update of its second minute: 1 minute of stream time after it appeared.
            assertThat(gpu.getObservedAt()).isBeforeOrEqualTo(minute(72));
            assertThat(gpu.getExpected()).isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(gpu.getExcessCostPerHour()).isBetween(new BigDecimal("499.99"), new BigDecimal("500.01"));
            assertThat(gpu.getSummary()).contains("new spend");
            assertThat(fired).filteredOn(a -> a.getDedupKey().equals("cost-spike:service:gpu-batch"))
                    .extracting(Alert::getStatus, Alert::getSeverity)
                    .first().isEqualTo(org.assertj.core.groups.Tuple.tuple(AlertStatus.FIRING, Severity.PAGE));

            assertThat(events).filteredOn(a -> a.getScope().equals("ci-storm"))
                    .extracting(Anomaly::getState, Anomaly::getSeverity).first()
                    .isEqualTo(org.assertj.core.groups.Tuple.tuple(AnomalyState.OPEN, Severity.TICKET));
            assertThat(events).extracting(Anomaly::getScope).doesNotContain("cron", "warehouse", "checkout",
                    "search", "ci-nightly");
        }
    }

    @Test
    void shouldNotTakeServicesWhoseHistoryArrivesAfterAnotherTeamsLongerHistoryForNewSpend() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            // As the demo sends it: three hours of one service's history first, then the last hour of two others'.
            for (int m = 0; m < 180; m++) {
                minute(input, "checkout", m, 40.0);
            }
            for (int m = 120; m < 180; m++) {
                minute(input, "recommendations", m, 60.0);
                minute(input, "search", m, 500.0);
            }
            assertThat(anomalies.readValuesToList()).as("history caught up is not spend burning now").isEmpty();

            // Live again, a service that really is new.
            for (int m = 180; m < 183; m++) {
                for (String service : List.of("checkout", "recommendations", "search")) {
                    minute(input, service, m, service.equals("checkout") ? 40.0 : service.equals("search") ? 500.0
                            : 60.0);
                }
                minute(input, "gpu-batch", m, 500.0);
            }
            assertThat(anomalies.readValuesToList()).filteredOn(a -> a.getState() == AnomalyState.OPEN)
                    .extracting(Anomaly::getScope).containsExactly("gpu-batch");
        }
    }

    @Test
    void shouldNotTakeASeriesHeldBackByALaggingSourceForNewSpend() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            for (int m = 0; m < 100; m++) {
                minute(input, "checkout", m, 40.0);
            }
            // Then the same 100 minutes of a service whose cost rows come from two upstream partitions, as a skewed
            // backlog delivers them: one at full pace, the other at a tenth of it (90 minutes behind by the end).
            // Its settle horizon opens with the lag, so it learns (almost) nothing: no baseline when its fast
            // source's windows reach the live edge (before the fix: a new-spend OPEN at minute 88). It is history
            // caught up, not a service born there.
            BigDecimal half = BigDecimal.valueOf(60.0).divide(BigDecimal.valueOf(60), 12, RoundingMode.HALF_EVEN);
            int slow = 0;
            for (int m = 0; m < 100; m++) {
                window(input, "warehouse", m, half);
                if (m % 10 == 9) {
                    window(input, "warehouse", slow, half.add(half));
                    slow++;
                }
            }
            assertThat(anomalies.readValuesToList()).as("a held-back series is not a new one").isEmpty();
        }
    }

    /**
     * Issue 17's broker must-show failed once this way (four partitions, CI load): a service of the estate whose first
     * updates at its detector task came two hours into the backlog, one of its two rows per minute each, while its
     * earlier history was still on its way, opened a new-spend PAGE ("vs 0 expected (new spend)") although it had
     * been there from the estate's first minute. Here its task reads the rest of the estate in order, so nothing it
     * has seen is out of order yet and the catch-up hold has not engaged when those two windows arrive.
     */
    @Test
    void shouldNotTakeAServiceWhoseLaterHistoryOvertakesItsEarlierHistoryForNewSpend() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            for (int m = 0; m < BACKLOG_MINUTES; m++) {
                backlogMinute(input, "checkout", m, 40.0);
                backlogMinute(input, "search", m, 180.0);
                if (m >= OVERTAKING_FROM) {
                    // billing-etl's first updates: one of its two rows a minute, its history before them not in yet.
                    backlogWindow(input, "billing-etl", m, perMinute(BILLING_ETL_PER_HOUR / 2));
                }
            }
            assertThat(anomalies.readValuesToList()).as("history arriving out of order is not new spend")
                    .extracting(Anomaly::getSummary).isEmpty();

            // The rest of its history: now out of order, the task holds it and replays it in order after the quiet.
            for (int m = 0; m < BACKLOG_MINUTES; m++) {
                backlogWindow(input, "billing-etl", m, perMinute(BILLING_ETL_PER_HOUR));
            }
            fixture.driver().advanceWallClockTime(CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET
                    .plus(DetectorProcessor.HOLD_RELEASE_CHECK));
            assertThat(anomalies.readValuesToList()).as("the backlog read and replayed")
                    .extracting(Anomaly::getSummary).isEmpty();

            assertThat(openedByTheLiveEstate(input, anomalies)).containsExactly("gpu-batch");
        }
    }

    /**
     * The other way the same false page can come: the catch-up hold engaged, a service held with only its later
     * windows in (one of two rows each), then no update out of order for the catch-up quiet (a stall of the sources,
     * e.g. under CPU load): the hold ends by the wall clock and the held windows are replayed before the service's
     * earlier history arrived.
     */
    @Test
    void shouldNotTakeAServiceReleasedFromItsCatchUpHoldBeforeItsEarlierHistoryArrivedForNewSpend() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            BigDecimal searchHalf = perMinute(90.0);
            for (int m = 0; m < BACKLOG_MINUTES; m++) {
                backlogMinute(input, "checkout", m, 40.0);
                // search's second row of each minute arrives three minutes late: the task is catching up.
                backlogWindow(input, "search", m, searchHalf);
                if (m >= 3) {
                    backlogWindow(input, "search", m - 3, searchHalf.add(searchHalf));
                }
                if (m >= OVERTAKING_FROM) {
                    backlogWindow(input, "billing-etl", m, perMinute(BILLING_ETL_PER_HOUR / 2));
                }
            }
            // The sources stall for longer than the quiet: every held series is released by the wall clock.
            fixture.driver().advanceWallClockTime(CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET
                    .plus(DetectorProcessor.HOLD_RELEASE_CHECK));
            assertThat(anomalies.readValuesToList()).as("a hold ended before the history arrived")
                    .extracting(Anomaly::getSummary).isEmpty();

            for (int m = 0; m < BACKLOG_MINUTES; m++) {
                backlogWindow(input, "billing-etl", m, perMinute(BILLING_ETL_PER_HOUR));
                if (m >= BACKLOG_MINUTES - 3) {
                    backlogWindow(input, "search", m, searchHalf.add(searchHalf));
                }
            }
            fixture.driver().advanceWallClockTime(CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET
                    .plus(DetectorProcessor.HOLD_RELEASE_CHECK));
            assertThat(anomalies.readValuesToList()).as("the backlog read")
                    .extracting(Anomaly::getSummary).isEmpty();

            assertThat(openedByTheLiveEstate(input, anomalies)).containsExactly("gpu-batch");
        }
    }

    /**
     * The price of judging no history as new spend: a service born inside a backlog long enough before its end has
     * learned a baseline from it when the live minutes come, and is not told as new. One born less than the warm-up
     * windows plus {@code settle} before the end has none yet and still pages on its first live minutes.
     */
    @Test
    void shouldStillPageAServiceBornAtTheEndOfABacklogButNotOneThatLearnedABaselineFromIt() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            var anomalies = fixture.output(fixture.topics().anomalies);
            // Two hours read in order up to the wall clock: its last ten minutes are live.
            int minutes = 120;
            Instant start = T0.minus(Duration.ofMinutes(minutes));
            for (int m = 0; m < minutes; m++) {
                Instant at = start.plusSeconds(60L * m);
                pipe(input, "checkout", at, perMinute(40.0));
                if (m >= 60) {
                    pipe(input, "ci-storm", at, perMinute(500.0));
                }
                if (m >= minutes - 15) {
                    pipe(input, "gpu-batch", at, perMinute(500.0));
                }
            }
            List<Anomaly> opened = anomalies.readValuesToList().stream()
                    .filter(a -> a.getState() == AnomalyState.OPEN).toList();

            assertThat(opened).extracting(Anomaly::getScope).containsExactly("gpu-batch");
            Anomaly gpu = opened.get(0);
            assertThat(gpu.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(gpu.getSummary()).contains("new spend");
            // On its first live minute (the first that ended at most settle before the wall clock) and the one before.
            assertThat(gpu.getObservedAt()).isEqualTo(start.plusSeconds(60L * (minutes - 11)));
        }
    }

    /**
     * Two live minutes (at the wall clock) of the estate    /**
     * Two live minutes (at the wall clock) of the estate and of a brand-new service at 500 USD/h: the services
     * opened (the new one pages at once: the backlog before did not make the rule deaf).
     */
    private static List<String> openedByTheLiveEstate(TestInputTopic<String, UnitCost> input,
            org.apache.kafka.streams.TestOutputTopic<String, Anomaly> anomalies) {
        for (int m = 0; m < 2; m++) {
            minute(input, "checkout", m, 40.0);
            minute(input, "search", m, 180.0);
            minute(input, "billing-etl", m, BILLING_ETL_PER_HOUR);
            minute(input, "gpu-batch", m, 500.0);
        }
        return anomalies.readValuesToList().stream().filter(a -> a.getState() == AnomalyState.OPEN)
                .map(Anomaly::getScope).toList();
    }

    @Test
    void shouldJudgeNewSpendOnlyOnLiveUpdates() {
        EstateWarmup estate = new EstateWarmup(NewSpendSettings.defaults(), Duration.ofMinutes(10));
        long start = T0.toEpochMilli();
        estate.observe(start);
        estate.observe(start + 7_200_000L);

        assertThat(estate.judgesNewSpendAt(start + 7_200_000L)).isTrue();
        assertThat(estate.judgesNewSpendAt(start + 7_200_000L - 600_000L)).as("10 minutes behind: live").isTrue();
        assertThat(estate.judgesNewSpendAt(start + 7_200_000L - 660_000L)).as("11 minutes behind").isFalse();
        assertThat(estate.judgesNewSpendAt(start + 3_000_000L)).as("before the warm-up ended").isFalse();
    }

    @Test
    void shouldCountTheEstateWarmUpInEventTimeAndSeedItFromARestoredStore() {
        EstateWarmup cold = new EstateWarmup(NewSpendSettings.defaults(), Duration.ofMinutes(10));
        long start = T0.toEpochMilli();
        // A backlog read out of order: what counts is the earliest event time seen, not the order.
        cold.observe(start + 3_000_000L);
        cold.observe(start);
        assertThat(cold.isWarm(start + 3_000_000L)).isFalse();
        assertThat(cold.isWarm(start + 3_600_000L)).isTrue();

        EstateWarmup restarted = new EstateWarmup(NewSpendSettings.defaults(), Duration.ofMinutes(10));
        restarted.seed(3_600_000L);
        assertThat(restarted.isWarm(start)).isTrue();

        EstateWarmup off = new EstateWarmup(new NewSpendSettings(BigDecimal.ONE, BigDecimal.TEN,
                Duration.ZERO), Duration.ofMinutes(10));
        off.observe(start);
        assertThat(off.isWarm(start + 86_400_000L)).isFalse();
    }

    /** A backlog of history: its minutes start this long before the wall clock (the fixture's start). */
    private static final int BACKLOG_MINUTES = 120;
    private static final Instant BACKLOG_START = T0.minus(Duration.ofHours(3));
    /** Where billing-etl's first updates come from: two hours into the backlog (the estate warm by then). */
    private static final int OVERTAKING_FROM = 108;
    private static final double BILLING_ETL_PER_HOUR = 246.0;

    private static BigDecimal perMinute(double perHour) {
        return BigDecimal.valueOf(perHour).divide(BigDecimal.valueOf(60), 12, RoundingMode.HALF_EVEN);
    }

    /** An update of {@code service}'s backlog window {@code m}: its cost so far, covering the minute. */
    private static void backlogWindow(TestInputTopic<String, UnitCost> input, String service, int m,
            BigDecimal soFar) {
        pipe(input, service, BACKLOG_START.plusSeconds(60L * m), soFar);
    }

    /** An update of {@code service}'s window from {@code start}: its cost so far, covering the minute. */
    private static void pipe(TestInputTopic<String, UnitCost> input, String service, Instant start,
            BigDecimal soFar) {
        UnitCost window = UnitCostFeed.unitCost(service, start, soFar);
        window.setCoveredUntil(start.plusSeconds(60));
        input.pipeInput(service, window, start);
    }

    private static void backlogMinute(TestInputTopic<String, UnitCost> input, String service, int m, double perHour) {
        backlogWindow(input, service, m, perMinute(perHour));
    }

    private static Instant minute(int m) {
        return T0.plusSeconds(60L * m);
    }

    /** An update of {@code service}'s window {@code m}: its cost so far, covering the minute. */
    private static void window(TestInputTopic<String, UnitCost> input, String service, int m, BigDecimal soFar) {
        pipe(input, service, minute(m), soFar);
    }

    /** One minute of {@code service} at {@code perHour}, one per-minute row covering the minute. */
    private static void minute(TestInputTopic<String, UnitCost> input, String service, int m, double perHour) {
        window(input, service, m, perMinute(perHour));
    }
}
