package io.spendstream.anomaly.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.anomaly.avro.DetectorStateRecord;
import io.spendstream.anomaly.avro.IncidentRecord;
import io.spendstream.anomaly.avro.LeakRecord;
import io.spendstream.anomaly.avro.PendingWindowRecord;
import io.spendstream.anomaly.avro.RarityCalibrationRecord;
import io.spendstream.anomaly.avro.ShapeRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.DailyProfile;
import io.spendstream.anomaly.detector.DeviationHistogram;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.anomaly.detector.LeakWatch;
import io.spendstream.anomaly.detector.PendingWindow;
import io.spendstream.anomaly.detector.PendingWindows;
import io.spendstream.anomaly.detector.RarityCalibration;
import io.spendstream.anomaly.detector.ShapeMemory;
import io.spendstream.anomaly.detector.WeeklyProfile;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.serde.AvroBinary;

/**
 * Serde of the anomaly app's state store {@code anomaly-detector-state} (and so of its changelog topic): one
 * {@link DetectorState} as a format byte followed by Avro binary of the private {@code DetectorStateRecord} schema.
 *
 * <p>Not the Confluent wire format on purpose: the store must restore on any instance without a schema registry
 * round trip, and its bytes never leave the app. The leading byte names the writer schema; a later schema version
 * bumps it and keeps a reader for the older byte, so a restart after an upgrade restores the old state. Format 5
 * (rarity histogram, daily profile, weekly profile, trend, onset) is the first released one and is still read, with
 * its own schema ({@code DetectorStateRecord-v5.avsc}, resolved into the current one: its incident is a spike, its
 * series in order). Format 6 adds the incident's type (spike or drop) and what the drop judgement keeps,
 * format 7 the series' skew (its settle horizon) and the slow-leak rule's hours, format 8 the shape model's memory
 * (null while it is off), format 9 the rarity calibration (null while it is off) and the catch-up hold's
 * wall-clock mark (null when not held). Formats 1 to
 * 4 were never released and are rejected like any unknown byte (the store is then rebuilt from scratch by resetting
 * the app).
 */
public final class DetectorStateSerde implements Serde<DetectorState> {

    /** 5 = baseline with trend, deviation histogram, daily and weekly profiles, onset; incidents are spikes. */
    static final byte FORMAT_V5 = 5;
    /** 6 = format 5 plus the incident's type, out-of-order and drop marks. */
    static final byte FORMAT_V6 = 6;
    /** 7 = format 6 plus the series' skew and the slow-leak hours. */
    static final byte FORMAT_V7 = 7;
    /** 8 = format 7 plus the shape model's memory. */
    static final byte FORMAT_V8 = 8;
    /** 9 = the current {@code DetectorStateRecord}: format 8 plus the rarity calibration and the catch-up mark. */
    static final byte FORMAT_V9 = 9;
    /** The writer schema of format 8, as released. */
    static final Schema SCHEMA_V8 = PrivateAvroSerde.schemaResource(DetectorStateSerde.class,
            "DetectorStateRecord-v8.avsc");
    /** The writer schema of format 7, as released. */
    static final Schema SCHEMA_V7 = PrivateAvroSerde.schemaResource(DetectorStateSerde.class,
            "DetectorStateRecord-v7.avsc");
    /** The writer schema of format 6, as released. */
    static final Schema SCHEMA_V6 = PrivateAvroSerde.schemaResource(DetectorStateSerde.class,
            "DetectorStateRecord-v6.avsc");
    /** The writer schema of format 5, as released. */
    static final Schema SCHEMA_V5 = PrivateAvroSerde.schemaResource(DetectorStateSerde.class,
            "DetectorStateRecord-v5.avsc");

    // One store serde serves every stream thread; Avro's datum readers and writers are not documented thread-safe.
    private final ThreadLocal<SpecificDatumWriter<DetectorStateRecord>> writer =
            ThreadLocal.withInitial(() -> AvroBinary.specificWriter(DetectorStateRecord.class));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> reader =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(DetectorStateRecord.class));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> readerV5 = ThreadLocal.withInitial(
            () -> new SpecificDatumReader<>(SCHEMA_V5, DetectorStateRecord.getClassSchema()));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> readerV6 = ThreadLocal.withInitial(
            () -> new SpecificDatumReader<>(SCHEMA_V6, DetectorStateRecord.getClassSchema()));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> readerV7 = ThreadLocal.withInitial(
            () -> new SpecificDatumReader<>(SCHEMA_V7, DetectorStateRecord.getClassSchema()));
    private final ThreadLocal<SpecificDatumReader<DetectorStateRecord>> readerV8 = ThreadLocal.withInitial(
            () -> new SpecificDatumReader<>(SCHEMA_V8, DetectorStateRecord.getClassSchema()));

    @Override
    public Serializer<DetectorState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<DetectorState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public byte[] write(DetectorState state) {
        try {
            return AvroBinary.write(writer.get(), toRecord(state), FORMAT_V9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DetectorState read(byte[] bytes) {
        if (bytes.length == 0 || (bytes[0] != FORMAT_V9 && bytes[0] != FORMAT_V8 && bytes[0] != FORMAT_V7
                && bytes[0] != FORMAT_V6 && bytes[0] != FORMAT_V5)) {
            throw new SerializationException("Unknown detector state format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + "; expected " + FORMAT_V9 + ", "
                    + FORMAT_V8 + ", " + FORMAT_V7 + ", " + FORMAT_V6 + " or " + FORMAT_V5);
        }
        ThreadLocal<SpecificDatumReader<DetectorStateRecord>> from = bytes[0] == FORMAT_V9 ? reader
                : bytes[0] == FORMAT_V8 ? readerV8 : bytes[0] == FORMAT_V7 ? readerV7
                : bytes[0] == FORMAT_V6 ? readerV6 : readerV5;
        try {
            return fromRecord(AvroBinary.read(from.get(), bytes, 1));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt detector state: " + e.getMessage(), e);
        }
    }

    private static DetectorStateRecord toRecord(DetectorState state) {
        Baseline baseline = state.baseline();
        PendingWindows pending = state.pending();
        Incident incident = state.incident();
        WeeklyProfile weekly = baseline.weekly();
        List<PendingWindowRecord> windows = new ArrayList<>(pending.size());
        for (PendingWindow w : pending.windows()) {
            // The all-fields constructor, not the builder: the builder copies the schema's fields for every window of
            // every state written at a commit (2.7% of the anomaly app's stream thread with windows held; issue 18).
            windows.add(new PendingWindowRecord(Instant.ofEpochMilli(w.windowStart()),
                    Instant.ofEpochMilli(w.windowEnd()), Money.of(w.cost()), w.currency(),
                    Instant.ofEpochMilli(w.lastTimestamp()), w.finished()));
        }
        return DetectorStateRecord.newBuilder()
                .setLevel(baseline.level())
                .setMeanAbsDeviation(baseline.meanAbsDeviation())
                .setLearnedWindows(baseline.learnedWindows())
                .setSpread(baseline.spread())
                .setDeviationCounts(doubles(baseline.deviations().counts()))
                .setDeviationTotal(baseline.deviations().total())
                .setDailyTypicalPeak(doubles(baseline.daily().typicalPeaks()))
                .setDailyDayPeak(doubles(baseline.daily().dayPeaks()))
                .setDailyDay(PrimitiveLists.of(baseline.daily().days()))
                .setTrend(baseline.trend())
                .setWeeklyFactor(doubles(weekly.factors()))
                .setWeeklyWeeks(PrimitiveLists.of(weekly.weeks()))
                .setWeeklyDayMean(doubles(weekly.dayMeans()))
                .setWeeklyMeanDay(PrimitiveLists.of(weekly.meanDays()))
                .setWeeklyCurrentDay(weekly.currentDay())
                .setWeeklyCurrentSum(weekly.currentSum())
                .setWeeklyCurrentCount(weekly.currentCount())
                .setWeeklyFirstOffset(weekly.firstOffset())
                .setWeeklyLastOffset(weekly.lastOffset())
                .setInExcursion(baseline.inExcursion())
                .setWindowsSinceOnset(baseline.windowsSinceOnset() == Baseline.NO_ONSET ? null
                        : baseline.windowsSinceOnset())
                .setOnsetScore(baseline.onsetScore())
                .setPending(windows)
                .setSettledBefore(pending.settledBefore() == PendingWindows.NOTHING_SETTLED ? null
                        : Instant.ofEpochMilli(pending.settledBefore()))
                .setResolvedBefore(state.resolvedBefore() == DetectorState.NEVER_RESOLVED ? null
                        : Instant.ofEpochMilli(state.resolvedBefore()))
                .setOutOfOrderAt(state.outOfOrderAt() == DetectorState.ALWAYS_IN_ORDER ? null
                        : Instant.ofEpochMilli(state.outOfOrderAt()))
                .setDropsJudgedBefore(state.dropsJudgedBefore() == DetectorState.NOTHING_JUDGED ? null
                        : Instant.ofEpochMilli(state.dropsJudgedBefore()))
                .setIncident(incident == null ? null : IncidentRecord.newBuilder()
                        .setType(incident.type().name())
                        .setAnomalyId(incident.anomalyId())
                        .setStartedAt(Instant.ofEpochMilli(incident.startedAt()))
                        .setSeverity(incident.severity().name())
                        .setPeakObserved(Money.of(incident.peakObserved()))
                        .setExcessCost(Money.of(incident.excessCost()))
                        .setQuietWindows(incident.quietWindows())
                        .setLastActiveWindowEnd(Instant.ofEpochMilli(incident.lastActiveWindowEnd()))
                        .build())
                .setSkew(state.skew())
                .setSkewSeenAt(state.skewSeenAt() == DetectorState.ALWAYS_IN_ORDER ? null
                        : Instant.ofEpochMilli(state.skewSeenAt()))
                .setLeak(leak(state.leak()))
                .setShape(shape(baseline.shape()))
                .setCalibration(calibration(baseline.calibration()))
                .setHeldAt(state.heldAt() == DetectorState.NOT_HELD ? null : Instant.ofEpochMilli(state.heldAt()))
                .build();
    }

    private static ShapeRecord shape(ShapeMemory memory) {
        if (memory.capacity() == 0) {
            return null;
        }
        List<Float> counts = PrimitiveLists.asFloats(memory.contextCounts());
        return ShapeRecord.newBuilder()
                .setCapacity(memory.capacity())
                .setKeys(PrimitiveLists.of(memory.contextKeys()))
                .setCounts(counts)
                .setAges(PrimitiveLists.of(memory.ages()))
                .setClock(memory.clock())
                .setTotal(memory.total())
                .setPreviousBin(memory.previousBin())
                .setBeforePreviousBin(memory.beforePreviousBin())
                .build();
    }

    private static ShapeMemory shape(ShapeRecord record) {
        return record == null ? ShapeMemory.empty(0) : ShapeMemory.of(record.getCapacity(),
                record.getKeys().stream().mapToLong(Long::longValue).toArray(),
                record.getCounts().stream().mapToDouble(Float::doubleValue).toArray(),
                record.getAges().stream().mapToLong(Long::longValue).toArray(),
                record.getClock(), record.getTotal(), record.getPreviousBin(), record.getBeforePreviousBin());
    }

    private static RarityCalibrationRecord calibration(RarityCalibration calibration) {
        if (calibration.isEmpty()) {
            return null;
        }
        List<Float> counts = PrimitiveLists.asFloats(calibration.counts());
        return RarityCalibrationRecord.newBuilder().setCounts(counts).setTotal(calibration.total()).build();
    }

    private static RarityCalibration calibration(RarityCalibrationRecord record) {
        return record == null ? RarityCalibration.NONE : RarityCalibration.of(
                record.getCounts().stream().mapToDouble(Float::doubleValue).toArray(), record.getTotal());
    }

    private static LeakRecord leak(LeakWatch watch) {
        return watch == null ? null : LeakRecord.newBuilder()
                .setHourMeans(doubles(watch.means()))
                .setHour(watch.hour())
                .setSum(watch.sum())
                .setCount(watch.count())
                .setOpenedAt(watch.isOpen() ? Instant.ofEpochMilli(watch.openedAt()) : null)
                .setExcess(watch.excess())
                .setPeak(watch.peak())
                .build();
    }

    private static LeakWatch leak(LeakRecord record) {
        return record == null ? null : LeakWatch.of(doubles(record.getHourMeans()), record.getHour(),
                record.getSum(), record.getCount(),
                record.getOpenedAt() == null ? LeakWatch.NONE : record.getOpenedAt().toEpochMilli(),
                record.getExcess(), record.getPeak());
    }

    private static DetectorState fromRecord(DetectorStateRecord record) {
        DeviationHistogram deviations = DeviationHistogram.of(doubles(record.getDeviationCounts()),
                record.getDeviationTotal());
        DailyProfile daily = DailyProfile.of(doubles(record.getDailyTypicalPeak()),
                doubles(record.getDailyDayPeak()),
                record.getDailyDay().stream().mapToLong(Long::longValue).toArray());
        WeeklyProfile weekly = WeeklyProfile.of(doubles(record.getWeeklyFactor()),
                record.getWeeklyWeeks().stream().mapToInt(Integer::intValue).toArray(),
                doubles(record.getWeeklyDayMean()),
                record.getWeeklyMeanDay().stream().mapToLong(Long::longValue).toArray(),
                record.getWeeklyCurrentDay(), record.getWeeklyCurrentSum(), record.getWeeklyCurrentCount(),
                record.getWeeklyFirstOffset(), record.getWeeklyLastOffset());
        Baseline baseline = Baseline.of(record.getLevel(), record.getTrend(), record.getMeanAbsDeviation(),
                record.getSpread(), record.getLearnedWindows(), deviations, daily, weekly, record.getInExcursion(),
                record.getWindowsSinceOnset() == null ? Baseline.NO_ONSET : record.getWindowsSinceOnset(),
                record.getOnsetScore()).withShape(shape(record.getShape()))
                .withCalibration(calibration(record.getCalibration()));
        List<PendingWindow> windows = new ArrayList<>(record.getPending().size());
        for (PendingWindowRecord w : record.getPending()) {
            windows.add(new PendingWindow(w.getWindowStart().toEpochMilli(), w.getWindowEnd().toEpochMilli(),
                    w.getCost(), w.getCurrency(), w.getLastTimestamp().toEpochMilli(), w.getFinished()));
        }
        PendingWindows pending = PendingWindows.of(windows, record.getSettledBefore() == null
                ? PendingWindows.NOTHING_SETTLED : record.getSettledBefore().toEpochMilli());
        IncidentRecord i = record.getIncident();
        Incident incident = i == null ? null : incident(i.getType(), i.getAnomalyId(), i.getStartedAt(),
                i.getSeverity(), i.getPeakObserved(), i.getExcessCost(), i.getQuietWindows(),
                i.getLastActiveWindowEnd());
        return new DetectorState(baseline, pending, incident,
                record.getResolvedBefore() == null ? DetectorState.NEVER_RESOLVED
                        : record.getResolvedBefore().toEpochMilli(),
                record.getOutOfOrderAt() == null ? DetectorState.ALWAYS_IN_ORDER
                        : record.getOutOfOrderAt().toEpochMilli(),
                record.getDropsJudgedBefore() == null ? DetectorState.NOTHING_JUDGED
                        : record.getDropsJudgedBefore().toEpochMilli(),
                record.getSkew(),
                record.getSkewSeenAt() == null ? DetectorState.ALWAYS_IN_ORDER : record.getSkewSeenAt().toEpochMilli(),
                leak(record.getLeak()),
                record.getHeldAt() == null ? DetectorState.NOT_HELD : record.getHeldAt().toEpochMilli());
    }

    private static List<Double> doubles(double[] values) {
        return PrimitiveLists.of(values);
    }

    private static double[] doubles(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static Incident incident(String type, String anomalyId, Instant startedAt, String severity,
            BigDecimal peakObserved, BigDecimal excessCost, int quietWindows, Instant lastActiveWindowEnd) {
        return new Incident(AnomalyType.valueOf(type), anomalyId, startedAt.toEpochMilli(), Severity.valueOf(severity), peakObserved, excessCost,
                quietWindows, lastActiveWindowEnd.toEpochMilli());
    }
}
