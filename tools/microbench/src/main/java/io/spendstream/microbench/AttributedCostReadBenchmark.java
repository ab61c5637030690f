package io.spendstream.microbench;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
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

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.CostRecord;
import io.spendstream.ingest.FocusRowParser;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * What reading a row of {@code spend.cost.attributed} costs attribution, and what a projection could save (issue 18):
 * {@code readAttributedCost} is the app's deserializer (the whole {@link CostRecord}, 38 fields, three maps);
 * {@code readAttributedCostProjection} resolves the same bytes against a reader schema of only the 13 fields of the
 * cost row that attribution reads (and the whole {@link Attribution}), skipping the others in the bytes, through
 * Avro's generic reader: a bound on what a projection reader would cost, not a reader to use (its record is not an
 * {@link AttributedCost}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AttributedCostReadBenchmark {

    private static final String TOPIC = "spend.cost.attributed";
    /** The cost row's fields attribution reads (unit cost, burn rate, showback, reconciliation, commitments). */
    static final Set<String> READ_FIELDS = Set.of("chargeId", "chargePeriodStart", "chargePeriodEnd", "effectiveCost",
            "currency", "costSource", "serviceName", "resourceId", "skuId", "commitmentDiscountId",
            "commitmentDiscountStatus", "allocatedResourceId", "estimateSku");
    /** Confluent wire format: magic byte and schema id before the Avro body. */
    private static final int HEADER_BYTES = 5;

    @State(Scope.Thread)
    public static class Row {

        ConfluentAvroSerde<AttributedCost> serde;
        byte[] bytes;
        GenericDatumReader<GenericRecord> projection;
        BinaryDecoder decoder;

        @Setup
        public void setUp() {
            serde = ConfluentAvroSerde.forRecord(AttributedCost.class,
                    InMemorySchemaRegistry.scope("microbench-attributed-cost"), false);
            CostRecord cost = new FocusRowParser().parse(SampleRows.focusRow(), SampleRows.EVENT_TIME_MS);
            Attribution attribution = Attribution.newBuilder().setService("checkout").setTeam("payments")
                    .setProduct("store").setEnvironment("prod").setCostCenter("cc-42").setAllocated(true)
                    .setSource("tag-table").build();
            bytes = serde.serializer().serialize(TOPIC, new AttributedCost(cost, attribution));
            GenericData data = new GenericData();
            data.addLogicalTypeConversion(new Conversions.DecimalConversion());
            data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
            projection = new GenericDatumReader<>(AttributedCost.getClassSchema(), projectionOf(
                    AttributedCost.getClassSchema()), data);
        }
    }

    @Benchmark
    public AttributedCost readAttributedCost(Row row) {
        return row.serde.deserializer().deserialize(TOPIC, row.bytes);
    }

    @Benchmark
    public GenericRecord readAttributedCostProjection(Row row) throws IOException {
        row.decoder = DecoderFactory.get().binaryDecoder(row.bytes, HEADER_BYTES, row.bytes.length - HEADER_BYTES,
                row.decoder);
        return row.projection.read(null, row.decoder);
    }

    /** {@code AttributedCost} with its cost row cut to {@link #READ_FIELDS}. */
    static Schema projectionOf(Schema attributedCost) {
        Schema cost = attributedCost.getField("cost").schema();
        List<Schema.Field> kept = cost.getFields().stream().filter(f -> READ_FIELDS.contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema projectedCost = Schema.createRecord(cost.getName(), cost.getDoc(), cost.getNamespace(), false, kept);
        return Schema.createRecord(attributedCost.getName(), attributedCost.getDoc(), attributedCost.getNamespace(),
                false, List.of(new Schema.Field(attributedCost.getField("cost"), projectedCost),
                        new Schema.Field(attributedCost.getField("attribution"),
                                attributedCost.getField("attribution").schema())));
    }
}
