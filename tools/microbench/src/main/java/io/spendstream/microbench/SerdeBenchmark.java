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
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * The Confluent-wire Avro serde on a normalised cost record, the value every hop after ingest writes and reads.
 * The registry is in memory: ids are cached after the first call in production too, so this is the steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerdeBenchmark {

    private static final String TOPIC = "spend.cost";

    private ConfluentAvroSerde<CostRecord> serde;
    private CostRecord record;
    private byte[] bytes;

    @Setup
    public void setUp() {
        serde = ConfluentAvroSerde.forRecord(CostRecord.class, InMemorySchemaRegistry.scope("microbench"), false);
        record = new FocusRowParser().parse(SampleRows.focusRow(), SampleRows.EVENT_TIME_MS);
        bytes = serde.serializer().serialize(TOPIC, record);
    }

    @Benchmark
    public byte[] serializeCostRecord() {
        return serde.serializer().serialize(TOPIC, record);
    }

    @Benchmark
    public CostRecord deserializeCostRecord() {
        return serde.deserializer().deserialize(TOPIC, bytes);
    }
}
