package io.spendstream.microbench;

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

import io.spendstream.avro.CostRecord;
import io.spendstream.ingest.FocusRowParser;

/** FOCUS JSON row to cost record: JSON parsing, decimal and timestamp validation, the first step of every row. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FocusParsingBenchmark {

    private FocusRowParser parser;
    private byte[] row;

    @Setup
    public void setUp() {
        parser = new FocusRowParser();
        row = SampleRows.focusRow();
    }

    @Benchmark
    public CostRecord parseFocusRow() {
        return parser.parse(row, SampleRows.EVENT_TIME_MS);
    }
}
