package io.spendstream.microbench;

import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.DetectorSettings;

/**
 * One detector step (score a window against the baseline, its daily profile and deviation histogram, then learn it)
 * on a warm baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorBenchmark {

    private static final int VALUES = 1024;
    private static final long WINDOW_MS = 60_000;

    private CostDetector detector;
    private Baseline baseline;
    private final double[] values = new double[VALUES];
    private int next;
    private long windowStart;

    @Setup
    public void setUp() {
        detector = new CostDetector(DetectorSettings.defaults());
        baseline = detector.newBaseline();
        // Noisy costs around 1.00 per window, pre-computed so the benchmark measures the detector, not the random.
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < VALUES; i++) {
            values[i] = 1.0 + 0.1 * (random.nextDouble() - 0.5);
        }
        // Warm: three days of one-minute windows, so the daily profile and the deviation histogram are filled.
        for (int i = 0; i < 3 * 1440; i++) {
            detector.observe(baseline, nextWindowStart(), values[i & (VALUES - 1)]);
        }
    }

    @Benchmark
    public OptionalDouble observeOneWindow() {
        next = (next + 1) & (VALUES - 1);
        return detector.observe(baseline, nextWindowStart(), values[next]);
    }

    private long nextWindowStart() {
        windowStart += WINDOW_MS;
        return windowStart;
    }
}
