package io.spendstream.anomaly.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scorer against NAB's published results: the check that makes every other number it prints worth reading. */
class NabScorerReproductionTest {

    private static Path nab;
    private static NabLabels labels;
    private static List<NabProfile> profiles;

    @BeforeAll
    static void loadNab() throws IOException {
        nab = NabDataDirectory.find();
        labels = NabLabels.load(nab.resolve("labels/combined_windows.json"));
        profiles = NabProfile.load(nab.resolve("config/profiles.json"));
    }

    @Test
    void shouldReproducePublishedNumentaScoreOnRealAwsCloudwatch() throws IOException {
        NabScore score = NabScorer.score(awsSweeps("numenta"), NabProfile.named(profiles, NabProfile.STANDARD));

        assertThat(score.normalised()).isCloseTo(73.4, within(0.1));
    }

    @Test
    void shouldReproducePublishedWindowedGaussianScoreOnRealAwsCloudwatch() throws IOException {
        NabScore score = NabScorer.score(awsSweeps("windowedGaussian"), NabProfile.named(profiles, NabProfile.STANDARD));

        assertThat(score.normalised()).isCloseTo(31.2, within(0.1));
    }

    @Test
    void shouldNormaliseAgainstAllThirtyAwsWindows() throws IOException {
        for (NabProfile profile : profiles) {
            NabScore score = NabScorer.score(awsSweeps("numenta"), profile);

            // README: realAWSCloudwatch has 30 windows, none in probation, so the null detector misses all 30.
            assertThat(score.windows()).isEqualTo(30);
            assertThat(score.perfect()).isEqualTo(30 * profile.tpWeight());
            assertThat(score.nullScore()).isEqualTo(-30 * profile.fnWeight());
        }
    }

    @Test
    void shouldRankTheProfilesOfNumentaAsTheirWeightsImply() throws IOException {
        List<NabSweep> sweeps = awsSweeps("numenta");
        double standard = NabScorer.score(sweeps, NabProfile.named(profiles, NabProfile.STANDARD)).normalised();
        double lowFp = NabScorer.score(sweeps, NabProfile.named(profiles, NabProfile.LOW_FP)).normalised();
        double lowFn = NabScorer.score(sweeps, NabProfile.named(profiles, NabProfile.LOW_FN)).normalised();

        // Doubling the FP weight can only cost a detector with false positives; doubling FN raises the null
        // baseline further than the detector's loss.
        assertThat(lowFp).isLessThan(standard);
        assertThat(lowFn).isGreaterThan(standard);
    }

    @Test
    void shouldScoreAtTheChosenThresholdWhatTheOptimiserReports() throws IOException {
        List<NabSweep> sweeps = awsSweeps("windowedGaussian");
        NabProfile standard = NabProfile.named(profiles, NabProfile.STANDARD);
        NabScore best = NabScorer.score(sweeps, standard);

        assertThat(NabScorer.rawScoreAt(sweeps, standard, best.threshold())).isCloseTo(best.raw(), within(1e-9));
        assertThat(NabScorer.rawScoreAt(sweeps, standard, 0.5)).isLessThan(best.raw());
    }

    private static List<NabSweep> awsSweeps(String detector) throws IOException {
        List<NabSweep> sweeps = new ArrayList<>();
        for (NabSeries series : NabResultFiles.readPublished(nab, detector)) {
            assertThat(series.category()).isEqualTo("realAWSCloudwatch");
            sweeps.add(NabSweep.of(series, labels.windowsOf(series.key())));
        }
        assertThat(sweeps).hasSize(17);
        return sweeps;
    }
}
