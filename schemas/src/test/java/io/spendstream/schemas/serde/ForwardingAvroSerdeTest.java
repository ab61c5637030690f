package io.spendstream.schemas.serde;

import static io.spendstream.schemas.serde.ForwardingTestRecords.COST_SUBJECT;
import static io.spendstream.schemas.serde.ForwardingTestRecords.COST_TOPIC;
import static io.spendstream.schemas.serde.ForwardingTestRecords.cost;
import static io.spendstream.schemas.serde.ForwardingTestRecords.focus12CostSchema;
import static io.spendstream.schemas.serde.ForwardingTestRecords.framed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

class ForwardingAvroSerdeTest {

    private static final List<String> FIELDS = List.of("effectiveCost", "resourceId", "tags", "allocatedTags",
            "providerSplit");

    private final ForwardingTestRecords.CountingRegistry registry =
            new ForwardingTestRecords.CountingRegistry(new InMemorySchemaRegistry());
    private final ConfluentAvroSerde<CostRecord> full = ConfluentAvroSerde.forRecord(CostRecord.class, registry,
            COST_SUBJECT);
    private final ForwardingAvroSerde<GenericRecord> forwarding = new ForwardingAvroSerde<>(full, FIELDS,
            Function.identity());

    @Test
    void shouldDecodeTheNamedFieldsAloneAndWriteTheBytesAsRead() {
        CostRecord cost = cost(4);
        byte[] bytes = full.serializer().serialize(COST_TOPIC, cost);

        ForwardedRecord<GenericRecord> read = forwarding.deserializer().deserialize(COST_TOPIC, bytes);

        GenericRecord fields = read.view();
        assertThat(fields.getSchema().getFields()).extracting(Schema.Field::name).containsExactlyElementsOf(FIELDS);
        assertThat(fields.get("effectiveCost")).isEqualTo(cost.getEffectiveCost());
        assertThat(fields.get("resourceId")).isEqualTo(cost.getResourceId());
        assertThat(fields.get("tags")).isEqualTo(cost.getTags());
        assertThat(fields.get("allocatedTags")).isEqualTo(cost.getAllocatedTags());
        assertThat(fields.get("providerSplit")).isEqualTo(true);
        assertThat(read.writerSchemaId()).isEqualTo(full.register());
        assertThat(read.endsTheBytes()).isTrue();
        assertThat(forwarding.serializer().serialize("cost-by-resource", read)).isSameAs(bytes);
    }

    @Test
    void shouldReadALineOfAnOlderSchemaWithTheDefaultsOfTheFieldsItLacks() throws IOException {
        Schema focus12 = focus12CostSchema();
        int focus12Id = registry.register(COST_SUBJECT, focus12);
        CostRecord cost = cost(8);

        ForwardedRecord<GenericRecord> read = forwarding.deserializer().deserialize(COST_TOPIC,
                framed(focus12Id, focus12, cost));

        assertThat(read.writerSchemaId()).isEqualTo(focus12Id);
        assertThat(read.view().get("resourceId")).isEqualTo(cost.getResourceId());
        assertThat(read.view().get("tags")).isEqualTo(cost.getTags());
        assertThat(read.view().get("providerSplit")).as("default of a field the writer lacks").isEqualTo(false);
        assertThat(read.view().get("allocatedTags")).as("default of a field the writer lacks").isEqualTo(Map.of());
        assertThat(read.endsTheBytes()).isTrue();
    }

    @Test
    void shouldSayWhenBytesFollowTheRecord() {
        byte[] bytes = full.serializer().serialize(COST_TOPIC, cost(1));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

        ForwardedRecord<GenericRecord> read = forwarding.deserializer().deserialize(COST_TOPIC, longer);

        assertThat(read.endsTheBytes()).isFalse();
        assertThat(read.view().get("resourceId")).isEqualTo("res-1");
    }

    @Test
    void shouldFailOnBytesThatDoNotReadExactlyAsTheFullRecordsSerdeFails() {
        byte[] bytes = full.serializer().serialize(COST_TOPIC, cost(3));
        // chargeId, a field the projection skips, with a negative length (zig-zag 1 is -1).
        byte[] negativeLength = bytes.clone();
        negativeLength[ConfluentWireFormat.HEADER_SIZE] = 1;
        List<byte[]> bad = List.of(Arrays.copyOf(bytes, bytes.length / 2), Arrays.copyOf(bytes, 30),
                "not avro".getBytes(), new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 'a'}, negativeLength);
        for (byte[] record : bad) {
            Throwable expected = catchThrowable(() -> full.deserializer().deserialize(COST_TOPIC, record));
            assertThat(expected).as("the full serde fails on it").isNotNull();

            assertThatThrownBy(() -> forwarding.deserializer().deserialize(COST_TOPIC, record))
                    .isExactlyInstanceOf(expected.getClass())
                    .hasMessage(expected.getMessage());
        }
    }

    @Test
    void shouldFetchEachWritersSchemaOnceNotPerRecord() throws IOException {
        Schema focus12 = focus12CostSchema();
        int focus12Id = registry.register(COST_SUBJECT, focus12);
        int lookups = registry.lookups;

        for (int i = 0; i < 200; i++) {
            byte[] bytes = i % 2 == 0 ? full.serializer().serialize(COST_TOPIC, cost(i))
                    : framed(focus12Id, focus12, cost(i));
            assertThat(forwarding.deserializer().deserialize(COST_TOPIC, bytes).view().get("effectiveCost"))
                    .isEqualTo(cost(i).getEffectiveCost());
        }

        assertThat(registry.lookups - lookups).as("one lookup per writer schema id").isEqualTo(2);
    }

    @Test
    void shouldPassTombstonesThroughBothWays() {
        assertThat(forwarding.deserializer().deserialize(COST_TOPIC, null)).isNull();
        assertThat(forwarding.serializer().serialize(COST_TOPIC, null)).isNull();
    }

    @Test
    void shouldRefuseAFieldTheRecordDoesNotHave() {
        assertThatThrownBy(() -> new ForwardingAvroSerde<>(full, List.of("resourceId", "owner"), Function.identity()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'owner'");
    }
}
