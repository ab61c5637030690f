package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RarityCalibrationTest {

    @Test
    void shouldLeaveATailAloneWhenTheSeriesWasNeverThatRareAndRaiseItToHowOftenItWas() {
        RarityCalibration calibration = RarityCalibration.empty();
        for (int i = 0; i < 1_000; i++) {
            // 990 ordinary windows, 10 that their rarity called one in a billion.
            calibration.add(i % 100 == 0 ? 1e-9 : 0.5, 1.0, 1.0);
        }

        assertThat(calibration.atMost(1e-9)).isEqualTo(10.0);
        // 10 windows of 1,000 were that rare: with a prior of 1,000 windows, (1000 * 1e-9 + 10) / 2000.
        assertThat(calibration.calibrated(1e-9, 1_000)).isCloseTo(0.005, within(1e-6));
        // Never below the tail itself, however calm the record.
        assertThat(calibration.calibrated(0.3, 1_000)).isGreaterThanOrEqualTo(0.3);
        assertThat(RarityCalibration.empty().calibrated(1e-4, 1_000)).isEqualTo(1e-4);
    }

    @Test
    void shouldOnlyLowerScoresAndLeaveACalmSeriesFirstBurstAsBefore() {
        DetectorSettings plain = DetectorSettings.defaults();
        CostDetector off = new CostDetector(plain);
        CostDetector on = new CostDetector(new DetectorSettings(plain.alpha(), plain.warmupWindows(),
                plain.relativeFloor(), plain.absoluteFloor(), plain.anomalousScore(), plain.minSigmas(),
                plain.clipSigmas(), plain.spreadAlpha(), plain.tailMemory(), plain.seasonalSlots(),
                plain.seasonalWeight(), plain.onsetWindows(), plain.twoSided(), plain.weeklyMinWeeks(),
                plain.weeklyWeight(), plain.trendAlpha(), plain.trendDamping(), plain.dropWeight(), 1000.0,
                plain.shape()));
        Baseline burstyOff = off.newBaseline();
        Baseline burstyOn = on.newBaseline();
        Baseline calmOff = off.newBaseline();
        Baseline calmOn = on.newBaseline();
        long t = 1_800_000_000_000L;
        int lowered = 0;
        int calibratedAway = 0;
        int next = 30;
        int gap = 30;
        for (int i = 0; i < 3_000; i++, t += 300_000L) {
            // Zero between bursts whose gaps keep growing: each burst comes after a longer quiet stretch than the
            // last, against a scale that shrank meanwhile, so it looks rarer than the bursts the series keeps making.
            double bursty = 0.0;
            if (i == next) {
                bursty = 4e8;
                gap += 7;
                next = i + gap;
            }
            double withOut = off.observe(burstyOff, t, bursty).orElse(0.0);
            double with = on.observe(burstyOn, t, bursty).orElse(0.0);
            assertThat(with).isLessThanOrEqualTo(withOut);
            lowered += with < withOut ? 1 : 0;
            calibratedAway += withOut >= plain.anomalousScore() && with < plain.anomalousScore() ? 1 : 0;
            double calm = 100.0 + (i % 7) - 3;
            off.observe(calmOff, t, calm);
            on.observe(calmOn, t, calm);
        }

        assertThat(lowered).isPositive();
        assertThat(calibratedAway).isPositive();
        // A calm series' first 10x is as rare with the calibration as without: it never had a window that rare.
        assertThat(on.score(calmOn, t, 1000.0).getAsDouble())
                .isEqualTo(off.score(calmOff, t, 1000.0).getAsDouble());
    }
}
