package io.spendstream.deploy.tools;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.anomaly.detector.DetectorSettings;
import io.spendstream.anomaly.nab.NabRunner;
import io.spendstream.runtime.config.SpendstreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream nab}: the anomaly detector's quality benchmark on the Numenta Anomaly Benchmark. Runs the
 * production detector over every NAB series, writes per-row scores, scores them with NAB's rules and prints the
 * standard / low-FP / low-FN scores, after checking the scorer against NAB's published results. {@code --set}
 * scores a variant of the production configuration, with the app's own setting keys.
 */
@Command(name = "nab", mixinStandardHelpOptions = true,
        description = "Score the production anomaly detector on the Numenta Anomaly Benchmark.")
final class NabCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "../shared/data/nab",
            description = "NAB directory with data/, labels/, config/ and results/ (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".spendstream/nab",
            description = "Where the per-row score files go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A detector setting of the anomaly app for this run, e.g. "
                    + "spendstream.anomaly.drop-weight=1 (repeatable; still one configuration for every series).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        return NabRunner.run(data, out, detectorSettings(overrides), System.out);
    }

    /**
     * The production detector settings with the overrides, each of which must change them: a key the detector does
     * not read (a typo, a lifecycle setting) would otherwise score the defaults under a variant's name.
     */
    static DetectorSettings detectorSettings(Map<String, String> overrides) {
        DetectorSettings defaults = DetectorSettings.defaults();
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            DetectorSettings alone = AnomalySettings.from(
                    new SpendstreamConfig(Map.of(override.getKey(), override.getValue()))).detector();
            if (alone.equals(defaults)) {
                throw new IllegalArgumentException("--set " + override.getKey() + "=" + override.getValue()
                        + " does not change the detector settings (not a detector setting, or its default)");
            }
        }
        return AnomalySettings.from(new SpendstreamConfig(overrides)).detector();
    }
}
