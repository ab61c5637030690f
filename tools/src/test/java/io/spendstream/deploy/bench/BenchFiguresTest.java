package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How the benchmark reads its raw figures: GC logs, Prometheus heap gauges, medians and percentiles. */
class BenchFiguresTest {

    @Test
    void shouldTakeHeapPeaksFromTheBeforeAndAfterOfEveryPause() {
        GcLog.Peaks peaks = GcLog.parse(List.of(
                "[0.010s][info][gc] Using G1",
                "[1.234s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 23M->4M(256M) 3.456ms",
                "[2.345s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 1G->300M(1024M) 9.000ms",
                "[3.456s][info][gc] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 512K->256K(256M) 1.000ms"));
        assertEquals(1024L * 1024 * 1024, peaks.beforeGcBytes());
        assertEquals(300L * 1024 * 1024, peaks.afterGcBytes());
    }

    @Test
    void shouldReportUnknownHeapWhenNoCollectionRan() {
        assertEquals(new GcLog.Peaks(-1, -1), GcLog.parse(List.of("[0.010s][info][gc] Using G1")));
    }

    @Test
    void shouldSumTheHeapPoolsOfAPrometheusScrape() {
        String scrape = """
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{application="a",area="heap",id="G1 Eden Space"} 1000.0
                jvm_memory_used_bytes{application="a",area="heap",id="G1 Old Gen"} 2500.0
                jvm_memory_used_bytes{application="a",area="nonheap",id="Metaspace"} 99999.0
                """;
        assertEquals(3500, HeapScrape.sumHeap(scrape));
        assertEquals(-1, HeapScrape.sumHeap("process_uptime_seconds 3.0"));
    }

    @Test
    void shouldTakeMediansAndNearestRankPercentiles() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
        List<Double> hundred = java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList();
        assertEquals(50.0, Stats.percentile(hundred, 50));
        assertEquals(95.0, Stats.percentile(hundred, 95));
        assertEquals(99.0, Stats.percentile(hundred, 99));
        assertEquals(7.0, Stats.percentile(List.of(7.0), 99));
    }

    @Test
    void shouldGiveTheSpreadOfRepeatsAsRangeOverMedian() {
        assertEquals(20.0, Stats.spreadPercent(List.of(90.0, 100.0, 110.0)), 1e-9);
        assertEquals(0.0, Stats.spreadPercent(List.of(5.0)));
        assertEquals(Double.NaN, Stats.spreadPercent(List.of()));
    }

    @Test
    void shouldCallAPhaseSteadyOnlyWhenCompiledAndSustained() {
        assertEquals(true, new BenchReport.Steady("p", 9.9, 60, 3).compiled());
        assertEquals(false, new BenchReport.Steady("p", 10, 60, 3).compiled());
        assertEquals(true, new BenchReport.Steady("p", 5, 60, 3).sustained());
        assertEquals(false, new BenchReport.Steady("p", 5, 59.9, 3).sustained());
    }
}
