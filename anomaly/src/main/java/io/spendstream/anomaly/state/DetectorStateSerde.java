package io.spendstream.anomaly.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
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

import io.spendstream.anomaly.avro.DetectorStateRecord;
import io.spendstream.anomaly.avro.IncidentRecord;
import io.spendstream.anomaly.avro.PendingWindowRecord;
import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.anomaly.detector.PendingWindow;
import io.spendstream.anomaly.detector.PendingWindows;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * Serde of the anomaly app's state store {@code anomaly-detector-state} (and so of its changelog topic): one
 * {@link DetectorState} as a format byte followed by Avro binary of the private {@code DetectorStateRecord} schema.
 *
 * <p>Not the Confluent wire format on purpose: the store must restore on any instance without a schema registry
 * round trip, and its bytes never leave the app. The leading byte names the writer schema; a later schema version
 * bumps it and keeps a reader for the older byte, so a restart after an upgrade restores the old state. Format 1
 * (one current window, learned as soon as a newer one arrived) is read by {@link DetectorStateV1}. Format 2 (no slow
 * spread, no peak) is read with its writer schema kept as a resource and resolved to the current one: its spread
 * starts at its mean absolute deviation, its peak at 0.
 */
public final class DetectorStateSerde implements Serde<DetectorState> {

    /** Writer schema version of the bytes: 2 = pending windows, without spread and peak. */
    static final byte FORMAT_V2 = 2;
    /** 3 = the current {@code DetectorStateRecord}: format 2 plus the slow spread, the peak z and the excursion's. */
    static final byte FORMAT_V3 = 3;
    static final String SCHEMA_V2_RESOURCE = "DetectorStateRecord-v2.avsc";
    private static final Schema SCHEMA_V2 = loadSchema(SCHEMA_V2_RESOURCE);

    // One store serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<DetectorStateRecord>> writer =
            ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(DetectorStateRecord.class));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> reader =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(DetectorStateRecord.class));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> readerV2 = ThreadLocal.withInitial(
            () -> new SpecificDatumReader<>(SCHEMA_V2, DetectorStateRecord.getClassSchema()));
    private final DetectorStateV1 formatV1 = new DetectorStateV1();

    @Override
    public Serializer<DetectorState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<DetectorState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public byte[] write(DetectorState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(FORMAT_V3);
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
        if (bytes.length == 0 || (bytes[0] != FORMAT_V3 && bytes[0] != FORMAT_V2
                && bytes[0] != DetectorStateV1.FORMAT)) {
            throw new SerializationException("Unknown detector state format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected "
                    + DetectorStateV1.FORMAT + ", " + FORMAT_V2 + " or " + FORMAT_V3);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            if (bytes[0] == DetectorStateV1.FORMAT) {
                return formatV1.read(decoder);
            }
            if (bytes[0] == FORMAT_V2) {
                DetectorStateRecord record = readerV2.get().read(null, decoder);
                record.setSpread(record.getMeanAbsDeviation());
                return fromRecord(record);
            }
            return fromRecord(reader.get().read(null, decoder));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt detector state: " + e.getMessage(), e);
        }
    }

    private static DetectorStateRecord toRecord(DetectorState state) {
        Baseline baseline = state.baseline();
        PendingWindows pending = state.pending();
        Incident incident = state.incident();
        List<PendingWindowRecord> windows = new ArrayList<>(pending.size());
        for (PendingWindow w : pending.windows()) {
            windows.add(PendingWindowRecord.newBuilder()
                    .setWindowStart(Instant.ofEpochMilli(w.windowStart()))
                    .setWindowEnd(Instant.ofEpochMilli(w.windowEnd()))
                    .setCost(Money.of(w.cost()))
                    .setCurrency(w.currency())
                    .setLastTimestamp(Instant.ofEpochMilli(w.lastTimestamp()))
                    .setFinished(w.finished())
                    .build());
        }
        return DetectorStateRecord.newBuilder()
                .setLevel(baseline.level())
                .setMeanAbsDeviation(baseline.meanAbsDeviation())
                .setLearnedWindows(baseline.learnedWindows())
                .setSpread(baseline.spread())
                .setPeakZ(baseline.peakZ())
                .setExcursionPeakZ(baseline.excursionPeakZ())
                .setPending(windows)
                .setSettledBefore(pending.settledBefore() == PendingWindows.NOTHING_SETTLED ? null
                        : Instant.ofEpochMilli(pending.settledBefore()))
                .setResolvedBefore(state.resolvedBefore() == DetectorState.NEVER_RESOLVED ? null
                        : Instant.ofEpochMilli(state.resolvedBefore()))
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
        Baseline baseline = Baseline.of(record.getLevel(), record.getMeanAbsDeviation(), record.getSpread(),
                record.getPeakZ(), record.getExcursionPeakZ(), record.getLearnedWindows());
        List<PendingWindow> windows = new ArrayList<>(record.getPending().size());
        for (PendingWindowRecord w : record.getPending()) {
            windows.add(new PendingWindow(w.getWindowStart().toEpochMilli(), w.getWindowEnd().toEpochMilli(),
                    w.getCost(), w.getCurrency(), w.getLastTimestamp().toEpochMilli(), w.getFinished()));
        }
        PendingWindows pending = PendingWindows.of(windows, record.getSettledBefore() == null
                ? PendingWindows.NOTHING_SETTLED : record.getSettledBefore().toEpochMilli());
        IncidentRecord i = record.getIncident();
        Incident incident = i == null ? null : incident(i.getAnomalyId(), i.getStartedAt(), i.getSeverity(),
                i.getPeakObserved(), i.getExcessCost(), i.getQuietWindows(), i.getLastActiveWindowEnd());
        return new DetectorState(baseline, pending, incident, record.getResolvedBefore() == null
                ? DetectorState.NEVER_RESOLVED : record.getResolvedBefore().toEpochMilli());
    }

    static Schema loadSchema(String resource) {
        try (InputStream in = DetectorStateSerde.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Incident incident(String anomalyId, Instant startedAt, String severity, BigDecimal peakObserved,
            BigDecimal excessCost, int quietWindows, Instant lastActiveWindowEnd) {
        return new Incident(anomalyId, startedAt.toEpochMilli(), Severity.valueOf(severity), peakObserved, excessCost,
                quietWindows, lastActiveWindowEnd.toEpochMilli());
    }
}
