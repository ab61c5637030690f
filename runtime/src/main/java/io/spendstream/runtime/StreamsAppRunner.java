package io.spendstream.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.ClientMeters;
import io.spendstream.runtime.metrics.HealthSource;
import io.spendstream.runtime.metrics.MetricsServer;
import io.spendstream.runtime.metrics.StateStoreTagFilter;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.outage.DependencyProbe;
import io.spendstream.runtime.outage.OutageWatch;
import io.spendstream.runtime.outage.StartupWait;
import io.spendstream.runtime.state.StateHealer;
import io.spendstream.runtime.topics.TopicCreator;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClient;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Runs one {@link StreamsApp} in production: topics and serdes from the configuration, the app's topology and
 * {@link StreamsProperties} ({@link AppTopology}), the app's schemas registered and missing topics created
 * ({@link TopicCreator}) once the registry and the cluster answer ({@link StartupWait}), a Prometheus registry with
 * pipeline, Kafka Streams and JVM meters, the {@code /metrics}, {@code /health} and {@code /ready} endpoint (served
 * from the start; ready only while the cluster and the registry answer, {@link OutageWatch}), and a graceful stop.
 * Reads and writes whatever topics the app's topology does; keeps no state of its own.
 */
public final class StreamsAppRunner {

    /** How long a graceful stop may take: fits inside Kubernetes' default 30 s termination grace period. */
    public static final String SHUTDOWN_TIMEOUT = "spendstream.shutdown.timeout";
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(StreamsAppRunner.class);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** How long one request to the cluster at start-up may take (start-up repeats it while the cluster is down). */
    public static final String CONNECT_TIMEOUT = "spendstream.connect.timeout";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Stores found unopenable at start-up and wiped, to be restored from their changelogs. */
    public static final String STATE_STORES_HEALED = "spendstream.state.stores.healed";
    /** Task directories wiped at start-up because an unclean stop left their stores open (exactly-once). */
    public static final String STATE_TASKS_WIPED_UNCLEAN = "spendstream.state.tasks.wiped.unclean";

    private StreamsAppRunner() {
    }

    /**
     * Starts the app and returns once its client is starting (not yet necessarily RUNNING: see
     * {@link RunningApp#awaitReady}). The caller closes the result.
     *
     * @throws IllegalArgumentException for invalid configuration, ConnectionException when the schema registry or
     *         the cluster refuses for good, or stays down longer than {@value StartupWait#TIMEOUT} (checked before
     *         anything starts), IllegalStateException when topics cannot be created, UncheckedIOException when the
     *         metrics port is taken
     */
    public static RunningApp start(StreamsApp app, SpendstreamConfig config) {
        String applicationId = StreamsProperties.applicationId(app, config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Several apps may share a JVM (the local all-in-one runner) or a dashboard: tag every meter with its app.
        registry.config().commonTags("application", applicationId).meterFilter(new StateStoreTagFilter());
        OutageWatch outages = new OutageWatch(applicationId, registry, Clock.systemUTC());
        SchemaRegistryClient schemaRegistry = SchemaRegistryClients.waitingOutOutages(config.asMap(),
                outages.registryWaits());
        // Served from the start: while the app waits for the registry or the cluster, /health is 200 and /ready 503.
        AtomicReference<HealthSource> health = new AtomicReference<>(outages.starting(applicationId));
        MetricsServer server = MetricsServer.start(config, registry, () -> health.get().report());
        RunningApp running = null;
        Admin admin = null;
        try {
            StartupWait wait = StartupWait.from(config, outages);
            wait.forRegistry(schemaRegistry, config.get(SchemaRegistryClients.URL, "?"));
            SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()), schemaRegistry);
            PipelineMetrics metrics = new PipelineMetrics(registry);
            // The dead-letter handlers write with this app's serdes, whose schema ids are registered below.
            AppTopology built = AppTopology.build(app, config, topics, metrics);
            Properties props = built.properties();
            wait.forSchemas(topics);

            // Kept for the app's life: the probe asks the cluster through it.
            admin = Admin.create(adminConfig(applicationId, props));
            ensureTopics(admin, topics, config, wait);
            healState(props, applicationId, metrics);

            KafkaStreams streams = new KafkaStreams(built.topology(), props);
            ClientMeters clientMeters = ClientMeters.bind(streams, registry);
            running = new RunningApp(applicationId, streams, topics, registry, clientMeters,
                    config.getDuration(SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT), outages, admin);
            health.set(running.health());
            // A cluster that does not answer within one interval counts as down: /ready turns 503 within two.
            Duration probeInterval = config.getDuration(DependencyProbe.INTERVAL, DependencyProbe.DEFAULT_INTERVAL);
            Admin probeAdmin = admin;
            outages.startProbes(probeInterval, () -> describeCluster(probeAdmin, probeInterval),
                    schemaRegistry::checkReachable);
            running.start(server);
        } catch (RuntimeException e) {
            if (running != null) {
                running.close();
            } else {
                outages.close();
                if (admin != null) {
                    admin.close(ADMIN_CLOSE_TIMEOUT);
                }
                server.close();
                registry.close();
            }
            throw e;
        }
        LOG.info("Started {}: application.id={}, bootstrap.servers={}, metrics={}", app.name(), applicationId,
                config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "?"), running.metricsUrl());
        return running;
    }

    /**
     * Starts the app and blocks until the process is asked to stop (SIGTERM, SIGINT: a shutdown hook closes the app
     * gracefully) or the app stops by itself after a fatal error.
     *
     * @throws IllegalStateException when the app stopped after a fatal error (the cause), so that {@code main} can
     *         exit non-zero and let the orchestrator restart it
     */
    public static void runUntilShutdown(StreamsApp app, SpendstreamConfig config) {
        RunningApp running = start(app, config);
        Thread hook = new Thread(running::close, "spendstream-shutdown-" + app.name());
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            running.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is closing the app; close() below waits for it.
        }
        running.close();
        running.fatalError().ifPresent(error -> {
            throw new IllegalStateException(running.applicationId() + " stopped after a fatal error: " + error,
                    error);
        });
    }

    /**
     * Wipes every task directory holding a store RocksDB cannot open, so that Kafka Streams restores it from its
     * changelog instead of failing at every start, and under exactly-once those left open by an unclean stop
     * ({@link StateHealer} says why); counted in {@value #STATE_STORES_HEALED} and {@value #STATE_TASKS_WIPED_UNCLEAN}
     * (both created at 0).
     */
    private static void healState(Properties props, String applicationId, PipelineMetrics metrics) {
        Counter healed = metrics.counter(STATE_STORES_HEALED);
        Counter unclean = metrics.counter(STATE_TASKS_WIPED_UNCLEAN);
        boolean exactlyOnce =
                StreamsConfig.EXACTLY_ONCE_V2.equals(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        StateHealer.Healed found = StateHealer.heal(Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)),
                applicationId, exactlyOnce);
        healed.increment(found.unopenable().size());
        unclean.increment(found.leftOpen().size());
    }

    /**
     * Creates the missing topics, after waiting for the cluster to answer ({@link StartupWait#forCluster}). With
     * {@code spendstream.topics.create=false} the app starts without the cluster and waits for it, serving /health
     * (ready once it is RUNNING), as Kafka Streams does.
     */
    private static void ensureTopics(Admin admin, SpendstreamTopics topics, SpendstreamConfig config,
            StartupWait wait) {
        if (!config.getBoolean(TopicCreator.CREATE, true)) {
            return;
        }
        Duration timeout = config.getDuration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
        wait.forCluster(() -> describeCluster(admin, timeout), config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "?"),
                timeout);
        TopicCreator.ensureTopics(admin, topics, config);
    }

    /** Asks the cluster its id: answers within the timeout, or throws. */
    static void describeCluster(Admin admin, Duration timeout) throws Exception {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId()
                .get(timeout.toMillis() + ADMIN_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The admin subset of the app's settings (connection and security keys, {@code admin.*} overrides). */
    static Map<String, Object> adminConfig(String applicationId, Properties props) {
        Map<String, Object> admin = new HashMap<>();
        props.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key.toString())) {
                admin.put(key.toString(), value);
            }
        });
        props.forEach((key, value) -> {
            if (key.toString().startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                admin.put(key.toString().substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()), value);
            }
        });
        admin.put(CommonClientConfigs.CLIENT_ID_CONFIG, applicationId + "-topic-creator");
        return admin;
    }
}
