package io.spendstream.microbench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.spendstream.anomaly.avro.ChildBaselineRecord;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.contributors.ContributorBaselinesSerde;
import io.spendstream.schemas.Money;

/**
 * A series' contributor baselines written as the anomaly app's write-back store writes them at each commit in which
 * one of its windows settled ({@link ContributorBaselinesSerde#write}: the baselines and the starts of its ten
 * pending windows, the windows themselves in their own store), and read back as a restore or an evicted series
 * reads them. {@code baselines}: children with a baseline, half resources, half SKUs (at most 50 of each kind by
 * default). Run with {@code -prof gc} for the bytes allocated per operation, which the machine's load does not move.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContributorBaselinesWriteBenchmark {

    private static final long MINUTE = 60_000L;
    private static final long START = 1_700_000_000_000L;
    private static final int PENDING = 10;

    @Param({"10", "100"})
    public int baselines;

    private final ContributorBaselinesSerde serde = new ContributorBaselinesSerde();
    private ContributorBaselinesRecord state;
    private byte[] written;

    @Setup
    public void setUp() {
        List<ChildBaselineRecord> kept = new ArrayList<>(baselines);
        for (int c = 0; c < baselines; c++) {
            kept.add(new ChildBaselineRecord(SampleChildren.kind(c), SampleChildren.name(c), SampleChildren.cost(c),
                    Money.compact(new BigDecimal("0.00" + (17 + c) + "7654321")), 1_000L + c));
        }
        List<PendingChildrenRecord> pending = new ArrayList<>(PENDING);
        List<Long> starts = new ArrayList<>(PENDING);
        for (int w = 0; w < PENDING; w++) {
            long start = START + w * MINUTE;
            pending.add(new PendingChildrenRecord(start, start + MINUTE, start + MINUTE - 1, List.of()));
            starts.add(start);
        }
        state = new ContributorBaselinesRecord(START - MINUTE, 2_880L, kept, pending, 4_096L, starts);
        written = serde.write(state);
    }

    @Benchmark
    public byte[] write() {
        return serde.write(state);
    }

    @Benchmark
    public ContributorBaselinesRecord read() {
        return serde.read(written);
    }
}
