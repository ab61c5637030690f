package io.spendstream.anomaly.nab;

import static io.spendstream.anomaly.nab.SyntheticSeries.sweep;
import static io.spendstream.anomaly.nab.SyntheticSeries.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class NabScorerTest {

    private static final NabProfile STANDARD = new NabProfile(NabProfile.STANDARD, 1.0, 0.11, 1.0);
    private static final NabProfile LOW_FN = new NabProfile(NabProfile.LOW_FN, 1.0, 0.11, 2.0);
    private static final List<NabWindow> ONE_WINDOW = List.of(window(40, 49));

    @Test
    void shouldCountOnlyTheEarliestDetectionOfAWindow() {
        NabSweep detected = sweep("test/a.csv", 100, ONE_WINDOW, 1.0, 45, 41, 48);

        double raw = NabScorer.rawScoreAt(List.of(detected), STANDARD, 1.0);

        assertThat(raw).isCloseTo(detected.worth(41), within(1e-12));
    }

    @Test
    void shouldChargeAMissedWindowTheFnWeightAndPreferDetectingNothing() {
        NabSweep silent = sweep("test/a.csv", 100, ONE_WINDOW, 0.0);

        NabScore score = NabScorer.score(List.of(silent), LOW_FN);

        assertThat(score.raw()).isEqualTo(-2.0);
        assertThat(score.threshold()).isEqualTo(NabScorer.NOTHING_DETECTED);
        assertThat(score.normalised()).isZero();
    }

    @Test
    void shouldNotScoreDetectionsInProbation() {
        NabSweep early = sweep("test/a.csv", 100, ONE_WINDOW, 1.0, 3, 14);

        assertThat(NabScorer.rawScoreAt(List.of(early), STANDARD, 1.0)).isEqualTo(-1.0);
    }

    @Test
    void shouldChargeEachFalsePositiveItsWeightedWorth() {
        NabSweep noisy = sweep("test/a.csv", 100, ONE_WINDOW, 1.0, 20, 40, 50);

        double raw = NabScorer.rawScoreAt(List.of(noisy), STANDARD, 1.0);

        assertThat(raw).isCloseTo(-0.11 + 1.0 + 0.11 * noisy.worth(50), within(1e-12));
    }

    @Test
    void shouldNormaliseThePerfectDetectorToOneHundredAgainstTheNullDetector() {
        List<NabWindow> twoWindows = List.of(window(40, 49), window(70, 79));
        NabSweep perfect = sweep("test/a.csv", 100, twoWindows, 1.0, 40, 70);

        NabScore score = NabScorer.score(List.of(perfect), STANDARD);

        // Null detector (every row 0.5): detecting every row costs 25 full false positives before the first window
        // alone, more than the two windows it catches, so its best is to detect nothing: -2.
        assertThat(score.nullScore()).isEqualTo(-2.0);
        assertThat(score.perfect()).isEqualTo(2.0);
        assertThat(score.raw()).isCloseTo(2.0, within(1e-12));
        assertThat(score.normalised()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void shouldChooseOneThresholdForTheWholeSetNotOnePerSeries() {
        // Alone, each series is best at its own threshold and scores +1. Together: at 0.9 a misses (-1) and b hits
        // (+1); at 0.6 both hit but b's 20 false positives at 0.7 cost 2.2. NAB keeps 0.9 for both.
        NabSweep a = sweep("test/a.csv", 100, ONE_WINDOW, 0.6, 40);
        double[] bScores = new double[100];
        bScores[40] = 0.9;
        for (int row = 15; row < 35; row++) {
            bScores[row] = 0.7;
        }
        NabSweep b = sweep("test/b.csv", 100, ONE_WINDOW, 0.0).withScores(bScores);

        NabScore alone = NabScorer.score(List.of(a), STANDARD);
        NabScore together = NabScorer.score(List.of(a, b), STANDARD);

        assertThat(alone.threshold()).isEqualTo(0.6);
        assertThat(alone.raw()).isCloseTo(1.0, within(1e-12));
        assertThat(together.threshold()).isEqualTo(0.9);
        assertThat(together.raw()).isCloseTo(0.0, within(1e-12));
        assertThat(together.windows()).isEqualTo(2);
    }
}
