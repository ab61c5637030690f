package io.spendstream.deploy.chaos;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.spendstream.deploy.cli.Logging;
import io.spendstream.runtime.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream chaos}: the crash test ({@link Chaos}) at the size asked for; prints each kill, each recovery and
 * a closing table; exit code 0 when every money output equals the input, every kill recovered and no instance needed a
 * person, 1 otherwise.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, description = "Crash test: the apps as separate processes "
        + "(two instances each) on an embedded broker, a known FOCUS workload, random SIGKILLs of instances (restarted "
        + "at once, as Kubernetes would); then read_committed checks that every money output equals the input exactly, "
        + "and the recovery time of each kill.")
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "100000", description = "FOCUS rows sent (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--kills", defaultValue = "20", description = "SIGKILLs of random instances "
            + "(default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--interval", defaultValue = "10s", description = "Time between kills; the rows are sent evenly "
            + "over kills x interval (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--apps", split = ",", defaultValue = "ingest,enrich,attribution,anomaly", description = "Apps "
            + "run (default: ${DEFAULT-VALUE}).")
    List<String> apps;

    @Option(names = "--instances", defaultValue = "2", description = "Instances of each app "
            + "(default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic "
            + "(default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--registry-outage", paramLabel = "DURATION", description = "Stop the schema registry for this "
            + "long once, a third of the way through the kills (e.g. 30s).")
    String registryOutage;

    @Option(names = "--broker-restart", description = "Restart the broker once, two thirds of the way through.")
    boolean brokerRestart;

    @Option(names = "--corrupt-every", defaultValue = "5", description = "Every Nth kill also deletes the MANIFEST of "
            + "one of the victim's RocksDB stores before its restart, as a kill during Kafka Streams' own wipe leaves "
            + "it; the app must heal it at start-up (0: never; default: ${DEFAULT-VALUE}).")
    int corruptEvery;

    @Option(names = "--failover-every", defaultValue = "10", description = "Every Nth kill keeps its instance down "
            + "for the session timeout plus 15 s, so that its partitions move to the other instance and its standbys "
            + "(0: never; default: ${DEFAULT-VALUE}).")
    int failoverEvery;

    @Option(names = "--session-timeout", defaultValue = "30s", description = "session.timeout.ms of the apps "
            + "(static members: how long a killed instance's partitions wait for it; default: ${DEFAULT-VALUE}).")
    String sessionTimeout;

    @Option(names = "--standbys", defaultValue = "1", description = "num.standby.replicas (default: ${DEFAULT-VALUE}).")
    int standbys;

    @Option(names = "--recovery-timeout", defaultValue = "3m", description = "How long a killed instance may take "
            + "to recover before the run counts a manual step and stops (default: ${DEFAULT-VALUE}).")
    String recoveryTimeout;

    @Option(names = "--settle-timeout", defaultValue = "5m", description = "How long the outputs may take to reach "
            + "the input after the last row (default: ${DEFAULT-VALUE}).")
    String settleTimeout;

    @Option(names = "--seed", defaultValue = "15", description = "Seed of the workload and of the choice of victims "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-dir", defaultValue = ".spendstream/chaos", description = "Broker data, app state, logs "
            + "(emptied at start; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Chaos.Settings settings = new Chaos.Settings(rows, apps, instances, partitions, kills,
                Durations.parse(interval), registryOutage == null ? null : Durations.parse(registryOutage),
                brokerRestart, corruptEvery, failoverEvery, Durations.parse(sessionTimeout), standbys,
                Durations.parse(recoveryTimeout), Durations.parse(settleTimeout), seed, dataDir);
        Path kafkaLog = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + "-kafka.log");
        try (Logging.KafkaLogFile ignored = Logging.sendKafkaLogsTo(kafkaLog)) {
            System.out.println("Kafka logs: " + kafkaLog + "; app logs: " + dataDir.resolve("logs"));
            return new Chaos(settings, System.out).run().passed() ? 0 : 1;
        }
    }
}
