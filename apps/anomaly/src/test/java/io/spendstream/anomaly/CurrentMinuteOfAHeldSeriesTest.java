package io.spendstream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * A series held by the catch-up hold that gets an update of the minute the wall clock is in, while its task still
 * reads history out of order: the update says that one of its sources has reached the present, not that all have.
 * {@code spendstream up} on four partitions (2026-12-07) met exactly this: its GPU-pool incident begins 15 s after
 * the demo's history is sent, while the partitions still deliver it, and is paged only after the task's catch-up quiet
 * (74 s after it began instead of 27 s on one partition). Releasing a held series on its current minute paged it after
 * 41 s, but had replayed history whose other half was still on its way: recommendations' expected cost was learned
 * at 0.48 USD/min instead of 0.94, and false COST_DROP tickets opened for search, platform-network, payments-api and
 * their teams. The hold therefore ends by the task's quiet only, whatever a series' own updates say.
 */
class CurrentMinuteOfAHeldSeriesTest {

    private static final Instant NOW = TopologyFixture.START;
    private static final int HISTORY_MINUTES = 60;
    private static final Map<String, String> SERVICE_ONLY_NO_GROUP_WAIT = Map.of(ScopeSettings.SCOPES, "service",
            AlertGateSettings.GROUP_WAIT, "0s");

    @Test
    void shouldKeepHoldingASeriesWhoseCurrentMinuteArrivesBeforeItsOtherSourceDeliveredItsHistory() {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), SERVICE_ONLY_NO_GROUP_WAIT)) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            TestOutputTopic<String, Anomaly> anomalies = fixture.output(fixture.topics().anomalies);
            Random random = new Random(7);
            fixture.driver().advanceWallClockTime(Duration.ofSeconds(20));
            BigDecimal[] fastHalves = new BigDecimal[HISTORY_MINUTES + 1];
            // The fast partition's half of recommendations' hour, and checkout's history a few minutes out of order:
            // the task is catching up.
            for (int m = 0; m < HISTORY_MINUTES; m++) {
                fastHalves[m] = half(random);
                pipe(input, "recommendations", m, fastHalves[m]);
                pipe(input, "checkout", m, half(random));
                if (m >= 3) {
                    pipe(input, "checkout", m - 3, half(random).add(half(random)));
                }
            }
            // 20 s into the current minute its first row comes through the fast partition.
            fastHalves[HISTORY_MINUTES] = half(random);
            pipe(input, "recommendations", HISTORY_MINUTES, fastHalves[HISTORY_MINUTES]);
            // Then the slow partition's half of the hour, and of the current minute.
            for (int m = 0; m <= HISTORY_MINUTES; m++) {
                pipe(input, "recommendations", m, fastHalves[m].add(half(random)));
            }
            fixture.driver().advanceWallClockTime(CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET
                    .plus(DetectorProcessor.HOLD_RELEASE_CHECK));
            // Live from now on, both halves of each minute.
            for (int m = HISTORY_MINUTES + 1; m <= HISTORY_MINUTES + 5; m++) {
                fixture.driver().advanceWallClockTime(Duration.ofMinutes(1));
                pipe(input, "recommendations", m, half(random).add(half(random)));
                pipe(input, "checkout", m, half(random).add(half(random)));
            }

            // Every window was whole when it was judged and learned: nothing to tell.
            assertThat(anomalies.readValuesToList()).filteredOn(a -> a.getState() == AnomalyState.OPEN)
                    .extracting(Anomaly::getSummary).isEmpty();
        }
    }

    /** Half a minute of a service at about 0.94 USD a minute. */
    private static BigDecimal half(Random random) {
        return BigDecimal.valueOf(0.47 * (1 + 0.03 * random.nextGaussian())).setScale(6, RoundingMode.HALF_EVEN);
    }

    /** An update of {@code service}'s minute {@code m} (minute {@link #HISTORY_MINUTES} is the wall clock's). */
    private static void pipe(TestInputTopic<String, UnitCost> input, String service, int m, BigDecimal soFar) {
        Instant start = NOW.minus(Duration.ofMinutes(HISTORY_MINUTES - m));
        UnitCost window = UnitCostFeed.unitCost(service, start, soFar);
        window.setCoveredUntil(start.plusSeconds(60));
        input.pipeInput(service, window, start);
    }
}
