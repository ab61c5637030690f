package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CostDetectorTest {

    private final CostDetector detector = new CostDetector(DetectorSettings.defaults());

    @Test
    void shouldNotScoreUntilWarmUpWindowsWereLearned() {
        Baseline baseline = Baseline.empty();
        for (int i = 0; i < 9; i++) {
            assertThat(detector.observe(baseline, 1.0)).isEmpty();
        }
        assertThat(detector.score(baseline, 100.0)).isEmpty();

        detector.learn(baseline, 1.0);

        assertThat(detector.score(baseline, 100.0)).isPresent();
    }

    @Test
    void shouldLearnAPlainRunningMeanDuringWarmUp() {
        Baseline baseline = Baseline.empty();
        double[] values = {2.0, 4.0, 6.0, 8.0};
        for (double v : values) {
            detector.learn(baseline, v);
        }

        assertThat(baseline.level()).isCloseTo(5.0, within(1e-12));
        // Deviations against the running level before each step: |4-2|, |6-3|, |8-4| -> mean 3.
        assertThat(baseline.meanAbsDeviation()).isCloseTo(3.0, within(1e-12));
        assertThat(baseline.learnedWindows()).isEqualTo(4);
    }

    @Test
    void shouldFloorTheScaleOfAFlatSeries() {
        Baseline baseline = learned(20, 2.0);

        assertThat(baseline.meanAbsDeviation()).isZero();
        assertThat(detector.scale(baseline)).isCloseTo(0.05 * 2.0 + 1e-6, within(1e-12));
        // A 10% wobble on a flat series is two floors, far from anomalous.
        assertThat(detector.score(baseline, 2.2).getAsDouble()).isLessThan(0.9);
    }

    @Test
    void shouldMapZScoresToScoresBetweenZeroAndOne() {
        assertThat(detector.scoreOf(-3.0)).isZero();
        assertThat(detector.scoreOf(0.0)).isZero();
        assertThat(detector.scoreOf(Math.log(100))).isCloseTo(0.99, within(1e-12));
        assertThat(detector.scoreOf(Math.log(10))).isCloseTo(0.9, within(1e-12));
        assertThat(detector.scoreOf(1_000.0)).isLessThanOrEqualTo(1.0).isGreaterThan(0.999);
    }

    @Test
    void shouldEstimateTheSigmaOfNormalNoiseFromTheMeanAbsoluteDeviation() {
        Random random = new Random(7);
        Baseline baseline = Baseline.empty();
        double recentSum = 0;
        double spreadSum = 0;
        double scaleSum = 0;
        double levelSum = 0;
        int measured = 0;
        for (int i = 0; i < 20_000; i++) {
            detector.learn(baseline, 100.0 + 10.0 * random.nextGaussian());
            if (i >= 1_000) {
                recentSum += CostDetector.MEAN_ABS_DEVIATION_TO_SIGMA * baseline.meanAbsDeviation();
                spreadSum += CostDetector.MEAN_ABS_DEVIATION_TO_SIGMA * baseline.spread();
                scaleSum += detector.scale(baseline);
                levelSum += baseline.level();
                measured++;
            }
        }

        // Any single recent estimate wanders (an EWMA remembers ~39 windows); on average the level is the mean and
        // both deviations estimate the true sigma 10 (floor 5.0 is not in play), plus ~1% because a one-step-ahead
        // deviation also carries the level's own wobble.
        assertThat(levelSum / measured).isCloseTo(100.0, within(0.5));
        assertThat(recentSum / measured).isCloseTo(10.1, within(0.4));
        assertThat(spreadSum / measured).isCloseTo(10.1, within(0.4));
        // The scale is the larger of the recent and the long-run sigma: ~5% above sigma on steady noise, the upper
        // half of the recent estimate's wobble.
        assertThat(scaleSum / measured).isCloseTo(10.6, within(0.3));
    }

    @Test
    void shouldScoreNothingAnomalousOnASteadyNoisySeries() {
        Random random = new Random(42);
        Baseline baseline = Baseline.empty();
        int anomalous = 0;
        for (int i = 0; i < 10_000; i++) {
            OptionalDouble score = detector.observe(baseline, 1.0 + 0.05 * random.nextGaussian());
            if (score.isPresent() && detector.isAnomalous(score.getAsDouble())) {
                anomalous++;
            }
        }

        assertThat(anomalous).isZero();
    }

    @Test
    void shouldScoreATenfoldSpikeAsAnomalousEvenOnASixthOfItsWindow() {
        Baseline baseline = learned(30, 1.0);

        assertThat(detector.score(baseline, 10.0 / 6).getAsDouble()).isGreaterThan(0.999);
        assertThat(detector.score(baseline, 1.1).getAsDouble()).isLessThan(0.99);
    }

    @Test
    void shouldClipLearningBothWaysOnceWarm() {
        Baseline high = learned(30, 1.0);
        Baseline low = learned(30, 1.0);
        double reach = 3.0 * detector.scale(high);

        // An incident learned high, and a window learned before most of its data arrived.
        detector.learn(high, 10.0);
        detector.learn(low, 0.1);

        assertThat(high.level()).isCloseTo(1.0 + 0.05 * reach, within(1e-12));
        assertThat(low.level()).isCloseTo(1.0 - 0.05 * reach, within(1e-12));
        assertThat(high.meanAbsDeviation()).isCloseTo(0.05 * reach, within(1e-12));
        assertThat(low.meanAbsDeviation()).isCloseTo(0.05 * reach, within(1e-12));
    }

    @Test
    void shouldLearnWarmUpWindowsUnclipped() {
        Baseline baseline = learned(3, 1.0);

        detector.learn(baseline, 5.0);

        // No scale worth clipping to yet: a plain running mean.
        assertThat(baseline.level()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void shouldMoveTheBaselineLittleWhenSomeWindowsAreLearnedPartiallyFilled() {
        Random random = new Random(3);
        Baseline baseline = learned(30, 1.0);
        for (int i = 0; i < 200; i++) {
            // One window in ten learned with only a third of its cost in.
            double cost = 1.0 + 0.05 * random.nextGaussian();
            detector.learn(baseline, i % 10 == 0 ? cost / 3 : cost);
        }

        // Unclipped, the level would sit near 1 - 0.1 * 2/3 = 0.933.
        assertThat(baseline.level()).isBetween(0.95, 1.0);
    }

    @Test
    void shouldStillScoreAnIncidentAfterTenMinutesOfIt() {
        Baseline baseline = learned(30, 1.0);
        double last = 0;
        for (int i = 0; i < 10; i++) {
            last = detector.observe(baseline, 10.0).getAsDouble();
        }

        assertThat(last).isGreaterThan(0.99);
        assertThat(baseline.level()).isLessThan(2.0);
    }

    @Test
    void shouldPageASecondTenfoldSpikeWithinHoursOfABigIncident() {
        // What the peak cap trades: after a 30-window 10x incident, how soon is the next 10x window anomalous again?
        Random random = new Random(42);
        Baseline baseline = Baseline.empty();
        for (int i = 0; i < 120; i++) {
            detector.observe(baseline, 1.0 + 0.05 * random.nextGaussian());
        }
        for (int i = 0; i < 30; i++) {
            detector.observe(baseline, 10.0);
        }
        int quietWindowsUntilSensitive = -1;
        for (int i = 1; i <= 1_000 && quietWindowsUntilSensitive < 0; i++) {
            detector.observe(baseline, 1.0 + 0.05 * random.nextGaussian());
            if (detector.isAnomalous(detector.score(baseline, 10.0).getAsDouble())) {
                quietWindowsUntilSensitive = i;
            }
        }

        // With peak-cap 30: about 3-4 hours of 1-minute windows (with cap 100 it was ~650, ~11 h).
        assertThat(quietWindowsUntilSensitive).isBetween(1, 300);
    }

    @Test
    void shouldAdoptALastingLevelShiftEventually() {
        Baseline baseline = learned(30, 1.0);
        int windowsUntilNormal = -1;
        for (int i = 1; i <= 500 && windowsUntilNormal < 0; i++) {
            if (!detector.isAnomalous(detector.observe(baseline, 3.0).getAsDouble())) {
                windowsUntilNormal = i;
            }
        }

        assertThat(windowsUntilNormal).isBetween(10, 200);
    }

    @Test
    void shouldKeepTheScaleOfASeriesThatSitsAtZeroBetweenBursts() {
        Baseline baseline = Baseline.empty();
        for (int i = 0; i < 2_000; i++) {
            // A batch job: 10.0 one window in fifty, nothing in between.
            detector.learn(baseline, i % 50 == 0 ? 10.0 : 0.0);
        }

        // Recent deviation and level are ~0 after 49 idle windows; the long-run spread remembers the bursts, so a
        // burst like every other one is far from z 10^6 and, calibrated against the series' own peak, not anomalous.
        assertThat(baseline.meanAbsDeviation()).isLessThan(0.1);
        assertThat(detector.zScore(baseline, 10.0)).isLessThan(30.0);
        assertThat(detector.isAnomalous(detector.score(baseline, 10.0).getAsDouble())).isFalse();
        // A burst ten times the usual one still is.
        assertThat(detector.isAnomalous(detector.score(baseline, 100.0).getAsDouble())).isTrue();
    }

    @Test
    void shouldNotCalibrateAnIncidentAwayWhileItLasts() {
        Baseline baseline = learned(30, 1.0);
        for (int i = 0; i < 5; i++) {
            detector.observe(baseline, 10.0);
        }

        // The incident's own windows are an excursion: they do not raise the peak yet.
        assertThat(baseline.peakZ()).isZero();
        double cap = DetectorSettings.defaults().peakCap();
        assertThat(baseline.excursionPeakZ()).isEqualTo(cap);

        detector.observe(baseline, 1.0);

        // Once it is over, the series remembers how far it strayed (capped).
        assertThat(baseline.peakZ()).isEqualTo(cap);
        assertThat(baseline.excursionPeakZ()).isZero();
    }

    @Test
    void shouldScoreDropsOnlyWhenTwoSided() {
        CostDetector twoSided = new CostDetector(DetectorSettings.defaults().withTwoSided(true));
        Baseline baseline = learned(30, 1.0);

        assertThat(detector.score(baseline, 0.1).getAsDouble()).isZero();
        assertThat(twoSided.isAnomalous(twoSided.score(baseline, 0.1).getAsDouble())).isTrue();
    }

    private Baseline learned(int windows, double value) {
        Baseline baseline = Baseline.empty();
        for (int i = 0; i < windows; i++) {
            detector.learn(baseline, value);
        }
        return baseline;
    }
}
