package io.spendstream.deploy.cli;

import io.spendstream.deploy.bench.BenchCommand;
import io.spendstream.deploy.load.LoadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spendstream} command: {@code up} (everything locally), {@code run <app>} (one app on a real cluster),
 * {@code tail <topic>} (read any topic), {@code load <kind> FILE} (billing exports, tags, budgets, prices and FX
 * rates into the input topics), {@code nab} (the detector's quality benchmark), {@code notify} (alerts to
 * Alertmanager and webhooks), {@code bench} (throughput, latency and memory against a pass-through Kafka
 * Streams app).
 */
@Command(name = "spendstream", mixinStandardHelpOptions = true, version = "spendstream 0.1.0",
        description = "Real-time cost telemetry on Kafka Streams.",
        subcommands = {UpCommand.class, RunCommand.class, TailCommand.class, LoadCommand.class, NabCommand.class,
                NotifyCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class SpendstreamCli implements Runnable {

    private static final String AVRO_TRUSTED_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // Avro 1.12 only instantiates generated classes from trusted packages; ours must be, however we are launched.
        if (System.getProperty(AVRO_TRUSTED_PACKAGES) == null) {
            System.setProperty(AVRO_TRUSTED_PACKAGES, "io.spendstream");
        }
        int exit = commandLine().execute(args);
        System.exit(exit);
    }

    /** The command line with Spendstream's error handling: one clear line, no stack trace, for bad input. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SpendstreamCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("spendstream: " + e.getMessage());
            if (e instanceof IllegalArgumentException) {
                return 2;
            }
            e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli;
    }
}
