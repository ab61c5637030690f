package io.spendstream.anomaly.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.anomaly.detector.PendingWindow;
import io.spendstream.anomaly.detector.PendingWindows;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

class DetectorStateSerdeTest {

    private final DetectorStateSerde serde = new DetectorStateSerde();

    @Test
    void shouldRoundTripAStateWithPendingWindowsAndAnOpenIncident() {
        PendingWindow finished = new PendingWindow(1_000L, 61_000L, Money.of("10.000000000001"), "USD", 31_000L, true);
        PendingWindow newest = new PendingWindow(61_000L, 121_000L, Money.of("2.5"), "USD", 70_000L, false);
        DetectorState state = new DetectorState(Baseline.of(1.0123456789, 0.0421, 0.0533, 17.5, 42.0, 42),
                PendingWindows.of(List.of(finished, newest), 1_000L),
                new Incident("cost-spike:service:checkout:1000", 1_000L, Severity.PAGE, Money.of("12.5"),
                        Money.of("44.123456789012"), 1, 61_000L), 500L);

        DetectorState back = serde.deserializer().deserialize("changelog",
                serde.serializer().serialize("changelog", state));

        assertThat(back.baseline().level()).isEqualTo(1.0123456789);
        assertThat(back.baseline().meanAbsDeviation()).isEqualTo(0.0421);
        assertThat(back.baseline().spread()).isEqualTo(0.0533);
        assertThat(back.baseline().peakZ()).isEqualTo(17.5);
        assertThat(back.baseline().excursionPeakZ()).isEqualTo(42.0);
        assertThat(back.baseline().learnedWindows()).isEqualTo(42);
        assertThat(back.pending().windows()).containsExactly(finished, newest);
        assertThat(back.pending().settledBefore()).isEqualTo(1_000L);
        assertThat(back.newest()).isEqualTo(newest);
        assertThat(back.resolvedBefore()).isEqualTo(500L);
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
    void shouldRestoreStateWrittenInTheSecondFormat() throws Exception {
        Schema v2 = DetectorStateSerde.loadSchema(DetectorStateSerde.SCHEMA_V2_RESOURCE);
        GenericRecord record = new GenericData.Record(v2);
        record.put("level", 2.0);
        record.put("meanAbsDeviation", 0.25);
        record.put("learnedWindows", 30L);
        record.put("pending", List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(2);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v2).write(record, encoder);
        encoder.flush();

        DetectorState back = serde.read(out.toByteArray());

        assertThat(back.baseline().level()).isEqualTo(2.0);
        assertThat(back.baseline().meanAbsDeviation()).isEqualTo(0.25);
        // Format 2 had no long-run spread: the best estimate of it is the recent one; no peak learned yet.
        assertThat(back.baseline().spread()).isEqualTo(0.25);
        assertThat(back.baseline().peakZ()).isZero();
        assertThat(back.baseline().excursionPeakZ()).isZero();
        assertThat(back.baseline().learnedWindows()).isEqualTo(30);
        assertThat(back.pending().settledBefore()).isEqualTo(PendingWindows.NOTHING_SETTLED);
        assertThat(back.incident()).isNull();
        assertThat(serde.write(back)[0]).isEqualTo(DetectorStateSerde.FORMAT_V3);
    }

    @Test
    void shouldRestoreStateWrittenInTheFirstFormat() throws Exception {
        Schema v1 = DetectorStateV1.loadSchema();
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        GenericRecord current = new GenericData.Record(v1.getField("current").schema().getTypes().get(1));
        current.put("windowStart", Instant.ofEpochMilli(60_000L));
        current.put("windowEnd", Instant.ofEpochMilli(120_000L));
        current.put("cost", Money.of("3.25"));
        current.put("currency", "USD");
        current.put("lastTimestamp", Instant.ofEpochMilli(90_000L));
        GenericRecord incident = new GenericData.Record(v1.getField("incident").schema().getTypes().get(1));
        incident.put("anomalyId", "cost-spike:service:checkout:0");
        incident.put("startedAt", Instant.ofEpochMilli(0L));
        incident.put("severity", "TICKET");
        incident.put("peakObserved", Money.of("3.25"));
        incident.put("excessCost", Money.of("2.25"));
        incident.put("quietWindows", 0);
        incident.put("lastActiveWindowEnd", Instant.ofEpochMilli(60_000L));
        GenericRecord record = new GenericData.Record(v1);
        record.put("level", 1.0);
        record.put("meanAbsDeviation", 0.05);
        record.put("learnedWindows", 30L);
        record.put("current", current);
        record.put("incident", incident);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1, model).write(record, encoder);
        encoder.flush();

        DetectorState back = serde.read(out.toByteArray());

        assertThat(back.baseline().learnedWindows()).isEqualTo(30);
        assertThat(back.baseline().level()).isEqualTo(1.0);
        // Format 1 had learned every window before its current one, which is still open.
        assertThat(back.pending().windows()).containsExactly(
                new PendingWindow(60_000L, 120_000L, Money.of("3.25"), "USD", 90_000L, false));
        assertThat(back.pending().settledBefore()).isEqualTo(60_000L);
        assertThat(back.resolvedBefore()).isEqualTo(DetectorState.NEVER_RESOLVED);
        assertThat(back.incident().anomalyId()).isEqualTo("cost-spike:service:checkout:0");
        assertThat(back.incident().severity()).isEqualTo(Severity.TICKET);
        assertThat(back.incident().excessCost()).isEqualTo(Money.of("2.25"));
        // And it is written back in the current format.
        assertThat(serde.write(back)[0]).isEqualTo(DetectorStateSerde.FORMAT_V3);
    }

    @Test
    void shouldRoundTripAnEmptyState() {
        DetectorState back = serde.read(serde.write(DetectorState.empty()));

        assertThat(back.newest()).isNull();
        assertThat(back.pending().settledBefore()).isEqualTo(PendingWindows.NOTHING_SETTLED);
        assertThat(back.resolvedBefore()).isEqualTo(DetectorState.NEVER_RESOLVED);
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
