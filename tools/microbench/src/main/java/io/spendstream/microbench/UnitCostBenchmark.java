package io.spendstream.microbench;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

import io.spendstream.attribution.UnitCostAccumulator;
import io.spendstream.attribution.UnitCostRecords;
import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * Attribution's unit-cost window per cost row, on the bench's estate (issue 18): a service of 20 resources over 40
 * SKUs, each row one resource's minute. {@code addCostPartToWindow}: one cost part added to the window's running
 * tally with its tracked children ({@link UnitCostAccumulator#add}, what every cost row does to its minute and its
 * hour). {@code readUnitCost*}: one {@code spend.unit-cost} record of that window read back, as the value figures
 * do, with and without its children.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UnitCostBenchmark {

    private static final String TOPIC = "spend.unit-cost";
    private static final int RESOURCES = 20;
    private static final int SKUS = 40;
    private static final int TRACKED = 50;

    /** A window's tally after two hours of rows, and the rows to keep adding (also runs against older builds). */
    @State(Scope.Thread)
    public static class Window {

        UnitCostTally[] parts;
        UnitCostTally tally;
        int next;

        @Setup
        public void setUp() {
            // Every resource once a minute, costs that differ so children keep changing rank.
            List<UnitCostTally> rows = new ArrayList<>();
            for (int minute = 0; minute < 120; minute++) {
                for (int r = 0; r < RESOURCES; r++) {
                    BigDecimal amount = new BigDecimal("0.0125")
                            .multiply(BigDecimal.valueOf(1 + (r * 7 + minute) % 13));
                    rows.add(UnitCostAccumulator.ofCost(amount, "vm-" + r, "sku-" + (r * 3 + minute) % SKUS,
                            "payments", 0L));
                }
            }
            parts = rows.toArray(UnitCostTally[]::new);
            tally = UnitCostAccumulator.empty();
            for (UnitCostTally part : parts) {
                tally = UnitCostAccumulator.add(tally, part, TRACKED);
            }
        }
    }

    /** That window's {@code spend.unit-cost} record as bytes, and the serdes that read it back. */
    @State(Scope.Thread)
    public static class Record {

        ConfluentAvroSerde<UnitCost> full;
        ConfluentAvroSerde<UnitCost> withoutChildren;
        byte[] bytes;

        @Setup
        public void setUp(Window window) {
            InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope("microbench-unit-cost");
            full = ConfluentAvroSerde.forRecord(UnitCost.class, registry, TOPIC + "-value");
            UnitCost record = new UnitCostRecords(Duration.ofHours(1), "USD", 20).toUnitCost("checkout",
                    Instant.parse("2026-11-23T09:00:00Z").toEpochMilli(), window.tally);
            bytes = full.serializer().serialize(TOPIC, record);
            withoutChildren = full.withoutTrailingFields("children");
        }
    }

    @Benchmark
    public UnitCostTally addCostPartToWindow(Window window) {
        window.tally = UnitCostAccumulator.add(window.tally, window.parts[window.next], TRACKED);
        window.next = window.next + 1 == window.parts.length ? 0 : window.next + 1;
        return window.tally;
    }

    @Benchmark
    public UnitCost readUnitCostWithChildren(Record record) {
        return record.full.deserializer().deserialize(TOPIC, record.bytes);
    }

    @Benchmark
    public UnitCost readUnitCostWithoutChildren(Record record) {
        return record.withoutChildren.deserializer().deserialize(TOPIC, record.bytes);
    }
}
