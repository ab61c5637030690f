package io.spendstream.microbench;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

import io.spendstream.attribution.ChargePeriodSpreader;
import io.spendstream.attribution.WindowGrid;

/**
 * Exact decimal spreading of an hourly billing row over 60 one-minute windows (parts sum back to the row), and of a
 * one-minute metered row that falls in a single window, the common case on the real-time path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpreadingBenchmark {

    private static final Instant HOUR_START = Instant.parse("2026-11-23T09:00:00Z");

    private ChargePeriodSpreader spreader;
    private BigDecimal amount;

    @Setup
    public void setUp() {
        spreader = new ChargePeriodSpreader(new WindowGrid(Duration.ofMinutes(1), Duration.ofDays(2)),
                Duration.ofDays(31));
        amount = new BigDecimal("1.000000000007");
    }

    @Benchmark
    public List<ChargePeriodSpreader.Part> spreadHourlyRowOverSixtyMinutes() {
        return spreader.spread(amount, HOUR_START, HOUR_START.plus(Duration.ofHours(1)));
    }

    @Benchmark
    public List<ChargePeriodSpreader.Part> spreadOneMinuteRow() {
        return spreader.spread(amount, HOUR_START, HOUR_START.plus(Duration.ofMinutes(1)));
    }
}
