package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LatencyRunTest {

    @Test
    void shouldTimeEachProbeBetweenTwoOfItsEffectsOverTheProbesBothSaw() {
        LatencyRun.Result cost = new LatencyRun.Result("cost", List.of(100.0, 300.0, 50.0),
                Map.of(0L, 100.0, 1L, 300.0, 2L, 50.0), 4);
        LatencyRun.Result unitCost = new LatencyRun.Result("unit-cost", List.of(700.0, 320.0, 900.0),
                Map.of(0L, 700.0, 1L, 320.0, 3L, 900.0), 4);

        LatencyRun.Result between = cost.until(unitCost, "attribution");

        // Probe 2 never reached unit-cost and probe 3's cost line was not seen: neither has a time between the two.
        assertEquals(Map.of(0L, 600.0, 1L, 20.0), between.byProbe());
        assertEquals(List.of(600.0, 20.0), between.latenciesMs());
        assertEquals(4, between.sent());
        assertEquals("attribution", between.name());
        assertEquals(600.0, between.percentile(99));
    }

    @Test
    void shouldNeverReportANegativeTimeWhenTheLaterEffectWasReadInTheSamePoll() {
        LatencyRun.Result first = new LatencyRun.Result("a", List.of(80.0), Map.of(0L, 80.0), 1);
        LatencyRun.Result second = new LatencyRun.Result("b", List.of(79.0), Map.of(0L, 79.0), 1);

        assertEquals(List.of(0.0), first.until(second, "b").latenciesMs());
    }
}
