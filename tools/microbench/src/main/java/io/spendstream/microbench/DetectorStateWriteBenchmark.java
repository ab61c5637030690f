package io.spendstream.microbench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.DetectorSettings;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.PendingWindow;
import io.spendstream.anomaly.detector.PendingWindows;
import io.spendstream.anomaly.state.DetectorStateSerde;
import io.spendstream.schemas.Money;

/**
 * A series' detector state written as the anomaly app's write-back store writes it at each commit that changed it
 * ({@link DetectorStateSerde#write}): a baseline learned over two days, with {@code pending} windows pending (10 in
 * order, 120 while a settle horizon is open to two hours, 1,440 while a catch-up hold keeps a day). Run with
 * {@code -prof gc} for the bytes allocated per write, which the machine's load does not move.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorStateWriteBenchmark {

    private static final long MINUTE = 60_000L;
    private static final long START = 1_700_000_000_000L;

    @Param({"10", "120", "1440"})
    public int pending;

    private final DetectorStateSerde serde = new DetectorStateSerde();
    private DetectorState state;

    @Setup
    public void setUp() {
        CostDetector detector = new CostDetector(DetectorSettings.defaults());
        Baseline baseline = detector.newBaseline();
        SplittableRandom random = new SplittableRandom(5);
        int learned = 2 * 1440;
        for (int i = 0; i < learned; i++) {
            detector.learn(baseline, START + i * MINUTE, 1.0 + 0.1 * (random.nextDouble() - 0.5));
        }
        List<PendingWindow> windows = new ArrayList<>(pending);
        for (int i = 0; i < pending; i++) {
            long start = START + (learned + i) * MINUTE;
            windows.add(new PendingWindow(start, start + MINUTE, Money.of("1.012345678901"), "USD",
                    start + MINUTE - 1, i < pending - 1));
        }
        state = new DetectorState(baseline, PendingWindows.of(windows, START + learned * MINUTE), null,
                DetectorState.NEVER_RESOLVED, DetectorState.ALWAYS_IN_ORDER, DetectorState.NOTHING_JUDGED);
    }

    @Benchmark
    public byte[] write() {
        return serde.write(state);
    }
}
