package io.spendstream.anomaly.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CurrentWindow;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

class DetectorStateSerdeTest {

    private final DetectorStateSerde serde = new DetectorStateSerde();

    @Test
    void shouldRoundTripAStateWithAnOpenIncident() {
        DetectorState state = new DetectorState(Baseline.of(1.0123456789, 0.0421, 42),
                new CurrentWindow(1_000L, 61_000L, Money.of("10.000000000001"), "USD", 31_000L),
                new Incident("cost-spike:service:checkout:1000", 1_000L, Severity.PAGE, Money.of("12.5"),
                        Money.of("44.123456789012"), 1, 61_000L));

        DetectorState back = serde.deserializer().deserialize("changelog",
                serde.serializer().serialize("changelog", state));

        assertThat(back.baseline().level()).isEqualTo(1.0123456789);
        assertThat(back.baseline().meanAbsDeviation()).isEqualTo(0.0421);
        assertThat(back.baseline().learnedWindows()).isEqualTo(42);
        assertThat(back.current()).isEqualTo(state.current());
        Incident incident = back.incident();
        assertThat(incident.anomalyId()).isEqualTo("cost-spike:service:checkout:1000");
        assertThat(incident.startedAt()).isEqualTo(1_000L);
        assertThat(incident.severity()).isEqualTo(Severity.PAGE);
        assertThat(incident.peakObserved()).isEqualTo(Money.of("12.5"));
        assertThat(incident.excessCost()).isEqualTo(Money.of("44.123456789012"));
        assertThat(incident.quietWindows()).isEqualTo(1);
        assertThat(incident.lastActiveWindowEnd()).isEqualTo(61_000L);
    }

    @Test
    void shouldRoundTripAnEmptyState() {
        DetectorState back = serde.read(serde.write(DetectorState.empty()));

        assertThat(back.current()).isNull();
        assertThat(back.incident()).isNull();
        assertThat(back.baseline().learnedWindows()).isZero();
    }

    @Test
    void shouldRefuseBytesOfAnUnknownFormat() {
        byte[] bytes = serde.write(DetectorState.empty());
        bytes[0] = 9;

        assertThatThrownBy(() -> serde.read(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown detector state format 9");
    }
}
