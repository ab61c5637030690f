package io.spendstream.schemas.serde;

import static io.spendstream.schemas.serde.ForwardingTestRecords.COST_SUBJECT;
import static io.spendstream.schemas.serde.ForwardingTestRecords.COST_TOPIC;
import static io.spendstream.schemas.serde.ForwardingTestRecords.cost;
import static io.spendstream.schemas.serde.ForwardingTestRecords.focus12CostSchema;
import static io.spendstream.schemas.serde.ForwardingTestRecords.framed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

class LastFieldWriterTest {

    private final ForwardingTestRecords.CountingRegistry registry =
            new ForwardingTestRecords.CountingRegistry(new InMemorySchemaRegistry());
    private final ConfluentAvroSerde<CostRecord> costs = ConfluentAvroSerde.forRecord(CostRecord.class, registry,
            COST_SUBJECT);
    private final LastFieldWriter<CostRecord> estimateSku = new LastFieldWriter<>(costs);

    @Test
    void shouldWriteTheBytesAvrosOwnWriterWritesForTheRecordWithItsLastFieldSet() throws IOException {
        for (int i = 0; i < 40; i++) {
            CostRecord line = withoutEstimateSku(cost(i));
            String sku = i % 4 == 0 ? "" : "sku-" + i + (i % 7 == 0 ? "-ü\u0000" : "");
            ForwardedRecord<CostRecord> read = costs.deserializeKeepingBytes(COST_TOPIC,
                    framed(costs.register(), CostRecord.getClassSchema(), line));

            byte[] written = estimateSku.write(COST_TOPIC, read, sku);

            // Avro's own writer (not AvroBinary's planned one) on the line with the field set.
            line.setEstimateSku(sku);
            assertThat(written).as("line %d", i).isEqualTo(framed(costs.register(), CostRecord.getClassSchema(),
                    line));
            assertThat(costs.deserializer().deserialize(COST_TOPIC, written)).isEqualTo(line);
        }
    }

    @Test
    void shouldDecodeSetAndWriteWholeARecordOfAnotherSchema() throws IOException {
        Schema focus12 = focus12CostSchema();
        int focus12Id = registry.register(COST_SUBJECT, focus12);
        byte[] older = framed(focus12Id, focus12, withoutEstimateSku(cost(4)));
        CostRecord expected = costs.deserializer().deserialize(COST_TOPIC, older);
        expected.setEstimateSku("sku-4");

        byte[] written = estimateSku.write(COST_TOPIC, costs.deserializeKeepingBytes(COST_TOPIC, older), "sku-4");

        assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).as("this serde's id").isEqualTo(costs.register());
        assertThat(written).isEqualTo(costs.serializer().serialize(COST_TOPIC, expected));
        assertThat(costs.deserializer().deserialize(COST_TOPIC, written).getEstimateSku()).isEqualTo("sku-4");
    }

    @Test
    void shouldNotCarryBytesThatFollowTheRecordIntoTheOutput() {
        byte[] bytes = costs.serializer().serialize(COST_TOPIC, withoutEstimateSku(cost(2)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        ForwardedRecord<CostRecord> read = costs.deserializeKeepingBytes(COST_TOPIC, longer);
        assertThat(read.endsTheBytes()).isFalse();

        byte[] written = estimateSku.write(COST_TOPIC, read, "sku-2");

        CostRecord expected = costs.deserializer().deserialize(COST_TOPIC, longer);
        expected.setEstimateSku("sku-2");
        assertThat(written).isEqualTo(costs.serializer().serialize(COST_TOPIC, expected));
        assertThat(written.length).isEqualTo(bytes.length + "sku-2".length() + 1);
    }

    @Test
    void shouldRefuseARecordWhoseLastFieldIsNotANullableUnionWithNullFirst() {
        ConfluentAvroSerde<AttributedCost> attributed = ConfluentAvroSerde.forRecord(AttributedCost.class, registry,
                "spend.cost.attributed-value");

        assertThatThrownBy(() -> new LastFieldWriter<>(attributed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AttributedCost.attribution is not a [\"null\", X] union");
    }

    @Test
    void shouldRefuseToSetTheFieldToNull() {
        ForwardedRecord<CostRecord> read = costs.deserializeKeepingBytes(COST_TOPIC,
                costs.serializer().serialize(COST_TOPIC, withoutEstimateSku(cost(1))));

        assertThatThrownBy(() -> estimateSku.write(COST_TOPIC, read, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static CostRecord withoutEstimateSku(CostRecord cost) {
        cost.setEstimateSku(null);
        return cost;
    }
}
