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
        double scaleSum = 0;
        double levelSum = 0;
        int measured = 0;
        for (int i = 0; i < 20_000; i++) {
            detector.learn(baseline, 100.0 + 10.0 * random.nextGaussian());
            if (i >= 1_000) {
                scaleSum += detector.scale(baseline);
                levelSum += baseline.level();
                measured++;
            }
        }

        // Any single estimate wanders (an EWMA remembers ~39 windows); on average the level is the mean and the
        // scale the true sigma 10 (floor 5.0 is not in play), plus ~1% because a one-step-ahead deviation also
        // carries the level's own wobble.
        assertThat(levelSum / measured).isCloseTo(100.0, within(0.5));
        assertThat(scaleSum / measured).isCloseTo(10.1, within(0.4));
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

    private Baseline learned(int windows, double value) {
        Baseline baseline = Baseline.empty();
        for (int i = 0; i < windows; i++) {
            detector.learn(baseline, value);
        }
        return baseline;
    }
}
