package io.spendstream.deploy.cli;

import java.util.concurrent.Callable;

import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConnectionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code spendstream run <app>}: one stream app against a given cluster and registry, until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one stream app (ingest, enrich, attribution, anomaly) against a Kafka "
        + "cluster and schema registry until stopped.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "APP", description = "ingest, enrich, attribution or anomaly")
    String appName;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LogOptions logging;

    @Override
    public Integer call() {
        logging.apply();
        StreamsApp app = Apps.create(appName);
        StreamsAppRunner.runUntilShutdown(app, connection.resolve(app.defaults()));
        return 0;
    }
}
