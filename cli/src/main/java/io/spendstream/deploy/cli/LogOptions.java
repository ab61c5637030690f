package io.spendstream.deploy.cli;

import picocli.CommandLine.Option;

/** {@code --log-format text|json} for the long-running commands (run, notify, up). */
public final class LogOptions {

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "Console log format: text or json (one "
            + "JSON object per line); default: $" + Logging.FORMAT_ENV + ", else text.")
    Logging.Format format;

    /** Applies the flag, else the environment variable, to the console. */
    public void apply() {
        Logging.useFormat(Logging.format(format, System.getenv()));
    }
}
