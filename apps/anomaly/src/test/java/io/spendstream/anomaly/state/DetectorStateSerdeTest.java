package io.spendstream.anomaly.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.DetectorStateRecord;
import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.DetectorSettings;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.anomaly.detector.LeakWatch;
import io.spendstream.anomaly.detector.PendingWindow;
import io.spendstream.anomaly.detector.PendingWindows;
import io.spendstream.anomaly.detector.ShapeSettings;
import io.spendstream.anomaly.detector.WeeklyProfile;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

class DetectorStateSerdeTest {

    private final DetectorStateSerde serde = new DetectorStateSerde();

    @Test
    void shouldRoundTripAStateWithPendingWindowsAndAnOpenIncident() {
        PendingWindow finished = new PendingWindow(1_000L, 61_000L, Money.of("10.000000000001"), "USD", 31_000L, true);
        PendingWindow newest = new PendingWindow(61_000L, 121_000L, Money.of("2.5"), "USD", 70_000L, false);
        CostDetector detector = new CostDetector(DetectorSettings.defaults());
        Baseline learned = detector.newBaseline();
        Random random = new Random(5);
        for (int i = 0; i < 3_000; i++) {
            // Two days of one-minute windows with a burst every night at 02:10: every part of the state is used.
            long minute = 1_700_000_000_000L + i * 60_000L;
            boolean burst = Math.floorMod(minute, 86_400_000L) / 60_000L == 130;
            detector.learn(learned, minute, burst ? 9.0 : 1.0 + 0.05 * random.nextGaussian());
        }
        DetectorState state = new DetectorState(learned,
                PendingWindows.of(List.of(finished, newest), 1_000L),
                new Incident(AnomalyType.COST_DROP, "cost-drop:service:checkout:1000", 1_000L, Severity.TICKET,
                        Money.of("0.5"), Money.of("-44.123456789012"), 1, 61_000L), 500L, 240_000L, 121_000L);

        DetectorState back = serde.deserializer().deserialize("changelog",
                serde.serializer().serialize("changelog", state));

        Baseline restored = back.baseline();
        assertThat(restored.level()).isEqualTo(learned.level());
        assertThat(restored.meanAbsDeviation()).isEqualTo(learned.meanAbsDeviation());
        assertThat(restored.spread()).isEqualTo(learned.spread());
        assertThat(restored.learnedWindows()).isEqualTo(3_000);
        assertThat(restored.deviations().counts()).containsExactly(learned.deviations().counts());
        assertThat(restored.deviations().total()).isEqualTo(learned.deviations().total());
        assertThat(restored.daily().typicalPeaks()).containsExactly(learned.daily().typicalPeaks());
        assertThat(restored.daily().dayPeaks()).containsExactly(learned.daily().dayPeaks());
        assertThat(restored.daily().days()).containsExactly(learned.daily().days());
        assertThat(restored.inExcursion()).isEqualTo(learned.inExcursion());
        assertThat(restored.windowsSinceOnset()).isEqualTo(learned.windowsSinceOnset());
        assertThat(restored.onsetScore()).isEqualTo(learned.onsetScore());
        // The burst slot learned a typical peak; and the restored baseline scores exactly as the original.
        assertThat(java.util.Arrays.stream(learned.daily().typicalPeaks()).max().getAsDouble()).isGreaterThan(10.0);
        long next = 1_700_000_000_000L + 3_000 * 60_000L;
        assertThat(detector.score(restored, next, 9.0)).isEqualTo(detector.score(learned, next, 9.0));
        assertThat(back.pending().windows()).containsExactly(finished, newest);
        assertThat(back.pending().settledBefore()).isEqualTo(1_000L);
        assertThat(back.newest()).isEqualTo(newest);
        assertThat(back.resolvedBefore()).isEqualTo(500L);
        assertThat(back.outOfOrderAt()).isEqualTo(240_000L);
        assertThat(back.dropsJudgedBefore()).isEqualTo(121_000L);
        Incident incident = back.incident();
        assertThat(incident.type()).isEqualTo(AnomalyType.COST_DROP);
        assertThat(incident.anomalyId()).isEqualTo("cost-drop:service:checkout:1000");
        assertThat(incident.startedAt()).isEqualTo(1_000L);
        assertThat(incident.severity()).isEqualTo(Severity.TICKET);
        assertThat(incident.peakObserved()).isEqualTo(Money.of("0.5"));
        assertThat(incident.excessCost()).isEqualTo(Money.of("-44.123456789012"));
        assertThat(incident.quietWindows()).isEqualTo(1);
        assertThat(incident.lastActiveWindowEnd()).isEqualTo(61_000L);
    }

    @Test
    void shouldRefuseTheUnreleasedEarlierFormats() {
        byte[] bytes = serde.write(DetectorState.empty(48));
        for (byte format = 1; format <= 4; format++) {
            bytes[0] = format;

            assertThatThrownBy(() -> serde.read(bytes)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("expected 9, 8, 7, 6 or 5");
        }
    }

    @Test
    void shouldRestoreAStateWrittenInTheReleasedFormatFiveAsASpikeOfASeriesInOrder() throws IOException {
        DetectorState current = new DetectorState(DetectorState.empty(48).baseline(), PendingWindows.empty(),
                new Incident(AnomalyType.COST_SPIKE, "cost-spike:service:checkout:1000", 1_000L, Severity.PAGE,
                        Money.of("12.5"), Money.of("44.1"), 0, 61_000L), 500L, DetectorState.ALWAYS_IN_ORDER,
                DetectorState.NOTHING_JUDGED);
        byte[] v5 = asFormat(serde.write(current), DetectorStateSerde.SCHEMA_V5, DetectorStateSerde.FORMAT_V5);

        DetectorState back = serde.read(v5);

        assertThat(v5[0]).isEqualTo(DetectorStateSerde.FORMAT_V5);
        assertThat(back.incident().type()).isEqualTo(AnomalyType.COST_SPIKE);
        assertThat(back.incident().anomalyId()).isEqualTo("cost-spike:service:checkout:1000");
        assertThat(back.incident().excessCost()).isEqualTo(Money.of("44.1"));
        assertThat(back.resolvedBefore()).isEqualTo(500L);
        assertThat(back.outOfOrderAt()).isEqualTo(DetectorState.ALWAYS_IN_ORDER);
        assertThat(back.dropsJudgedBefore()).isEqualTo(DetectorState.NOTHING_JUDGED);
    }

    @Test
    void shouldRestoreAStateWrittenInTheReleasedFormatSixAsInOrderWithoutLeakHours() throws IOException {
        DetectorState current = lateWithLeakHours(DetectorState.empty(48).baseline());
        byte[] v6 = asFormat(serde.write(current), DetectorStateSerde.SCHEMA_V6, DetectorStateSerde.FORMAT_V6);

        DetectorState back = serde.read(v6);

        assertThat(v6[0]).isEqualTo(DetectorStateSerde.FORMAT_V6);
        assertThat(back.outOfOrderAt()).isEqualTo(240_000L);
        assertThat(back.dropsJudgedBefore()).isEqualTo(121_000L);
        assertThat(back.skew()).isZero();
        assertThat(back.skewSeenAt()).isEqualTo(DetectorState.ALWAYS_IN_ORDER);
        assertThat(back.leak()).isNull();
    }

    @Test
    void shouldRestoreAStateWrittenInTheReleasedFormatSevenWithoutAShapeMemory() throws IOException {
        CostDetector detector = new CostDetector(DetectorSettings.defaults());
        Baseline learned = twentyRisingWindows(detector);
        byte[] v7 = asFormat(serde.write(lateWithLeakHours(learned)), DetectorStateSerde.SCHEMA_V7,
                DetectorStateSerde.FORMAT_V7);

        DetectorState back = serde.read(v7);

        assertThat(learned.shape().contextKeys()).isNotEmpty();
        assertThat(v7[0]).isEqualTo(DetectorStateSerde.FORMAT_V7);
        assertThat(back.skew()).isEqualTo(3_600_000L);
        assertThat(back.leak()).isNotNull();
        assertThat(back.baseline().learnedWindows()).isEqualTo(20);
        // Format 7 had no shape memory: the series goes on without one until its next learned window starts it.
        assertThat(back.baseline().shape().capacity()).isZero();
        detector.learn(back.baseline(), 1_800_000_000_000L + 20 * 60_000L, 30.0);
        assertThat(back.baseline().shape().capacity()).isEqualTo(DetectorSettings.defaults().shape().capacity());
    }

    @Test
    void shouldRoundTripTheCatchUpHold() {
        DetectorState held = new DetectorState(DetectorState.empty(48).baseline(), PendingWindows.empty(), null,
                DetectorState.NEVER_RESOLVED, DetectorState.ALWAYS_IN_ORDER, DetectorState.NOTHING_JUDGED, 0,
                DetectorState.ALWAYS_IN_ORDER, null, 1_800_000_123_000L);

        assertThat(serde.read(serde.write(held)).heldAt()).isEqualTo(1_800_000_123_000L);
        assertThat(serde.read(serde.write(DetectorState.empty(48))).isHeld()).isFalse();
    }

    @Test
    void shouldRestoreAStateWrittenInTheReleasedFormatEightWithoutARarityCalibrationAndNotHeld() throws IOException {
        CostDetector detector = new CostDetector(calibrated());
        Baseline learned = twentyRisingWindows(detector);
        byte[] v8 = asFormat(serde.write(lateWithLeakHours(learned)), DetectorStateSerde.SCHEMA_V8,
                DetectorStateSerde.FORMAT_V8);

        DetectorState back = serde.read(v8);

        assertThat(learned.calibration().isEmpty()).isFalse();
        assertThat(v8[0]).isEqualTo(DetectorStateSerde.FORMAT_V8);
        assertThat(back.isHeld()).isFalse();
        assertThat(back.skew()).isEqualTo(3_600_000L);
        assertThat(back.baseline().learnedWindows()).isEqualTo(20);
        assertThat(back.baseline().shape().contextKeys()).containsExactly(learned.shape().contextKeys());
        // Format 8 had no calibration: it scores uncalibrated until its next learned window starts one.
        assertThat(back.baseline().calibration().isEmpty()).isTrue();
        detector.learn(back.baseline(), 1_800_000_000_000L + 20 * 60_000L, 30.0);
        assertThat(back.baseline().calibration().total()).isEqualTo(1.0);
    }

    @Test
    void shouldRoundTripTheRarityCalibrationSoARestoredSeriesScoresAsBefore() {
        CostDetector detector = new CostDetector(calibrated());
        Baseline learned = detector.newBaseline();
        long t = 1_800_000_000_000L;
        for (int i = 0; i < 600; i++, t += 60_000L) {
            // Flat with a burst to 10x every 40 windows: rare windows far more often than their rarity says.
            detector.observe(learned, t, i % 40 == 0 ? 100.0 : 10.0);
        }

        Baseline back = serde.read(serde.write(DetectorState.ofBaseline(learned))).baseline();

        assertThat(back.calibration().total()).isEqualTo(learned.calibration().total());
        for (double value : new double[] {10.0, 100.0, 13.0}) {
            // Counts are stored as floats: the scores agree to far better than any threshold's resolution.
            assertThat(detector.score(back, t, value).getAsDouble())
                    .isCloseTo(detector.score(learned, t, value).getAsDouble(), within(1e-6));
        }
    }

    /**
     * Issue 18: the anomaly app keeps each series' state as an object between commits and writes it once per commit
     * (WriteBackKeyValueStore); after a crash it reads the state back from its changelog and replays the records since
     * the last commit. The series must then learn on exactly as the object did: what the object holds must be what
     * the serde keeps (the shape model's and the calibration's counts are stored as floats).
     */
    @Test
    void shouldLearnOnFromARestoredStateExactlyAsFromTheStateKeptAsAnObject() {
        CostDetector detector = new CostDetector(calibrated());
        Baseline kept = detector.newBaseline();
        Random random = new Random(18);
        long t = 1_800_000_000_000L;
        for (int i = 0; i < 600; i++, t += 60_000L) {
            // Noisy with a burst every 40 windows: the shape model and the calibration both count.
            detector.observe(kept, t, i % 40 == 0 ? 100.0 : 10.0 * (1.0 + 0.05 * random.nextGaussian()));
        }
        DetectorState restored = serde.read(serde.write(DetectorState.ofBaseline(kept)));

        for (int i = 600; i < 900; i++, t += 60_000L) {
            double value = i % 40 == 0 ? 100.0 : 10.0 * (1.0 + 0.05 * random.nextGaussian());
            detector.observe(kept, t, value);
            detector.observe(restored.baseline(), t, value);
        }

        assertThat(kept.shape().total()).isPositive();
        assertThat(kept.calibration().total()).isPositive();
        assertThat(serde.write(restored)).as("the restored series' state, 300 windows later")
                .containsExactly(serde.write(DetectorState.ofBaseline(kept)));
    }

    private static Baseline twentyRisingWindows(CostDetector detector) {
        Baseline learned = detector.newBaseline();
        for (int i = 0; i < 20; i++) {
            detector.learn(learned, 1_800_000_000_000L + i * 60_000L, 10.0 + i);
        }
        return learned;
    }

    private static DetectorSettings calibrated() {
        DetectorSettings d = DetectorSettings.defaults();
        return new DetectorSettings(d.alpha(), d.warmupWindows(), d.relativeFloor(), d.absoluteFloor(),
                d.anomalousScore(), d.minSigmas(), d.clipSigmas(), d.spreadAlpha(), d.tailMemory(), d.seasonalSlots(),
                d.seasonalWeight(), d.onsetWindows(), d.twoSided(), d.weeklyMinWeeks(), d.weeklyWeight(),
                d.trendAlpha(), d.trendDamping(), d.dropWeight(), 1000.0, d.shape());
    }

    /** A state whose updates arrived late (out of order, skewed) and that holds the slow-leak rule's hours. */
    private static DetectorState lateWithLeakHours(Baseline baseline) {
        return new DetectorState(baseline, PendingWindows.empty(), null, 500L, 240_000L, 121_000L, 3_600_000L,
                7_200_000L, LeakWatch.empty());
    }

    @Test
    void shouldRoundTripTheShapeMemorySoARestoredSeriesScoresAsBefore() {
        DetectorSettings settings = DetectorSettings.defaults().withShape(new ShapeSettings(16, 0.1, 2, 0.1, 1.0,
                2000, 0, 0.0));
        CostDetector detector = new CostDetector(settings);
        Baseline learned = detector.newBaseline();
        Random random = new Random(8);
        long t = 1_800_000_000_000L;
        for (int i = 0; i < 600; i++, t += 60_000L) {
            // Quiet with a burst to 10x every 50 windows: more contexts than the memory holds, some repeated.
            double value = i % 50 == 0 ? 100.0 : 10.0 * (1.0 + 0.3 * random.nextGaussian());
            detector.observe(learned, t, value);
        }

        Baseline back = serde.read(serde.write(DetectorState.ofBaseline(learned))).baseline();

        assertThat(back.shape().capacity()).isEqualTo(16);
        assertThat(back.shape().contextKeys()).containsExactly(learned.shape().contextKeys());
        assertThat(back.shape().ages()).containsExactly(learned.shape().ages());
        assertThat(back.shape().clock()).isEqualTo(600);
        for (double value : new double[] {10.0, 100.0, 13.0}) {
            // Counts are stored as floats: the scores agree to far better than any threshold's resolution.
            assertThat(detector.score(back, t, value).getAsDouble())
                    .isCloseTo(detector.score(learned, t, value).getAsDouble(), within(1e-6));
        }
    }

    @Test
    void shouldRoundTripTheSkewAndTheLeakHours() {
        double[] means = new double[LeakWatch.RING_HOURS];
        java.util.Arrays.fill(means, Double.NaN);
        means[3] = 1.25;
        means[4] = 1.5;
        LeakWatch leak = LeakWatch.of(means, 500_005L, 12.5, 10, 1_800_000_000_000L, 42.5, 1.5);
        DetectorState state = new DetectorState(DetectorState.empty(48).baseline(), PendingWindows.empty(), null,
                DetectorState.NEVER_RESOLVED, DetectorState.ALWAYS_IN_ORDER, DetectorState.NOTHING_JUDGED,
                5_400_000L, 1_800_000_600_000L, leak);

        DetectorState back = serde.read(serde.write(state));

        assertThat(back.skew()).isEqualTo(5_400_000L);
        assertThat(back.skewSeenAt()).isEqualTo(1_800_000_600_000L);
        LeakWatch restored = back.leak();
        assertThat(restored.means()).containsExactly(means);
        assertThat(restored.hour()).isEqualTo(500_005L);
        assertThat(restored.sum()).isEqualTo(12.5);
        assertThat(restored.count()).isEqualTo(10);
        assertThat(restored.openedAt()).isEqualTo(1_800_000_000_000L);
        assertThat(restored.excess()).isEqualTo(42.5);
        assertThat(restored.peak()).isEqualTo(1.5);
    }

    /** The same state as a released format wrote it: the current bytes resolved into that format's schema. */
    private static byte[] asFormat(byte[] current, org.apache.avro.Schema schema, byte format) throws IOException {
        GenericRecord old = new GenericDatumReader<GenericRecord>(DetectorStateRecord.getClassSchema(), schema)
                .read(null, DecoderFactory.get().binaryDecoder(current, 1, current.length - 1, null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(format);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(old, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void shouldRoundTripTheWeeklyProfileAndTheTrend() {
        CostDetector detector = new CostDetector(DetectorSettings.defaults().withTrend(0.01, 0.98));
        Baseline learned = detector.newBaseline();
        Random random = new Random(6);
        long monday = 1_763_942_400_000L; // 2025-11-24T00:00Z, a Monday
        long hour = 3_600_000L;
        // Three and a half weeks of hourly windows, weekends at 40%: the factors are in use and a day is half summed.
        int hours = 24 * (3 * 7 + 3) + 12;
        for (int i = 0; i < hours; i++) {
            boolean weekend = (i / 24) % 7 >= 5;
            detector.learn(learned, monday + i * hour, (weekend ? 4.0 : 10.0) * (1 + 0.05 * random.nextGaussian()));
        }
        long saturday = monday + 24L * (3 * 7 + 5) * hour;
        assertThat(detector.weeklyFactor(learned, saturday)).isLessThan(0.6);
        assertThat(learned.trend()).isNotZero();

        Baseline restored = serde.read(serde.write(new DetectorState(learned, PendingWindows.empty(), null,
                DetectorState.NEVER_RESOLVED, DetectorState.ALWAYS_IN_ORDER, DetectorState.NOTHING_JUDGED)))
                .baseline();

        assertThat(restored.trend()).isEqualTo(learned.trend());
        WeeklyProfile weekly = restored.weekly();
        WeeklyProfile original = learned.weekly();
        assertThat(weekly.factors()).containsExactly(original.factors());
        assertThat(weekly.weeks()).containsExactly(original.weeks());
        assertThat(weekly.dayMeans()).containsExactly(original.dayMeans());
        assertThat(weekly.meanDays()).containsExactly(original.meanDays());
        assertThat(weekly.currentDay()).isEqualTo(original.currentDay());
        assertThat(weekly.currentSum()).isEqualTo(original.currentSum());
        assertThat(weekly.currentCount()).isEqualTo(original.currentCount()).isEqualTo(12);
        assertThat(weekly.firstOffset()).isEqualTo(original.firstOffset());
        assertThat(weekly.lastOffset()).isEqualTo(original.lastOffset());
        long next = monday + hours * hour;
        assertThat(detector.expected(restored, next)).isEqualTo(detector.expected(learned, next));
        assertThat(detector.score(restored, next, 30.0)).isEqualTo(detector.score(learned, next, 30.0));
    }

    @Test
    void shouldRoundTripAnEmptyState() {
        DetectorState back = serde.read(serde.write(DetectorState.empty(48)));

        assertThat(back.newest()).isNull();
        assertThat(back.pending().settledBefore()).isEqualTo(PendingWindows.NOTHING_SETTLED);
        assertThat(back.resolvedBefore()).isEqualTo(DetectorState.NEVER_RESOLVED);
        assertThat(back.incident()).isNull();
        assertThat(back.baseline().learnedWindows()).isZero();
    }

    @Test
    void shouldRefuseBytesOfAnUnknownFormat() {
        byte[] bytes = serde.write(DetectorState.empty(48));
        bytes[0] = 10;

        assertThatThrownBy(() -> serde.read(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown detector state format 10");
    }
}
