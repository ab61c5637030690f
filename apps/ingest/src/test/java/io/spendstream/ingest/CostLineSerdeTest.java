package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.serde.ConfluentAvroSerde;
import io.spendstream.schemas.serde.ConfluentWireFormat;

class CostLineSerdeTest {

    private static final String TOPIC = "spend.cost";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ConfluentAvroSerde<CostRecord> costs = ConfluentAvroSerde.forRecord(CostRecord.class, registry,
            TOPIC + "-value");
    private final CostLineSerde serde = new CostLineSerde(costs);

    @Test
    void shouldWriteAnUnchangedLineAsTheBytesItWasReadFrom() {
        byte[] bytes = costs.serializer().serialize(TOPIC, row());

        CostLine line = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(line.record()).isEqualTo(row());
        assertThat(serde.serializer().serialize(TOPIC, line)).isSameAs(bytes);
    }

    @Test
    void shouldWriteALineMarkedWithItsEstimateSkuAsTheRecordWithIt() {
        CostRecord row = row();
        CostLine line = serde.deserializer().deserialize(TOPIC, costs.serializer().serialize(TOPIC, row));

        byte[] written = serde.serializer().serialize(TOPIC, line.withEstimateSku("sku-7"));

        row.setEstimateSku("sku-7");
        assertThat(written).isEqualTo(costs.serializer().serialize(TOPIC, row));
        assertThat(costs.deserializer().deserialize(TOPIC, written)).isEqualTo(row);
    }

    @Test
    void shouldEncodeALineBuiltHere() {
        CostRecord row = row();

        assertThat(serde.serializer().serialize(TOPIC, CostLine.built(row)))
                .isEqualTo(costs.serializer().serialize(TOPIC, row));
    }

    @Test
    void shouldWriteALineReadFromAnotherSchemaAsARecordOfThisOne() throws IOException {
        Schema older = withoutTrailingFieldsFrom("contractApplied");
        int olderId = registry.register(TOPIC + "-value", older);
        byte[] bytes = framed(olderId, older, row());

        CostLine line = serde.deserializer().deserialize(TOPIC, bytes);
        byte[] written = serde.serializer().serialize(TOPIC, line);

        assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(costs.register()).isNotEqualTo(olderId);
        assertThat(written).isEqualTo(costs.serializer().serialize(TOPIC, line.record()));
        byte[] marked = serde.serializer().serialize(TOPIC, line.withEstimateSku("sku-7"));
        assertThat(marked).isEqualTo(costs.serializer().serialize(TOPIC, line.record()));
        assertThat(costs.deserializer().deserialize(TOPIC, marked).getEstimateSku()).isEqualTo("sku-7");
    }

    @Test
    void shouldNotWriteOnBytesThatFollowTheRecord() {
        byte[] bytes = costs.serializer().serialize(TOPIC, row());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

        CostLine line = serde.deserializer().deserialize(TOPIC, longer);

        assertThat(serde.serializer().serialize(TOPIC, line)).isEqualTo(bytes);
    }

    @Test
    void shouldTreatNullAsATombstoneBothWays() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    /** A parsed FOCUS row: its tags in a sorted map, as ingest writes them first. */
    private static CostRecord row() {
        return new FocusRowParser().parse(TestRows.bytes(TestRows.focus()), -1L);
    }

    /** CostRecord as an older producer wrote it: without the fields from {@code first} on. */
    private static Schema withoutTrailingFieldsFrom(String first) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : CostRecord.getClassSchema().getFields()) {
            if (field.name().equals(first)) {
                break;
            }
            fields.add(new Schema.Field(field, field.schema()));
        }
        Schema current = CostRecord.getClassSchema();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static byte[] framed(int id, Schema schema, CostRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ConfluentWireFormat.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<CostRecord>(schema, SpecificData.getForClass(CostRecord.class)).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
