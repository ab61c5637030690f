package io.spendstream.deploy.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.spendstream.deploy.tail.TopicTailer;
import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spendstream tail <topic>...}: decode Spendstream topics to readable lines or JSON, live. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print records of Spendstream topics as readable lines (or JSON), live.")
final class TailCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "e.g. spend.anomalies spend.alerts")
    List<String> topicNames;

    @Option(names = {"-f", "--from-beginning"}, description = "Start at the oldest record instead of new ones.")
    boolean fromBeginning;

    @Option(names = "--json", description = "One JSON object per line (exact decimals as strings).")
    boolean json;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N records.")
    long max;

    @Option(names = "--idle", paramLabel = "DURATION", description = "Stop when nothing arrives for this long, "
            + "e.g. 10s (default: follow forever).")
    String idle;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        SpendstreamConfig config = connection.resolve(java.util.Map.of());
        Duration idleTimeout = idle == null ? null : Durations.parse(idle);
        try (StopOnShutdown shutdown = StopOnShutdown.register(Duration.ofSeconds(3));
                TopicTailer tailer = new TopicTailer(config.require("bootstrap.servers"),
                        ConnectionOptions.topics(config), topicNames,
                        new TopicTailer.Options(fromBeginning, json, max, idleTimeout), System.out)) {
            shutdown.onStop(tailer::stop);
            tailer.run();
        }
        return 0;
    }
}
