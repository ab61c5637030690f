package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class ValuedChargeSerdeTest {

    @Test
    void shouldRoundTripAChargeWithAndWithoutOriginalBilledAndListCost() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            ValuedChargeSerde serde = new ValuedChargeSerde(fixture.topics().avroValues(fixture.topics().cost));
            CostRecord cost = new FocusRowParser().parse(TestRows.bytes(TestRows.focus()), -1L);
            for (ValuedCharge charge : new ValuedCharge[] {
                    new ValuedCharge(cost, Money.of("0.00000080000"), Money.of("-12.5")),
                    new ValuedCharge(cost, null, null)}) {
                byte[] bytes = serde.serializer().serialize("ingest-charge-identity-repartition", charge);
                ValuedCharge back = serde.deserializer().deserialize("ingest-charge-identity-repartition", bytes);
                assertSameCharge(back, charge);
            }
            assertThat(serde.serializer().serialize("t", null)).isNull();
            assertThat(serde.deserializer().deserialize("t", null)).isNull();
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 0}))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("version 9");
        }
    }

    @Test
    void shouldWriteAndReadTheFormatDataOutputStreamWrote() throws IOException {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            ValuedChargeSerde serde = new ValuedChargeSerde(fixture.topics().avroValues(fixture.topics().cost));
            CostRecord cost = new FocusRowParser().parse(TestRows.bytes(TestRows.focus()), -1L);
            byte[] record = fixture.topics().avroValues(fixture.topics().cost).serializer().serialize("t", cost);
            for (ValuedCharge charge : new ValuedCharge[] {
                    new ValuedCharge(cost, Money.of("123456789012.000000000001"), Money.of("-0.5")),
                    new ValuedCharge(cost, null, Money.ZERO), new ValuedCharge(cost, Money.of("7"), null)}) {
                // The format as the serde wrote it with DataOutputStream until issue 18.
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(expected)) {
                    out.writeByte(1);
                    out.writeInt(record.length);
                    out.write(record);
                    out.writeUTF(charge.originalBilledCost() == null ? ""
                            : charge.originalBilledCost().toPlainString());
                    out.writeUTF(charge.originalListCost() == null ? "" : charge.originalListCost().toPlainString());
                }
                assertThat(serde.serializer().serialize("t", charge)).isEqualTo(expected.toByteArray());
                assertSameCharge(serde.deserializer().deserialize("t", expected.toByteArray()), charge);
                assertThat(serde.deserializer().deserialize("t", expected.toByteArray()).line().read().framed())
                        .as("the CostRecord's bytes as read, kept for spend.cost").isEqualTo(record);
            }
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 0, 0, 0, 9, 0}))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("Malformed");
        }
    }

    /** The same record and amounts as received; the line read also keeps the bytes it was read from. */
    private static void assertSameCharge(ValuedCharge back, ValuedCharge charge) {
        assertThat(back.cost()).isEqualTo(charge.cost());
        assertThat(back.originalBilledCost()).isEqualTo(charge.originalBilledCost());
        assertThat(back.originalListCost()).isEqualTo(charge.originalListCost());
        assertThat(back.line().read()).as("bytes kept").isNotNull();
    }
}
