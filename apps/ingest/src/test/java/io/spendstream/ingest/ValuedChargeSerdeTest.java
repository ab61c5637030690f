package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class ValuedChargeSerdeTest {

    @Test
    void shouldRoundTripAChargeWithAndWithoutOriginalBilledAndListCost() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            ValuedChargeSerde serde = new ValuedChargeSerde(fixture.topics().avroSerde(CostRecord.class));
            CostRecord cost = new FocusRowParser().parse(TestRows.bytes(TestRows.focus()), -1L);
            for (ValuedCharge charge : new ValuedCharge[] {
                    new ValuedCharge(cost, Money.of("0.00000080000"), Money.of("-12.5")),
                    new ValuedCharge(cost, null, null)}) {
                byte[] bytes = serde.serializer().serialize("ingest-charge-identity-repartition", charge);
                ValuedCharge back = serde.deserializer().deserialize("ingest-charge-identity-repartition", bytes);
                assertThat(back).isEqualTo(charge);
            }
            assertThat(serde.serializer().serialize("t", null)).isNull();
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 0}))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("version 9");
        }
    }
}
