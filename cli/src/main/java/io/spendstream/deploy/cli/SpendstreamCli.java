package io.spendstream.deploy.cli;

import java.util.List;

import io.spendstream.deploy.load.LoadCommand;
import io.spendstream.runtime.config.ConnectionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spendstream} command of the production image: {@code run <app>} (one app on a real cluster),
 * {@code tail <topic>} (read any topic), {@code load <kind> FILE} (billing exports, tags, budgets, prices and FX
 * rates into the input topics), {@code notify} (alerts to Alertmanager and webhooks). The {@code ./spendstream}
 * launcher adds the local-only commands (up, nab, bench) through {@link #commandLine(List)}.
 */
@Command(name = "spendstream", mixinStandardHelpOptions = true, version = "spendstream 0.1.0",
        description = "Real-time cost telemetry on Kafka Streams.",
        subcommands = {RunCommand.class, TailCommand.class, LoadCommand.class, NotifyCommand.class})
public final class SpendstreamCli implements Runnable {

    private static final String AVRO_TRUSTED_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        execute(commandLine(), args);
    }

    /** Runs {@code cli} (this command, or the launcher's with more subcommands) and exits with its exit code. */
    public static void execute(CommandLine cli, String[] args) {
        // Avro 1.12 only instantiates generated classes from trusted packages; ours must be, however we are launched.
        if (System.getProperty(AVRO_TRUSTED_PACKAGES) == null) {
            System.setProperty(AVRO_TRUSTED_PACKAGES, "io.spendstream");
        }
        int exit = cli.execute(args);
        System.exit(exit);
    }

    /** The command line with Spendstream's error handling: one clear line, no stack trace, for bad input. */
    public static CommandLine commandLine() {
        return commandLine(List.of());
    }

    /**
     * The production commands, then {@code more} (picocli {@code @Command} objects, e.g. the launcher's up, nab and
     * bench), then {@code help}; the error handling covers them all.
     */
    public static CommandLine commandLine(List<Object> more) {
        CommandLine cli = new CommandLine(new SpendstreamCli());
        more.forEach(cli::addSubcommand);
        cli.addSubcommand(new CommandLine.HelpCommand());
        // --log-format json as well as JSON
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("spendstream: " + e.getMessage());
            if (e instanceof IllegalArgumentException) {
                return 2;
            }
            if (e instanceof ConnectionException) {
                // The message names the address and the cause: a stack trace would bury it.
                return 1;
            }
            e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli;
    }
}
