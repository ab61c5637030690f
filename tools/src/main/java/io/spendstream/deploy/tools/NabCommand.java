package io.spendstream.deploy.tools;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.spendstream.anomaly.nab.NabRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream nab}: the anomaly detector's quality benchmark on the Numenta Anomaly Benchmark. Runs the
 * production detector over every NAB series, writes per-row scores, scores them with NAB's rules and prints the
 * standard / low-FP / low-FN scores, after checking the scorer against NAB's published results.
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

    @Override
    public Integer call() throws Exception {
        return NabRunner.run(data, out, System.out);
    }
}
