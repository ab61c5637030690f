package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
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
    void shouldTakeTheLiveHeapFromTheLastRequestedFullCollectionOnly() {
        List<String> log = List.of(
                "[76.060s][info][gc] GC(76) Pause Full (Heap Inspection Initiated GC) 470M->111M(377M) 668.023ms",
                "[90.488s][info][gc] GC(99) Pause Full (Diagnostic Command) 247M->118M(400M) 316.336ms",
                "[91.000s][info][gc] GC(100) Pause Young (Normal) (G1 Evacuation Pause) 300M->200M(400M) 9.000ms",
                "[178.283s][info][gc] GC(132) Pause Full (Diagnostic Command) 87M->83M(284M) 326.722ms",
                "[179.000s][info][gc] GC(133) Pause Remark 150M->150M(284M) 2.000ms");
        assertEquals(83L * 1024 * 1024, GcLog.afterLastRequestedFullGc(log));
        assertEquals(-1, GcLog.afterLastRequestedFullGc(log.subList(0, 1)));
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
    void shouldSumTheAppsFiguresWindowByWindowOverTheWindowsAllHave() {
        assertEquals(List.of(11.0, 22.0), BenchReport.sumPerWindow(List.of(List.of(1.0, 2.0, 3.0),
                List.of(10.0, 20.0))));
        assertEquals(List.of(), BenchReport.sumPerWindow(List.of()));
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

    @Test
    void shouldConvertEachStagesProgressToInputEventsThroughTheStagesBefore() {
        // Ingest took 1,000 input events; enrich's input grew by 800 offsets and enrich took all of it (1,000
        // events); attribution's grew by 1,600 and it took half (500 events: it falls behind); anomaly's grew by
        // 100 over those 500 events and it took all: 500 input events went through the pipeline.
        double[] perEvent = Bench.offsetsPerEvent(new long[] {0, 10, 20, 30}, new long[] {1_000, 810, 820, 130},
                new long[] {5_000, 10, 20, 30}, new long[] {6_000, 810, 1_620, 130});
        assertEquals(1.0, perEvent[0]);
        assertEquals(0.8, perEvent[1], 1e-9);
        assertEquals(1.6, perEvent[2], 1e-9);
        assertEquals(0.2, perEvent[3], 1e-9);
        assertEquals(500, 100 / perEvent[3], 1e-6);
        assertEquals(Double.NaN, Bench.offsetsPerEvent(new long[] {0, 0}, new long[] {0, 5}, new long[] {0, 0},
                new long[] {0, 5})[1], "no input event processed: no ratio");
    }

    @Test
    void shouldMoveEveryTimestampOfACopyAndNothingElse() {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "R", "fields": [
                  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "count", "type": "long"},
                  {"name": "until", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]},
                  {"name": "inner", "type": {"type": "record", "name": "I", "fields": [
                    {"name": "start", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}},
                  {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "D", "fields": [
                    {"name": "since", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]}]}}}
                ]}""");
        GenericRecord inner = new GenericData.Record(schema.getField("inner").schema());
        inner.put("start", Instant.ofEpochMilli(1_000));
        Schema itemSchema = schema.getField("items").schema().getElementType();
        GenericRecord set = new GenericData.Record(itemSchema);
        set.put("since", 2_000L);
        GenericRecord unset = new GenericData.Record(itemSchema);
        GenericRecord record = new GenericData.Record(schema);
        record.put("at", Instant.ofEpochMilli(3_000));
        record.put("count", 7L);
        record.put("until", 4_000L);
        record.put("inner", inner);
        record.put("items", new GenericData.Array<>(schema.getField("items").schema(), List.of(set, unset)));

        ShiftedCopies.shift(record, 3_600_000);

        assertEquals(Instant.ofEpochMilli(3_603_000), record.get("at"));
        assertEquals(7L, record.get("count"), "a plain long is no timestamp");
        assertEquals(3_604_000L, record.get("until"));
        assertEquals(Instant.ofEpochMilli(3_601_000), inner.get("start"));
        assertEquals(3_602_000L, set.get("since"));
        assertEquals(null, unset.get("since"));
    }
}
