package io.spendstream.anomaly.burn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.avro.OpenBurnRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.schemas.Money;

class BurnRateStateSerdeTest {

    private final BurnRateStateSerde serde = new BurnRateStateSerde();

    @Test
    void shouldRoundTripAStateWithAnOpenAnomalyAndStages() {
        BurnRateStateRecord state = BurnRateStateRecord.newBuilder()
                .setCurrency("USD")
                .setBudgetAmount(Money.of("30000"))
                .setPeriod("MONTH")
                .setPeriodStart(1_000L)
                .setPeriodEnd(2_000L)
                .setLastEvaluatedAt(1_500L)
                .setStages(List.of(0.5, 0.75))
                .setOpen(OpenBurnRecord.newBuilder()
                        .setAnomalyId("burn-rate:budget:all:1500")
                        .setSeverity("PAGE")
                        .setStartedAt(1_500L)
                        .setExcessCost(Money.of("12.345678901234"))
                        .setPeakObserved(Money.of("625"))
                        .setObserved(Money.of("600"))
                        .setExpected(Money.of("41.666666666667"))
                        .setQuietSince(1_600L)
                        .build())
                .build();

        byte[] bytes = serde.serializer().serialize("changelog", state);

        assertThat(bytes[0]).isEqualTo(PrivateAvroSerde.FORMAT_V1);
        assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(state);
        assertThat(serde.deserializer().deserialize("changelog", null)).isNull();
    }

    @Test
    void shouldRefuseBytesOfAnUnknownFormat() {
        assertThatThrownBy(() -> serde.read(new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown burn-rate state format 9");
    }
}
