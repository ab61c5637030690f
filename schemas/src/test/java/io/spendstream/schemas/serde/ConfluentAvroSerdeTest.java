package io.spendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.ChildCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.ResourceTags;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

class ConfluentAvroSerdeTest {

    private static final String TOPIC = "spend.cost";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void shouldRoundTripASpecificRecordInTheConfluentWireFormat() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        CostRecord cost = costRecord(Money.of("12.34"));

        byte[] bytes = serde.serializer().serialize(TOPIC, cost);

        int registeredId = registry.latest(TOPIC + "-value").id();
        assertThat(bytes[0]).isEqualTo(ConfluentWireFormat.MAGIC_BYTE);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(registry.getById(registeredId)).isEqualTo(CostRecord.getClassSchema());
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(cost);
    }

    @Test
    void shouldReadEveryFieldButTheTrailingOnesLeftOutAndWriteTheFullRecordUnderTheSameSubject() {
        ConfluentAvroSerde<UnitCost> full = ConfluentAvroSerde.forRecord(UnitCost.class, registry,
                "spend.unit-cost-value");
        ConfluentAvroSerde<UnitCost> withoutChildren = full.withoutTrailingFields("children");
        UnitCost window = UnitCost.newBuilder().setService("checkout").setWindowStart(Instant.ofEpochSecond(60))
                .setWindowEnd(Instant.ofEpochSecond(120)).setWindowSize("PT1M").setCurrency("USD")
                .setCost(Money.of("1.25")).setRequests(10).setErrors(1).setCostPerRequest(Money.of("0.125"))
                .setLatencyP95Ms(80.5).setConversionCount(2).setRevenue(Money.of("3")).setMargin(Money.of("1.75"))
                .setCostRecords(3).setApmRecords(1).setCoveredUntil(Instant.ofEpochSecond(90)).setTeam("payments")
                .setChildren(List.of(ChildCost.newBuilder().setKind("resource").setName("vm-1")
                        .setCost(Money.of("1.25")).setRemainder(false).build()))
                .build();

        byte[] bytes = full.serializer().serialize("spend.unit-cost", window);
        UnitCost read = withoutChildren.deserializer().deserialize("spend.unit-cost", bytes);

        assertThat(read.getChildren()).isNull();
        read.setChildren(window.getChildren());
        assertThat(read).isEqualTo(window);
        assertThat(withoutChildren.serializer().serialize("spend.unit-cost", window)).isEqualTo(bytes);
        assertThat(registry.subjects()).containsExactly("spend.unit-cost-value");
    }

    @Test
    void shouldRefuseToLeaveOutFieldsThatAreNotTheLastOnes() {
        ConfluentAvroSerde<UnitCost> full = ConfluentAvroSerde.forRecord(UnitCost.class, registry,
                "spend.unit-cost-value");

        assertThatThrownBy(() -> full.withoutTrailingFields("team"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the last fields");
    }

    @Test
    void shouldRoundTripStringKeysRegisteredUnderTheKeySubject() {
        ConfluentAvroSerde<String> serde = ConfluentAvroSerde.forString(registry, true);

        byte[] bytes = serde.serializer().serialize(TOPIC, "charge-42");

        int registeredId = registry.latest(TOPIC + "-key").id();
        assertThat(bytes[0]).isEqualTo(ConfluentWireFormat.MAGIC_BYTE);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(registry.getById(registeredId)).isEqualTo(Schema.create(Schema.Type.STRING));
        // Avro string: zig-zag length 9 -> 18, then the UTF-8 bytes, exactly as KafkaAvroSerializer writes a String.
        assertThat(bytes[5]).isEqualTo((byte) 18);
        assertThat(new String(bytes, 6, bytes.length - 6, StandardCharsets.UTF_8)).isEqualTo("charge-42");
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo("charge-42");
        assertThat(registry.subjects()).containsExactly(TOPIC + "-key");
    }

    @Test
    void shouldReadRecordsWrittenWithAnOlderSchemaFillingNewFieldsWithTheirDefaults() throws IOException {
        Schema newer = ResourceTags.getClassSchema();
        Schema older = withoutField(newer, "shared");
        int olderId = registry.register("spend.tags.parsed-value", older);
        GenericRecord written = new GenericData.Record(older);
        written.put("service", "checkout");
        written.put("team", "payments");
        written.put("validFrom", 1_795_000_000_000L);

        ResourceTags read = ConfluentAvroSerde.forRecord(ResourceTags.class, registry, false).deserializer()
                .deserialize("spend.tags.parsed", frame(olderId, older, written));

        assertThat(read.getService()).isEqualTo("checkout");
        assertThat(read.getTeam()).isEqualTo("payments");
        assertThat(read.getProduct()).isNull();
        assertThat(read.getShared()).as("field missing from the writer schema takes its default").isFalse();
        assertThat(read.getValidFrom()).isEqualTo(Instant.ofEpochMilli(1_795_000_000_000L));
    }

    @Test
    void shouldReadARecordKeepingItsBytesItsWriterIdAndWhetherItEndsThem() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        CostRecord cost = costRecord(Money.of("12.34"));
        byte[] bytes = serde.serializer().serialize(TOPIC, cost);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);

        ForwardedRecord<CostRecord> read = serde.deserializeKeepingBytes(TOPIC, bytes);
        ForwardedRecord<CostRecord> readLonger = serde.deserializeKeepingBytes(TOPIC, longer);

        assertThat(read.view()).isEqualTo(cost);
        assertThat(read.framed()).isSameAs(bytes);
        assertThat(read.writerSchemaId()).isEqualTo(registry.latest(TOPIC + "-value").id());
        assertThat(read.endsTheBytes()).isTrue();
        assertThat(readLonger.view()).as("Avro's reader ignores what follows").isEqualTo(cost);
        assertThat(readLonger.endsTheBytes()).isFalse();
        byte[] truncated = Arrays.copyOf(bytes, 9);
        assertThatThrownBy(() -> serde.deserializeKeepingBytes(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writer schema id " + read.writerSchemaId());
    }

    @Test
    void shouldTreatNullAsATombstoneBothWays() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);

        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(registry.subjects()).as("a tombstone registers nothing").isEmpty();
    }

    @Test
    void shouldRefuseBytesThatAreNotConfluentFramed() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        byte[] json = "{\"chargeId\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("'" + TOPIC + "'")
                .hasMessageContaining("not the Confluent magic byte 0");
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void shouldRefuseAFramedRecordWhosePayloadDoesNotMatchItsSchema() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        int id = registry.register(TOPIC + "-value", CostRecord.getClassSchema());
        byte[] truncated = ConfluentWireFormat.header(id, 2).put(new byte[] {2, 'x'}).array();

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("io.spendstream.avro.CostRecord")
                .hasMessageContaining("writer schema id " + id);
    }

    @Test
    void shouldRefuseMoneyWithMoreDecimalPlacesThanTheWireScale() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        BigDecimal thirteenPlaces = new BigDecimal("0.0000000000015");

        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, costRecord(thirteenPlaces)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot write io.spendstream.avro.CostRecord to '" + TOPIC + "'")
                .hasMessageContaining("scale 13 as scale 12");
        assertThat(serde.serializer().serialize(TOPIC, costRecord(Money.of(thirteenPlaces)))).isNotEmpty();
    }

    @Test
    void shouldReadMoneyBackAtTheWireScale() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);

        CostRecord read = serde.deserializer().deserialize(TOPIC,
                serde.serializer().serialize(TOPIC, costRecord(new BigDecimal("12.34"))));

        // Avro widens a smaller scale without rounding, and every amount comes back at scale 12.
        assertThat(read.getEffectiveCost()).isEqualTo(Money.of("12.34")).hasScaleOf(Money.SCALE);
    }

    @Test
    void shouldKeepMoneyExactAcrossTheWire() {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        CostRecord tiny = costRecord(Money.of("0.0000004"));

        CostRecord read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, tiny));

        assertThat(read.getEffectiveCost()).isEqualTo(new BigDecimal("0.000000400000"));
    }

    @Test
    void shouldWriteExactlyTheBytesAvrosOwnWriterWritesForNullAndSetOptionalFields() throws IOException {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        CostRecord sparse = costRecord(Money.of("1.5"));
        CostRecord full = CostRecord.newBuilder(sparse).setListCost(Money.of("2")).setSkuId("sku-1")
                .setPricingQuantity(Money.of("3.25")).setEstimateSku("sku-1").build();

        for (CostRecord cost : List.of(sparse, full)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, cost);
            int id = registry.latest(TOPIC + "-value").id();
            // The nullable-union shortcut must choose the branch Avro's own resolution chooses, field by field.
            assertThat(bytes).isEqualTo(frame(id, cost));
        }
    }

    @Test
    void shouldWriteACleanRecordAfterAFailedOneOnTheSameThread() throws IOException {
        ConfluentAvroSerde<CostRecord> serde = ConfluentAvroSerde.forRecord(CostRecord.class, registry, false);
        CostRecord good = costRecord(Money.of("7"));
        serde.serializer().serialize(TOPIC, good);
        int id = registry.latest(TOPIC + "-value").id();

        // Fails half way through the record (after chargeId and the period were encoded): nothing of it may leak.
        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, costRecord(new BigDecimal("0.0000000000015"))))
                .isInstanceOf(SerializationException.class);
        byte[] after = serde.serializer().serialize(TOPIC, good);

        assertThat(after).isEqualTo(frame(id, good));
        assertThat(serde.deserializer().deserialize(TOPIC, after)).isEqualTo(good);
    }

    private static byte[] frame(int id, CostRecord cost) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<CostRecord>(CostRecord.getClassSchema(), SpecificData.getForClass(CostRecord.class))
                .write(cost, encoder);
        encoder.flush();
        byte[] payload = out.toByteArray();
        return ConfluentWireFormat.header(id, payload.length).put(payload).array();
    }

    private static CostRecord costRecord(BigDecimal effectiveCost) {
        return CostRecord.newBuilder()
                .setChargeId("charge-42")
                .setChargePeriodStart(Instant.parse("2026-11-23T10:00:00Z"))
                .setChargePeriodEnd(Instant.parse("2026-11-23T11:00:00Z"))
                .setEffectiveCost(effectiveCost)
                .setBilledCost(Money.of("13"))
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of("11.5"))
                .setOriginalCurrency("EUR")
                .setResourceId("i-0abc")
                .setTags(Map.of("team", "payments"))
                .build();
    }

    private static Schema withoutField(Schema schema, String dropped) {
        List<Schema.Field> kept = schema.getFields().stream()
                .filter(field -> !field.name().equals(dropped))
                .map(field -> new Schema.Field(field, field.schema()))
                .collect(Collectors.toList());
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
    }

    private static byte[] frame(int id, Schema writerSchema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writerSchema).write(record, encoder);
        encoder.flush();
        byte[] payload = out.toByteArray();
        return ConfluentWireFormat.header(id, payload.length).put(payload).array();
    }
}
