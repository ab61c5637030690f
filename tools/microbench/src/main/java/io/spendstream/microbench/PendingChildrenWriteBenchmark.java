package io.spendstream.microbench;

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

import io.spendstream.anomaly.avro.ChildCostRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.contributors.PendingChildrenSerde;

/**
 * One pending window of a series' contributor baselines written as the anomaly app's write-back store writes it at
 * each commit that changed it ({@link PendingChildrenSerde#write}: the commonest state record of the app, one per
 * window an update changed, in three stores), and read back as a restore or an evicted series reads it. The
 * window lists {@code children} resources and SKUs (half each) with costs as the app keeps them
 * ({@link SampleChildren#cost}, compact as Money keeps them). Run with {@code -prof gc} for the bytes allocated per operation, which the machine's load
 * does not move.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PendingChildrenWriteBenchmark {

    private static final long START = 1_700_000_000_000L;

    @Param({"2", "20"})
    public int children;

    private final PendingChildrenSerde serde = new PendingChildrenSerde();
    private PendingChildrenRecord window;
    private byte[] written;

    @Setup
    public void setUp() {
        List<ChildCostRecord> costs = new ArrayList<>(children);
        for (int c = 0; c < children; c++) {
            costs.add(new ChildCostRecord(SampleChildren.kind(c), SampleChildren.name(c), SampleChildren.cost(c)));
        }
        window = new PendingChildrenRecord(START, START + 60_000L, START + 59_000L, costs);
        written = serde.write(window);
    }

    @Benchmark
    public byte[] write() {
        return serde.write(window);
    }

    @Benchmark
    public PendingChildrenRecord read() {
        return serde.read(written);
    }
}
