package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ShapeMemoryTest {

    private static final ShapeSettings PAIRS = new ShapeSettings(8, 0.1, 2, 0.1, 1.0, 1000, 0, 0.0);
    private static final double KEEP = PAIRS.keep();

    @Test
    void shouldCountHowOftenTheSeriesRoseFromOneLevelToAnother() {
        ShapeMemory memory = ShapeMemory.empty(8);
        for (int burst = 0; burst < 3; burst++) {
            memory.learn(10.0, PAIRS, KEEP);
            memory.learn(10.0, PAIRS, KEEP);
            memory.learn(100.0, PAIRS, KEEP);
        }
        memory.learn(10.0, PAIRS, KEEP);

        // 10 -> 100 was seen three times (decayed a little since); 10 -> 300 never; 10 -> 10 three times.
        assertThat(memory.familiarity(100.0, PAIRS, KEEP)).isCloseTo(3.0, within(0.03));
        assertThat(memory.familiarity(300.0, PAIRS, KEEP)).isZero();
        assertThat(memory.familiarity(10.5, PAIRS, KEEP)).isCloseTo(3.0, within(0.03));
    }

    @Test
    void shouldKnowNothingBeforeItsFirstWindow() {
        ShapeMemory memory = ShapeMemory.empty(8);

        assertThat(memory.familiarity(10.0, PAIRS, KEEP)).isZero();
        memory.learn(10.0, PAIRS, KEEP);
        assertThat(memory.contextKeys()).isEmpty();
        assertThat(memory.familiarity(10.0, PAIRS, KEEP)).isZero();
    }

    @Test
    void shouldStayWithinItsCapacityAndForgetTheLeastUsedContext() {
        ShapeMemory memory = ShapeMemory.empty(8);
        Random random = new Random(3);
        for (int i = 0; i < 3000; i++) {
            // A steady level the series keeps returning to (1 -> 1 every third window), and in between values
            // spread over five orders of magnitude: far more contexts than the memory holds.
            memory.learn(i % 3 == 2 ? Math.pow(10, 5 * random.nextDouble()) : 1.0, PAIRS, KEEP);
        }
        memory.learn(1.0, PAIRS, KEEP);

        assertThat(memory.contextKeys()).hasSize(8);
        assertThat(memory.clock()).isEqualTo(3001);
        assertThat(memory.total()).isCloseTo((1 - Math.pow(KEEP, 3001)) / (1 - KEEP), within(1e-6));
        // The frequent context survived the stream of one-off ones: 1000 sightings, decayed to about the memory's
        // steady state of a third of the total.
        assertThat(memory.familiarity(1.0, PAIRS, KEEP)).isCloseTo(memory.total() / 3, withinPercentage(5));
    }

    @Test
    void shouldGiveZeroAndNegativeValuesBinsOfTheirOwn() {
        assertThat(ShapeMemory.bin(0.0, 0.1)).isEqualTo(ShapeMemory.ZERO_BIN);
        assertThat(ShapeMemory.bin(-5.0, 0.1)).isNotEqualTo(ShapeMemory.bin(5.0, 0.1));
        assertThat(ShapeMemory.bin(-5.0, 0.1)).isNotIn(ShapeMemory.ZERO_BIN, ShapeMemory.NO_BIN);
        assertThat(ShapeMemory.bin(1.05, 0.1)).isEqualTo(ShapeMemory.bin(1.0, 0.1));
        assertThat(ShapeMemory.bin(1.25, 0.1)).isEqualTo(ShapeMemory.bin(1.0, 0.1) + 2);
    }

    @Test
    void shouldRefuseAMemoryThatDoesNotFitItsCapacity() {
        assertThatThrownBy(() -> ShapeMemory.of(1, new long[] {1L, 2L}, new double[] {1, 1}, new long[] {0, 0}, 5,
                2.0, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 contexts of 1");
    }

    @Test
    void shouldLeaveTheScoreAloneWhileOffAndLowerItForAFamiliarBurst() {
        DetectorSettings off = DetectorSettings.defaults().withShape(ShapeSettings.off());
        DetectorSettings on = DetectorSettings.defaults().withShape(new ShapeSettings(64, 0.1, 2, 1.0, 1.0, 2000, 0,
                0.0));
        CostDetector without = new CostDetector(off);
        CostDetector with = new CostDetector(on);
        Baseline a = without.newBaseline();
        Baseline b = with.newBaseline();
        Random random = new Random(5);
        long t = 1_800_000_000_000L;
        for (int i = 0; i < 3000; i++, t += 60_000L) {
            // Quiet at 10 with 3% noise; a burst to 40 every 200 windows.
            double value = i % 200 == 100 ? 40.0 : 10.0 * (1 + 0.03 * random.nextGaussian());
            double plain = without.observe(a, t, value).orElse(0.0);
            double shaped = with.observe(b, t, value).orElse(0.0);
            assertThat(shaped).as("window %d", i).isLessThanOrEqualTo(plain + 1e-12);
        }

        assertThat(a.shape().capacity()).isZero();
        // The burst's context (from about 10 to 40) was seen up to 15 times, split over the bins of the noisy 10
        // and decayed: its tail probability is still well over twice what it is without the model.
        double plain = without.score(a, t, 40.0).getAsDouble();
        double shaped = with.score(b, t, 40.0).getAsDouble();
        assertThat(1 - shaped).isGreaterThan(2 * (1 - plain));
        // A burst to a height never seen is as rare as without the model.
        assertThat(with.score(b, t, 400.0).getAsDouble()).isEqualTo(without.score(a, t, 400.0).getAsDouble());
    }
}
