package io.spendstream.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.runtime.config.ConnectionException;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.ClientMeters;
import io.spendstream.runtime.metrics.MetricsServer;
import io.spendstream.runtime.metrics.StateStoreTagFilter;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.StateHealer;
import io.spendstream.runtime.topics.TopicCreator;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClient;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import io.spendstream.schemas.registry.SchemaRegistryException;

/**
 * Runs one {@link StreamsApp} in production: topics and serdes from the configuration, the app's topology,
 * {@link StreamsProperties}, missing topics created ({@link TopicCreator}), a Prometheus registry with pipeline,
 * Kafka Streams and JVM meters, the {@code /metrics}, {@code /health} and {@code /ready} endpoint, and a graceful
 * stop. Reads and writes whatever topics the app's topology does; keeps no state of its own.
 */
public final class StreamsAppRunner {

    /** How long a graceful stop may take: fits inside Kubernetes' default 30 s termination grace period. */
    public static final String SHUTDOWN_TIMEOUT = "spendstream.shutdown.timeout";
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(StreamsAppRunner.class);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** How long the start-up check waits for the cluster to answer before the app fails with one line. */
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
     *         the cluster cannot be reached (checked before anything starts), IllegalStateException when topics
     *         cannot be created, UncheckedIOException when the metrics port is taken
     */
    public static RunningApp start(StreamsApp app, SpendstreamConfig config) {
        String applicationId = StreamsProperties.applicationId(app, config);
        SchemaRegistryClient schemaRegistry = SchemaRegistryClients.fromConfig(config.asMap());
        checkRegistry(schemaRegistry, config);
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()), schemaRegistry);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Several apps may share a JVM (the local all-in-one runner) or a dashboard: tag every meter with its app.
        registry.config().commonTags("application", applicationId).meterFilter(new StateStoreTagFilter());
        PipelineMetrics metrics = new PipelineMetrics(registry);
        // The stage the dead-letter handlers count under (StreamsProperties sets spendstream.stage to the app's name).
        metrics.expectStage(app.name());
        metrics.expectDeadLetters(app.name(), app.deadLetterReasons());

        Properties props = StreamsProperties.build(app, config, metrics);
        // The builder gets the app's own config: a bare StreamsBuilder() builds with defaults (and says so in a WARN).
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        app.buildTopology(builder, new AppContext(topics, config, metrics));
        Topology topology = builder.build(props);

        ensureTopics(applicationId, props, topics, config);
        healState(props, applicationId, metrics);

        KafkaStreams streams = new KafkaStreams(topology, props);
        ClientMeters clientMeters = ClientMeters.bind(streams, registry);
        RunningApp running = new RunningApp(applicationId, streams, topics, registry, clientMeters,
                config.getDuration(SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT));
        try {
            running.start(MetricsServer.start(config, registry, running.health()));
        } catch (RuntimeException e) {
            running.close();
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
     * The registry is otherwise first called by a serde on the first record, inside a stream thread: a wrong URL
     * then showed as pages of stack traces after "Started".
     */
    private static void checkRegistry(SchemaRegistryClient registry, SpendstreamConfig config) {
        try {
            registry.checkReachable();
        } catch (SchemaRegistryException e) {
            throw new ConnectionException(e.getMessage() + " (" + SchemaRegistryClients.URL + "="
                    + config.get(SchemaRegistryClients.URL, "?") + ")", e);
        }
    }

    /**
     * Creates the missing topics, after checking that the cluster answers: one line naming the address instead of
     * a timed-out admin call. With {@code spendstream.topics.create=false} the app starts without the cluster and
     * waits for it, serving /health (ready once it is RUNNING), as Kafka Streams does.
     */
    private static void ensureTopics(String applicationId, Properties props, SpendstreamTopics topics,
            SpendstreamConfig config) {
        if (!config.getBoolean(TopicCreator.CREATE, true)) {
            return;
        }
        Admin admin = Admin.create(adminConfig(applicationId, props));
        try {
            checkCluster(admin, config);
            TopicCreator.ensureTopics(admin, topics, config);
        } finally {
            // Bounded: after a timed-out request the default close would wait for it indefinitely.
            admin.close(ADMIN_CLOSE_TIMEOUT);
        }
    }

    private static void checkCluster(Admin admin, SpendstreamConfig config) {
        Duration timeout = config.getDuration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
        String kafka = "Kafka at " + config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "?");
        String noAnswer = kafka + " did not answer within " + timeout.toSeconds() + "s (is the cluster up, "
                + "bootstrap.servers right, security.protocol / sasl.* / ssl.* set?)";
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId()
                    .get(timeout.toMillis() + ADMIN_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ConnectionException(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    ? noAnswer : kafka + " refused: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectionException(noAnswer, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("Interrupted while connecting to " + kafka, e);
        }
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
