package io.spendstream.microbench;

import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.scopes.ScopeWindows;

/**
 * One service's update folded into a wider scope's window ({@link ScopeWindows#add}), as the anomaly app's scope
 * detector does for every part it reads (a team's services, a resource's or SKU's): a scope of {@code parts} services,
 * each updating the newest window in turn, four updates each per window, with the windows the detector settles
 * forgotten as a new one begins ({@code pending} kept: 10 in order, 120 while a settle horizon is open to two hours).
 * Run with {@code -prof gc} for the bytes allocated per update, which the machine's load does not move.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScopeWindowsBenchmark {

    private static final long MINUTE = 60_000L;
    private static final int UPDATES_PER_PART = 4;

    @Param({"4", "16"})
    public int parts;

    @Param({"10", "120"})
    public int pending;

    private ScopePartRecord[] updates;
    private ScopeWindowsRecord state;
    private long minute;
    private int update;

    @Setup(Level.Iteration)
    public void setUp() {
        updates = new ScopePartRecord[parts];
        for (int p = 0; p < parts; p++) {
            updates[p] = new ScopePartRecord("service-" + p, 0L, MINUTE, "USD", new BigDecimal("0.250000000000"),
                    null, 100L, null);
        }
        state = ScopeWindows.empty();
        minute = 0;
        update = 0;
        for (int i = 0; i < pending * parts * UPDATES_PER_PART; i++) {
            add();
        }
    }

    @Benchmark
    public ScopeWindows.Total add() {
        int part = update % parts;
        if (update > 0 && update % (parts * UPDATES_PER_PART) == 0) {
            minute++;
            ScopeWindows.forgetBefore(state, (minute - pending + 1) * MINUTE, true);
        }
        update++;
        ScopePartRecord record = updates[part];
        record.setWindowStart(minute * MINUTE);
        record.setWindowEnd((minute + 1) * MINUTE);
        record.setCoveredUntil(minute * MINUTE + update % MINUTE);
        return ScopeWindows.add(state, record, minute * MINUTE + update % MINUTE);
    }
}
