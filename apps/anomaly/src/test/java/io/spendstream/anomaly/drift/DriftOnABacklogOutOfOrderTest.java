package io.spendstream.anomaly.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.AnomalyAppTest;
import io.spendstream.anomaly.ServiceWindows;
import io.spendstream.anomaly.UnitCostFeed;
import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * Cost-per-request drift on a backlog read out of order, on the whole app: three hours of {@code payments-api} up to
 * the wall clock, its cost rows in order and its APM summaries in two halves, the second half from a partition read
 * at 0.7 of the first's pace (from the second hour on it falls further and further behind). A window then settles at
 * the fixed {@code settle} with half its requests: twice its cost per request. {@code spendstream up} on four
 * partitions opened such a false ticket for payments-api from its history (2026-12-07). That live windows are still
 * judged while a task catches up is {@code DriftLifecycleTest}'s.
 */
class DriftOnABacklogOutOfOrderTest {

    private static final Instant NOW = TopologyFixture.START;
    private static final int HISTORY_MINUTES = 180;
    private static final int SKEW_FROM = 60;
    private static final double SLOW_PACE = 0.7;
    private static final long REQUESTS = 1_000;

    private final Random random = new Random(11);

    @Test
    void shouldJudgeNoHistoryForDriftWhileItsTaskCatchesUpOutOfOrder() {
        // Windows settle with half their requests while the task catches up: skipped, neither judged nor learned.
        assertThat(drift(run(AnomalyAppTest.NO_GROUP_WAIT))).isEmpty();
    }

    @Test
    void shouldHaveOpenedAFalseDriftOnTheBacklogWithoutTheCatchUpWatch() {
        Map<String, String> noHold = new HashMap<>(AnomalyAppTest.NO_GROUP_WAIT);
        noHold.put(AnomalySettings.CATCH_UP_QUIET, "0s");

        // Before the change the first case opened the same: from 08:24, "0.00214 USD vs 0.00103 expected (+108%)".
        assertThat(drift(run(noHold))).filteredOn(a -> a.getState() == AnomalyState.OPEN)
                .extracting(Anomaly::getStartedAt).isNotEmpty()
                .allMatch(start -> start.isBefore(minute(HISTORY_MINUTES - 10)), "history");
    }

    /** The backlog, the rest of its slow half, the catch-up quiet, then ten live minutes as before. */
    private List<Anomaly> run(Map<String, String> config) {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), config)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            fixture.driver().advanceWallClockTime(Duration.ofSeconds(20));
            BigDecimal[] costs = new BigDecimal[HISTORY_MINUTES];
            long[] requests = new long[HISTORY_MINUTES];
            int slow = 0;
            for (int m = 0; m < HISTORY_MINUTES; m++) {
                costs[m] = UnitCostFeed.noisy(random, 1.0, 0.05);
                requests[m] = requests();
                pipe(input, m, costs[m], requests[m] / 2, 30);
                int slowUntil = m < SKEW_FROM ? m : SKEW_FROM + (int) ((m - SKEW_FROM) * SLOW_PACE);
                while (slow <= slowUntil) {
                    pipe(input, slow, costs[slow], requests[slow], 59);
                    slow++;
                }
            }
            while (slow < HISTORY_MINUTES) {
                pipe(input, slow, costs[slow], requests[slow], 59);
                slow++;
            }
            fixture.driver().advanceWallClockTime(CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET
                    .plus(DetectorProcessor.HOLD_RELEASE_CHECK));
            for (int m = HISTORY_MINUTES; m < HISTORY_MINUTES + 10; m++) {
                fixture.driver().advanceWallClockTime(Duration.ofMinutes(1));
                pipe(input, m, UnitCostFeed.noisy(random, 1.0, 0.05), requests(), 59);
            }
            return fixture.output(fixture.topics().anomalies).readValuesToList();
        }
    }

    private static List<Anomaly> drift(List<Anomaly> anomalies) {
        return anomalies.stream().filter(a -> a.getType() == AnomalyType.COST_PER_REQUEST_DRIFT).toList();
    }

    /** About {@link #REQUESTS} a minute, 2% noise. */
    private long requests() {
        return Math.round(REQUESTS * (1 + 0.02 * random.nextGaussian()));
    }

    private static Instant minute(int m) {
        return NOW.minus(Duration.ofMinutes(HISTORY_MINUTES - m));
    }

    /** payments-api's window {@code m} with {@code requests} so far, stamped {@code second} seconds into it. */
    private static void pipe(TestInputTopic<String, UnitCost> input, int m, BigDecimal cost, long requests,
            int second) {
        UnitCost window = ServiceWindows.unitCost("payments-api", minute(m), requests, "db.r6g.large",
                Map.of("db-payments", cost));
        input.pipeInput("payments-api", window, minute(m).plusSeconds(second));
    }
}
