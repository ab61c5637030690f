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
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.ResourceTags;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

class ForwardingRecordWriterTest {

    private static final String OUT_TOPIC = "spend.cost.attributed";

    private final ForwardingTestRecords.CountingRegistry registry =
            new ForwardingTestRecords.CountingRegistry(new InMemorySchemaRegistry());
    private final ConfluentAvroSerde<CostRecord> costs = ConfluentAvroSerde.forRecord(CostRecord.class, registry,
            COST_SUBJECT);
    private final ConfluentAvroSerde<AttributedCost> attributed = ConfluentAvroSerde.forRecord(AttributedCost.class,
            registry, OUT_TOPIC + "-value");
    private final ForwardingAvroSerde<GenericRecord> lines = new ForwardingAvroSerde<>(costs,
            List.of("resourceId"), record -> record);
    private final ForwardingRecordWriter<CostRecord, Attribution, AttributedCost> writer =
            new ForwardingRecordWriter<>(attributed, costs, Attribution.class, AttributedCost::new);

    @Test
    void shouldWriteTheBytesAvrosOwnWriterWritesForALineOfTheNestedSchema() throws IOException {
        for (int i = 0; i < 40; i++) {
            CostRecord cost = cost(i);
            Attribution owner = owner(i);
            ForwardedRecord<GenericRecord> line = read(costs.serializer().serialize(COST_TOPIC, cost));

            byte[] written = writer.write(OUT_TOPIC, line, owner);

            // Avro's own writer (not AvroBinary's planned one) on the same objects: the maps iterate alike.
            byte[] avros = framed(attributed.register(), AttributedCost.getClassSchema(), new AttributedCost(cost,
                    owner));
            assertThat(written).as("line %d", i).isEqualTo(avros);
            assertThat(attributed.deserializer().deserialize(OUT_TOPIC, written))
                    .isEqualTo(new AttributedCost(cost, owner));
        }
    }

    @Test
    void shouldDecodeAndWriteWholeALineOfAnotherSchema() throws IOException {
        Schema focus12 = focus12CostSchema();
        int focus12Id = registry.register(COST_SUBJECT, focus12);
        byte[] older = framed(focus12Id, focus12, cost(4));
        CostRecord asRead = costs.deserializer().deserialize(COST_TOPIC, older);

        byte[] written = writer.write(OUT_TOPIC, read(older), owner(4));

        assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(attributed.register());
        assertThat(written).isEqualTo(attributed.serializer().serialize(OUT_TOPIC, new AttributedCost(asRead,
                owner(4))));
        AttributedCost out = attributed.deserializer().deserialize(OUT_TOPIC, written);
        assertThat(out.getCost().getProviderSplit()).as("the default of a field the writer lacks").isFalse();
        assertThat(out.getCost().getChargeId()).isEqualTo("charge-4");
    }

    @Test
    void shouldNotCarryBytesThatFollowTheLineIntoTheRecord() {
        byte[] bytes = costs.serializer().serialize(COST_TOPIC, cost(2));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 4);

        byte[] written = writer.write(OUT_TOPIC, read(longer), owner(2));

        // Decoded and written whole: its maps in the order of the HashMaps Avro's reader builds.
        CostRecord asRead = costs.deserializer().deserialize(COST_TOPIC, longer);
        assertThat(written).isEqualTo(attributed.serializer().serialize(OUT_TOPIC, new AttributedCost(asRead,
                owner(2))));
        assertThat(asRead).isEqualTo(cost(2));
    }

    @Test
    void shouldRegisterTheTwoSchemasOnceNotPerRecord() {
        for (int i = 0; i < 100; i++) {
            writer.write(OUT_TOPIC, read(costs.serializer().serialize(COST_TOPIC, cost(i))), owner(i));
        }

        assertThat(registry.registers).as("spend.cost-value and spend.cost.attributed-value, once each")
                .isEqualTo(2);
        assertThat(registry.lookups).as("the writer schema of the lines, once").isEqualTo(1);
    }

    @Test
    void shouldRefuseAnOuterRecordThatIsNotTheHeadThenTheTail() {
        ConfluentAvroSerde<ResourceTags> tags = ConfluentAvroSerde.forRecord(ResourceTags.class, registry,
                "tags-value");

        assertThatThrownBy(() -> new ForwardingRecordWriter<>(attributed, tags, Attribution.class,
                (head, tail) -> new AttributedCost()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AttributedCost is not a record of io.spendstream.avro.ResourceTags");
    }

    private ForwardedRecord<GenericRecord> read(byte[] bytes) {
        return lines.deserializer().deserialize(COST_TOPIC, bytes);
    }

    private static Attribution owner(int i) {
        return Attribution.newBuilder()
                .setService(i % 3 == 0 ? null : "svc-" + i)
                .setTeam(i % 2 == 0 ? "team-" + i : null)
                .setShared(i % 5 == 0)
                .setAllocated(i % 2 == 0)
                .setUnallocatedReason(i % 2 == 0 ? null : "untagged")
                .setSource("tag-table")
                .build();
    }
}
