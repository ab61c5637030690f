package io.spendstream.deploy.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.spendstream.deploy.tail.TopicTailer;
import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spendstream tail <topic>...}: decode Spendstream topics to readable lines or JSON: what is there, then with
 * {@code -f} what arrives. Connects with the same settings as the apps (security.protocol, sasl.*, ssl.*, and the
 * registry's schema.registry.* and basic.auth.* keys).
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print the records of Spendstream topics as readable lines (or JSON): those already there, "
        + "then with -f new ones as they arrive.")
final class TailCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "e.g. spend.anomalies spend.alerts")
    List<String> topicNames;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records as they arrive (until Ctrl-C, "
            + "--max or --idle); starts at the end unless --from-beginning. Without -f: print the records there "
            + "now, from the oldest, and stop.")
    boolean follow;

    @Option(names = "--from-beginning", description = "With -f: print the records already there first.")
    boolean fromBeginning;

    @Option(names = "--json", description = "One JSON object per line (exact decimals as strings).")
    boolean json;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N records.")
    long max;

    @Option(names = "--idle", paramLabel = "DURATION", description = "Stop when nothing arrives for this long, "
            + "e.g. 10s (default: no idle stop).")
    String idle;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", description = "How long to wait "
            + "for the cluster to answer at start before failing (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SpendstreamConfig config = connection.resolve(Map.of());
        Duration idleTimeout = idle == null ? null : Durations.parse(idle);
        Duration connectTimeout = Durations.parse(timeout);
        try (StopOnShutdown shutdown = StopOnShutdown.register(Duration.ofSeconds(3));
                TopicTailer tailer = new TopicTailer(consumerProps(config), ConnectionOptions.topics(config),
                        topicNames, new TopicTailer.Options(fromBeginning, follow, json, max, idleTimeout),
                        spec.commandLine().getOut())) {
            shutdown.onStop(tailer::stop);
            tailer.run(connectTimeout);
        }
        return 0;
    }

    /** The consumer's settings from the configuration: bootstrap servers, security, sasl.*, ssl.*, consumer.*. */
    static Map<String, Object> consumerProps(SpendstreamConfig config) {
        Map<String, Object> props = ConnectionOptions.clientProps(config, ConsumerConfig.configNames(),
                StreamsConfig.CONSUMER_PREFIX);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        return props;
    }
}
