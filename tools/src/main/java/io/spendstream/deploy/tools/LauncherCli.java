package io.spendstream.deploy.tools;

import java.util.List;

import io.spendstream.deploy.bench.BenchCommand;
import io.spendstream.deploy.chaos.ChaosCommand;
import io.spendstream.deploy.cli.SpendstreamCli;
import io.spendstream.deploy.local.UpCommand;
import io.spendstream.deploy.statesize.StateSizeCommand;
import io.spendstream.deploy.valuebench.ValueBenchCommand;

/**
 * The {@code spendstream} command the {@code ./spendstream} launcher runs: the production commands of
 * {@link SpendstreamCli} (run, tail, load, notify) plus the local-only ones, {@code up} (everything on an embedded
 * broker), {@code nab} (the detector's quality benchmark), {@code bench} (throughput, latency and memory against
 * a pass-through Kafka Streams app), {@code state-size} (the state the billing horizon keeps), {@code value-bench} (CPU per record of attribution's
 * value figures, block by block) and {@code chaos} (the
 * crash test: SIGKILLs of app instances, then every money output checked against the input). The production image
 * runs {@link SpendstreamCli} and holds none of these.
 */
public final class LauncherCli {

    private LauncherCli() {
    }

    public static void main(String[] args) {
        SpendstreamCli.execute(SpendstreamCli.commandLine(List.of(new UpCommand(), new NabCommand(),
                new BenchCommand(), new StateSizeCommand(), new ChaosCommand(), new ValueBenchCommand())), args);
    }
}
