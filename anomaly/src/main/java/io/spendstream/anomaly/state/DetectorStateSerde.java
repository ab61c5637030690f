package io.spendstream.anomaly.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.anomaly.avro.CurrentWindowRecord;
import io.spendstream.anomaly.avro.DetectorStateRecord;
import io.spendstream.anomaly.avro.IncidentRecord;
import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CurrentWindow;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Serde of the anomaly app's state store {@code anomaly-detector-state} (and so of its changelog topic): one
 * {@link DetectorState} as a format byte followed by Avro binary of the private {@code DetectorStateRecord} schema.
 *
 * <p>Not the Confluent wire format on purpose: the store must restore on any instance without a schema registry
 * round trip, and its bytes never leave the app. The leading byte names the writer schema; a later schema version
 * bumps it and keeps a reader for the older byte, so a restart after an upgrade restores the old state.
 */
public final class DetectorStateSerde implements Serde<DetectorState> {

    /** Writer schema version of the bytes: 1 = the current {@code DetectorStateRecord}. */
    static final byte FORMAT_V1 = 1;

    // One store serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<DetectorStateRecord>> writer =
            ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(DetectorStateRecord.class));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> reader =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(DetectorStateRecord.class));

    @Override
    public Serializer<DetectorState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<DetectorState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public byte[] write(DetectorState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(FORMAT_V1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.get().write(toRecord(state), encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public DetectorState read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
            throw new SerializationException("Unknown detector state format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected " + FORMAT_V1);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            return fromRecord(reader.get().read(null, decoder));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt detector state: " + e.getMessage(), e);
        }
    }

    private static DetectorStateRecord toRecord(DetectorState state) {
        Baseline baseline = state.baseline();
        CurrentWindow current = state.current();
        Incident incident = state.incident();
        return DetectorStateRecord.newBuilder()
                .setLevel(baseline.level())
                .setMeanAbsDeviation(baseline.meanAbsDeviation())
                .setLearnedWindows(baseline.learnedWindows())
                .setCurrent(current == null ? null : CurrentWindowRecord.newBuilder()
                        .setWindowStart(Instant.ofEpochMilli(current.windowStart()))
                        .setWindowEnd(Instant.ofEpochMilli(current.windowEnd()))
                        .setCost(Money.of(current.cost()))
                        .setCurrency(current.currency())
                        .setLastTimestamp(Instant.ofEpochMilli(current.lastTimestamp()))
                        .build())
                .setIncident(incident == null ? null : IncidentRecord.newBuilder()
                        .setAnomalyId(incident.anomalyId())
                        .setStartedAt(Instant.ofEpochMilli(incident.startedAt()))
                        .setSeverity(incident.severity().name())
                        .setPeakObserved(Money.of(incident.peakObserved()))
                        .setExcessCost(Money.of(incident.excessCost()))
                        .setQuietWindows(incident.quietWindows())
                        .setLastActiveWindowEnd(Instant.ofEpochMilli(incident.lastActiveWindowEnd()))
                        .build())
                .build();
    }

    private static DetectorState fromRecord(DetectorStateRecord record) {
        Baseline baseline = Baseline.of(record.getLevel(), record.getMeanAbsDeviation(), record.getLearnedWindows());
        CurrentWindowRecord c = record.getCurrent();
        CurrentWindow current = c == null ? null : new CurrentWindow(c.getWindowStart().toEpochMilli(),
                c.getWindowEnd().toEpochMilli(), c.getCost(), c.getCurrency(), c.getLastTimestamp().toEpochMilli());
        IncidentRecord i = record.getIncident();
        Incident incident = i == null ? null : new Incident(i.getAnomalyId(), i.getStartedAt().toEpochMilli(),
                Severity.valueOf(i.getSeverity()), i.getPeakObserved(), i.getExcessCost(), i.getQuietWindows(),
                i.getLastActiveWindowEnd().toEpochMilli());
        return new DetectorState(baseline, current, incident);
    }
}
