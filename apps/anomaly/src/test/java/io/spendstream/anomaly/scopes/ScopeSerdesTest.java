package io.spendstream.anomaly.scopes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ScopePartCostRecord;
import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.avro.ScopeWindowRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.schemas.Money;

/**
 * Scope parts in flight and scope windows in the store survive the upgrades that added their coverage (format 2) and
 * a team's requests and usual request level (format 3).
 */
class ScopeSerdesTest {

    private static final long START = 1_795_433_400_000L;
    private static final long END = START + 60_000;

    @Test
    void shouldReadAFormat1PartWithItsCoverageUnknown() throws IOException {
        GenericRecord old = new GenericRecordBuilder(ScopePartSerde.SCHEMA_V1)
                .set("part", "orders-db")
                .set("windowStart", START)
                .set("windowEnd", END)
                .set("currency", "USD")
                .set("cost", decimal("3.5"))
                .build();

        ScopePartRecord read = new ScopePartSerde().read(format1(ScopePartSerde.SCHEMA_V1, old));

        assertThat(read.getPart()).isEqualTo("orders-db");
        assertThat(read.getCost()).isEqualByComparingTo("3.5");
        assertThat(read.getCoveredUntil()).isNull();
    }

    @Test
    void shouldReadFormat1WindowsWithTheirPartsCoverageUnknown() throws IOException {
        Schema windowSchema = ScopeWindowsSerde.SCHEMA_V1.getField("windows").schema().getElementType();
        Schema partSchema = windowSchema.getField("parts").schema().getElementType();
        GenericRecord part = new GenericRecordBuilder(partSchema)
                .set("name", "orders-db").set("cost", decimal("1.25")).set("lastTimestamp", START).build();
        GenericRecord window = new GenericRecordBuilder(windowSchema)
                .set("windowStart", START).set("windowEnd", END).set("currency", "USD")
                .set("parts", new GenericData.Array<>(Schema.createArray(partSchema), List.of(part)))
                .build();
        GenericRecord old = new GenericRecordBuilder(ScopeWindowsSerde.SCHEMA_V1)
                .set("windows", new GenericData.Array<>(Schema.createArray(windowSchema), List.of(window)))
                .set("unalertedAnomalyId", "cost-spike:team:data:1")
                .build();

        ScopeWindowsRecord read = new ScopeWindowsSerde().read(format1(ScopeWindowsSerde.SCHEMA_V1, old));

        ScopePartCostRecord readPart = read.getWindows().get(0).getParts().get(0);
        assertThat(readPart.getName()).isEqualTo("orders-db");
        assertThat(readPart.getCost()).isEqualByComparingTo("1.25");
        assertThat(readPart.getCoveredUntil()).isNull();
        assertThat(read.getUnalertedAnomalyId()).isEqualTo("cost-spike:team:data:1");
    }

    @Test
    void shouldReadFormat2PartsAndWindowsWithoutRequests() throws IOException {
        GenericRecord oldPart = new GenericRecordBuilder(ScopePartSerde.SCHEMA_V2)
                .set("part", "orders-db").set("windowStart", START).set("windowEnd", END).set("currency", "USD")
                .set("cost", decimal("3.5")).set("coveredUntil", END).build();
        ScopePartRecord part = new ScopePartSerde().read(
                withFormat(ScopePartSerde.FORMAT_V2, ScopePartSerde.SCHEMA_V2, oldPart));
        assertThat(part.getCoveredUntil()).isEqualTo(END);
        assertThat(part.getRequests()).isZero();
        assertThat(part.getRequestsCoveredUntil()).isNull();

        Schema windowSchema = ScopeWindowsSerde.SCHEMA_V2.getField("windows").schema().getElementType();
        Schema partSchema = windowSchema.getField("parts").schema().getElementType();
        GenericRecord oldCost = new GenericRecordBuilder(partSchema).set("name", "orders-db")
                .set("cost", decimal("1.25")).set("lastTimestamp", START).set("coveredUntil", END).build();
        GenericRecord window = new GenericRecordBuilder(windowSchema)
                .set("windowStart", START).set("windowEnd", END).set("currency", "USD")
                .set("parts", new GenericData.Array<>(Schema.createArray(partSchema), List.of(oldCost))).build();
        GenericRecord oldWindows = new GenericRecordBuilder(ScopeWindowsSerde.SCHEMA_V2)
                .set("windows", new GenericData.Array<>(Schema.createArray(windowSchema), List.of(window)))
                .set("unalertedAnomalyId", null).build();
        ScopeWindowsRecord windows = new ScopeWindowsSerde().read(
                withFormat(ScopeWindowsSerde.FORMAT_V2, ScopeWindowsSerde.SCHEMA_V2, oldWindows));
        assertThat(windows.getWindows().get(0).getParts().get(0).getCoveredUntil()).isEqualTo(END);
        assertThat(windows.getWindows().get(0).getParts().get(0).getRequests()).isZero();
        assertThat(windows.getRequestLevel()).isZero();
    }

    @Test
    void shouldWriteFormat4KeepingTheCoverageTheRequestsTheRequestLevelAndTheEstimatedBytes() {
        ScopePartCostRecord cost = ScopePartCostRecord.newBuilder().setName("orders-db")
                .setCost(Money.of(new BigDecimal("2"))).setLastTimestamp(START).setCoveredUntil(END)
                .setRequests(6_000).setRequestsCoveredUntil(START + 30_000).build();
        ScopeWindowsRecord windows = ScopeWindowsRecord.newBuilder().setWindows(List.of(new ScopeWindowRecord(START,
                END, "USD", List.of(cost)))).setRequestLevel(12_000.5).setEstimatedBytes(4_321).build();
        ScopeWindowsSerde serde = new ScopeWindowsSerde();

        byte[] bytes = serde.write(windows);

        assertThat(bytes[0]).isEqualTo(ScopeWindowsSerde.FORMAT_V4);
        ScopeWindowsRecord read = serde.read(bytes);
        assertThat(read.getWindows().get(0).getParts().get(0)).isEqualTo(cost);
        assertThat(read.getRequestLevel()).isEqualTo(12_000.5);
        assertThat(read.getEstimatedBytes()).isEqualTo(4_321);
        ScopePartSerde partSerde = new ScopePartSerde();
        ScopePartRecord part = ScopePartRecord.newBuilder().setPart("orders-db").setWindowStart(START)
                .setWindowEnd(END).setCurrency("USD").setCost(Money.of(BigDecimal.ONE)).setCoveredUntil(END)
                .setRequests(6_000).setRequestsCoveredUntil(END).build();
        byte[] partBytes = partSerde.write(part);
        assertThat(partBytes[0]).isEqualTo(ScopePartSerde.FORMAT_V3);
        assertThat(partSerde.read(partBytes)).isEqualTo(part);
    }

    @Test
    void shouldReadFormat3WindowsWithTheirBytesUnknownAndCountThemOnTheNextChange() throws IOException {
        Schema windowSchema = ScopeWindowsSerde.SCHEMA_V3.getField("windows").schema().getElementType();
        Schema partSchema = windowSchema.getField("parts").schema().getElementType();
        GenericRecord oldCost = new GenericRecordBuilder(partSchema).set("name", "orders-db")
                .set("cost", decimal("1.25")).set("lastTimestamp", START).set("coveredUntil", END)
                .set("requests", 6_000L).set("requestsCoveredUntil", END).build();
        GenericRecord window = new GenericRecordBuilder(windowSchema)
                .set("windowStart", START).set("windowEnd", END).set("currency", "USD")
                .set("parts", new GenericData.Array<>(Schema.createArray(partSchema), List.of(oldCost))).build();
        GenericRecord oldWindows = new GenericRecordBuilder(ScopeWindowsSerde.SCHEMA_V3)
                .set("windows", new GenericData.Array<>(Schema.createArray(windowSchema), List.of(window)))
                .set("unalertedAnomalyId", null).set("requestLevel", 6_000.0).build();

        ScopeWindowsRecord windows = new ScopeWindowsSerde().read(
                withFormat(ScopeWindowsSerde.FORMAT_V3, ScopeWindowsSerde.SCHEMA_V3, oldWindows));

        assertThat(windows.getWindows().get(0).getParts().get(0).getRequests()).isEqualTo(6_000);
        assertThat(windows.getRequestLevel()).isEqualTo(6_000.0);
        assertThat(windows.getEstimatedBytes()).isEqualTo(-1);
        ScopeWindows.add(windows, ScopePartRecord.newBuilder().setPart("payments-api").setWindowStart(START)
                .setWindowEnd(END).setCurrency("USD").setCost(Money.of(BigDecimal.ONE)).build(), START + 1);
        // USD, orders-db and payments-api: three entries, each 64 bytes and three per character.
        assertThat(windows.getEstimatedBytes()).isEqualTo(3 * 64 + 3 * ("USD".length() + "orders-db".length()
                + "payments-api".length()));
    }

    private static ByteBuffer decimal(String value) {
        return ByteBuffer.wrap(new BigDecimal(value).setScale(Money.SCALE).unscaledValue().toByteArray());
    }

    private static byte[] format1(Schema schema, GenericRecord record) throws IOException {
        return withFormat(PrivateAvroSerde.FORMAT_V1, schema, record);
    }

    private static byte[] withFormat(byte format, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(format);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
