package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.runtime.config.SpendstreamConfig;

class CostDetectorTest {

    private final CostDetector detector = new CostDetector(DetectorSettings.defaults());

    @Test
    void shouldNotScoreUntilWarmUpWindowsWereLearned() {
        Baseline baseline = detector.newBaseline();
        for (int i = 0; i < 9; i++) {
            assertThat(observe(baseline, 1.0)).isEmpty();
        }
        assertThat(score(baseline, 100.0)).isEmpty();

        learn(baseline, 1.0);

        assertThat(score(baseline, 100.0)).isPresent();
    }

    @Test
    void shouldLearnAPlainRunningMeanDuringWarmUp() {
        Baseline baseline = detector.newBaseline();
        double[] values = {2.0, 4.0, 6.0, 8.0};
        for (double v : values) {
            learn(baseline, v);
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
        // A 10% wobble on a flat series is two floors: rare for a series that never moved, but far from anomalous.
        assertThat(detector.deviation(baseline, minute, 2.2)).isCloseTo(2.0, within(1e-4));
        assertThat(anomalous(baseline, 2.2)).isFalse();
    }

    @Test
    void shouldEstimateTheSigmaOfNormalNoiseFromTheMeanAbsoluteDeviation() {
        Random random = new Random(7);
        Baseline baseline = detector.newBaseline();
        double recentSum = 0;
        double spreadSum = 0;
        double scaleSum = 0;
        double levelSum = 0;
        int measured = 0;
        for (int i = 0; i < 20_000; i++) {
            learn(baseline, 100.0 + 10.0 * random.nextGaussian());
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
        assertThat(scaleSum / measured).isCloseTo(10.2, within(0.3));
    }

    @Test
    void shouldScoreNothingAnomalousOnASteadyNoisySeries() {
        Random random = new Random(42);
        Baseline baseline = detector.newBaseline();
        int anomalous = 0;
        for (int i = 0; i < 10_000; i++) {
            OptionalDouble score = observe(baseline, 1.0 + 0.05 * random.nextGaussian());
            if (score.isPresent() && lastAnomalous) {
                anomalous++;
            }
        }

        assertThat(anomalous).isZero();
    }

    @Test
    void shouldScoreATenfoldSpikeAsAnomalousEvenOnASixthOfItsWindow() {
        Baseline baseline = learned(30, 1.0);

        assertThat(score(baseline, 10.0 / 6).getAsDouble()).isGreaterThan(0.999);
        assertThat(score(baseline, 1.1).getAsDouble()).isLessThan(0.99);
    }

    @Test
    void shouldClipLearningBothWaysOnceWarm() {
        // Past the warm-up's running mean (weight 1/n until it falls below alpha).
        Baseline high = learned(100, 1.0);
        Baseline low = learned(100, 1.0);
        double reach = 3.0 * detector.scale(high);

        // An incident learned high, and a window learned before most of its data arrived.
        learn(high, 10.0);
        learn(low, 0.1);

        double alpha = DetectorSettings.defaults().alpha();
        assertThat(high.level()).isCloseTo(1.0 + alpha * reach, within(1e-12));
        assertThat(low.level()).isCloseTo(1.0 - alpha * reach, within(1e-12));
        assertThat(high.meanAbsDeviation()).isCloseTo(alpha * reach, within(1e-12));
        assertThat(low.meanAbsDeviation()).isCloseTo(alpha * reach, within(1e-12));
    }

    @Test
    void shouldLearnWarmUpWindowsUnclipped() {
        Baseline baseline = learned(3, 1.0);

        learn(baseline, 5.0);

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
            learn(baseline, i % 10 == 0 ? cost / 3 : cost);
        }

        // Unclipped, the level would sit near 1 - 0.1 * 2/3 = 0.933.
        assertThat(baseline.level()).isBetween(0.95, 1.0);
    }

    @Test
    void shouldStillScoreAnIncidentAfterTenMinutesOfIt() {
        // Ten hours of history: enough for rarity to be measured in 1 in 400s.
        Baseline baseline = learned(600, 1.0);
        double last = 0;
        for (int i = 0; i < 10; i++) {
            last = detector.rarity(baseline, minute, 10.0).getAsDouble();
            observe(baseline, 10.0);
        }

        // Still rarer than 1 in 100 windows: the incident's own windows after its first are not learned as normal.
        assertThat(last).isGreaterThan(0.99);
        assertThat(baseline.level()).isLessThan(2.0);
    }

    @Test
    void shouldPageASecondTenfoldSpikeWithinHoursOfABigIncident() {
        // What the peak cap trades: after a 30-window 10x incident, how soon is the next 10x window anomalous again?
        Random random = new Random(42);
        Baseline baseline = detector.newBaseline();
        for (int i = 0; i < 120; i++) {
            observe(baseline, 1.0 + 0.05 * random.nextGaussian());
        }
        for (int i = 0; i < 30; i++) {
            observe(baseline, 10.0);
        }
        int quietWindowsUntilSensitive = -1;
        for (int i = 1; i <= 1_000 && quietWindowsUntilSensitive < 0; i++) {
            observe(baseline, 1.0 + 0.05 * random.nextGaussian());
            if (anomalous(baseline, 10.0)) {
                quietWindowsUntilSensitive = i;
            }
        }

        // With peak-cap 30: about 3-4 hours of 1-minute windows (with cap 100 it was ~650, ~11 h).
        assertThat(quietWindowsUntilSensitive).isBetween(1, 300);
    }

    @Test
    void shouldAdoptALastingLevelShiftEventually() {
        Baseline baseline = learned(600, 1.0);
        int windowsUntilNormal = -1;
        for (int i = 1; i <= 500 && windowsUntilNormal < 0; i++) {
            if (!stillAnomalous(baseline, 3.0)) {
                windowsUntilNormal = i;
            }
        }

        assertThat(windowsUntilNormal).isBetween(10, 200);
    }

    @Test
    void shouldKeepTheScaleOfASeriesThatSitsAtZeroBetweenBursts() {
        Baseline baseline = detector.newBaseline();
        for (int i = 0; i < 2_000; i++) {
            // A batch job: 10.0 one window in fifty, nothing in between.
            learn(baseline, i % 50 == 0 ? 10.0 : 0.0);
        }

        // Recent deviation and level are ~0 after 49 idle windows; the long-run spread remembers the bursts, so a
        // burst like every other one is far from z 10^6 and, calibrated against the series' own peak, not anomalous.
        assertThat(baseline.meanAbsDeviation()).isLessThan(0.1);
        assertThat(detector.zScore(baseline, 0L, 10.0)).isLessThan(100.0);
        assertThat(anomalous(baseline, 10.0)).isFalse();
        // A burst ten times the usual one still is.
        assertThat(anomalous(baseline, 100.0)).isTrue();
    }

    @Test
    void shouldScoreDropsByDefaultAndNotWhenRisesOnly() {
        CostDetector risesOnly = new CostDetector(DetectorSettings.defaults().withTwoSided(false));
        Baseline baseline = learned(30, 1.0);

        assertThat(detector.isAnomalous(baseline, minute, 0.1)).isTrue();
        assertThat(detector.isBelow(baseline, minute, 0.1)).isTrue();
        assertThat(risesOnly.score(baseline, minute, 0.1).getAsDouble()).isZero();
        assertThat(risesOnly.isAnomalous(baseline, minute, 0.1)).isFalse();
    }

    @Test
    void shouldCountADropAtItsDropWeightAndARiseInFull() {
        Baseline baseline = learnedWithNoise(600);
        CostDetector symmetric = new CostDetector(AnomalySettings.from(
                new SpendstreamConfig(Map.of(AnomalySettings.DROP_WEIGHT, "1"))).detector());
        double drop = detector.zScore(baseline, minute, 0.5);
        double rise = detector.zScore(baseline, minute, 1.5);

        assertThat(drop).isLessThan(-6.0);
        assertThat(detector.countedZ(baseline, minute, 0.5)).isCloseTo(0.75 * -drop, within(1e-9));
        assertThat(symmetric.countedZ(baseline, minute, 0.5)).isCloseTo(-drop, within(1e-9));
        assertThat(detector.countedZ(baseline, minute, 1.5)).isCloseTo(rise, within(1e-9));
        // A drop to a tenth is still far out at three quarters of its z.
        assertThat(detector.isAnomalous(baseline, minute, 0.1)).isTrue();
    }

    /** One-minute windows: each learned window is the next minute. */
    private long minute = 1_700_000_000_000L;
    private boolean lastAnomalous;

    private void learn(Baseline baseline, double value) {
        detector.learn(baseline, minute, value);
        minute += 60_000L;
    }

    private OptionalDouble observe(Baseline baseline, double value) {
        lastAnomalous = detector.isAnomalous(baseline, minute, value);
        OptionalDouble score = detector.observe(baseline, minute, value);
        minute += 60_000L;
        return score;
    }

    private OptionalDouble score(Baseline baseline, double value) {
        return detector.score(baseline, minute, value);
    }

    private boolean anomalous(Baseline baseline, double value) {
        return detector.isAnomalous(baseline, minute, value);
    }

    /** Whether a window is still anomalous by its rarity and deviation (what keeps an incident open); learns it. */
    private boolean stillAnomalous(Baseline baseline, double value) {
        boolean anomalous = detector.rarity(baseline, minute, value).getAsDouble() >= 0.9975
                && detector.deviation(baseline, minute, value) >= 6.0;
        learn(baseline, value);
        return anomalous;
    }

    /** A series of 1.00 per window with 5% Gaussian noise (seed 42), learned for {@code windows} windows. */
    private Baseline learnedWithNoise(int windows) {
        Random random = new Random(42);
        Baseline baseline = detector.newBaseline();
        for (int i = 0; i < windows; i++) {
            learn(baseline, 1.0 + 0.05 * random.nextGaussian());
        }
        return baseline;
    }

    private Baseline learned(int windows, double value) {
        Baseline baseline = detector.newBaseline();
        for (int i = 0; i < windows; i++) {
            learn(baseline, value);
        }
        return baseline;
    }
}
