package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.serde.ConfluentWireFormat;

/**
 * Enrich writes a cost line on as the bytes ingest wrote, followed by its owner, when the line was written with the
 * {@code CostRecord} schema that {@code AttributedCost} nests; any other line is decoded and written whole.
 */
class EnrichAppForwardingTest {

    private static final Instant T0900 = Instant.parse("2026-11-23T09:00:00Z");

    private final TopologyFixture fixture = TopologyFixture.of(new EnrichApp());
    private final SpendstreamTopics topics = fixture.topics();
    private final TestOutputTopic<byte[], byte[]> attributedBytes = fixture.driver().createOutputTopic(
            topics.costAttributed.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldWriteTheLineAsIngestWroteItThenItsOwnerOnBothPaths() {
        fixture.input(topics.tags).pipeInput("i-1", "{\"service\":\"checkout\",\"team\":\"payments\"}"
                .getBytes(StandardCharsets.UTF_8), T0900.minusSeconds(3600));
        // Maps in key order, which the HashMaps Avro reads them into do not keep (checked below): bytes carried over
        // unchanged were not decoded and encoded again.
        CostRecord joined = withTags(EnrichAppTest.cost("charge-1", "i-1", "12.50", T0900, Map.of()));
        CostRecord unjoinable = withTags(EnrichAppTest.cost("charge-2", null, "3.00", T0900, Map.of()));
        List<byte[]> inputs = new ArrayList<>();
        for (CostRecord cost : List.of(joined, unjoinable)) {
            byte[] bytes = topics.cost.valueSerde().serializer().serialize(topics.cost.name(), cost);
            CostRecord asRead = topics.cost.valueSerde().deserializer().deserialize(topics.cost.name(), bytes);
            assertThat(topics.cost.valueSerde().serializer().serialize(topics.cost.name(), asRead))
                    .as("decoding and encoding again reorders the maps").isNotEqualTo(bytes);
            inputs.add(bytes);
            rawCosts().pipeInput(topics.cost.keySerde().serializer().serialize(topics.cost.name(),
                    cost.getChargeId()), bytes, T0900);
        }

        List<TestRecord<byte[], byte[]>> out = attributedBytes.readRecordsToList();

        assertThat(out).hasSize(2);
        int attributedId = topics.avroValues(topics.costAttributed).register();
        for (int i = 0; i < 2; i++) {
            byte[] in = inputs.get(i);
            byte[] written = out.get(i).value();
            assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(attributedId);
            assertThat(Arrays.equals(written, ConfluentWireFormat.HEADER_SIZE, in.length, in,
                    ConfluentWireFormat.HEADER_SIZE, in.length)).as("line %d's bytes as read", i).isTrue();
            AttributedCost decoded = decode(written);
            assertThat(decoded.getCost()).isEqualTo(i == 0 ? joined : unjoinable);
        }
        assertThat(decode(out.get(0).value()).getAttribution().getTeam()).isEqualTo("payments");
        assertThat(decode(out.get(1).value()).getAttribution().getUnallocatedReason())
                .isEqualTo(AttributionResolver.NO_RESOURCE_ID);
    }

    @Test
    void shouldWriteALineOfAnOlderSchemaWholeWithTheDefaultsOfTheFieldsItLacks() throws IOException {
        Schema older = EnrichGoldenOutputTest.olderCostSchema();
        int olderId = topics.registry().register(topics.cost.name() + "-value", older);
        CostRecord cost = withTags(EnrichAppTest.cost("charge-1", "i-1", "12.50", T0900, Map.of()));
        rawCosts().pipeInput(topics.cost.keySerde().serializer().serialize(topics.cost.name(), "charge-1"),
                EnrichGoldenOutputTest.framed(olderId, older, cost), T0900);

        byte[] written = attributedBytes.readValue();

        assertThat(ByteBuffer.wrap(written, 1, 4).getInt())
                .isEqualTo(topics.avroValues(topics.costAttributed).register());
        AttributedCost decoded = decode(written);
        assertThat(decoded.getCost()).isEqualTo(cost);
        assertThat(decoded.getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.UNTAGGED);
    }

    private org.apache.kafka.streams.TestInputTopic<byte[], byte[]> rawCosts() {
        return fixture.driver().createInputTopic(topics.cost.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private AttributedCost decode(byte[] written) {
        return topics.costAttributed.valueSerde().deserializer().deserialize(topics.costAttributed.name(), written);
    }

    private static CostRecord withTags(CostRecord cost) {
        Map<String, String> tags = new TreeMap<>(Map.of("a-env", "prod", "b-app", "shop", "c-tier", "web",
                "d-zone", "eu", "e-owner", "ops"));
        return CostRecord.newBuilder(cost).setTags(tags).setExtensions(new TreeMap<>(Map.of("x_A", "1", "x_B", "2",
                "x_C", "3"))).build();
    }
}
