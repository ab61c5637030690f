package io.spendstream.runtime;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.runtime.metrics.ClientMeters;
import io.spendstream.runtime.metrics.MetricsServer;
import io.spendstream.runtime.metrics.StreamsHealth;
import io.spendstream.runtime.outage.OutageWatch;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * One started app: its Kafka Streams client, its metrics/health endpoint and its meters, closed together.
 * Made by {@link StreamsAppRunner#start}.
 *
 * <p>A stream thread that dies with an exception the dead-letter handlers did not absorb stops the whole client
 * ({@code SHUTDOWN_CLIENT}): such an error is a bug or a broken environment (lost state directory, fenced producer
 * that keeps coming back, missing source topic), and replacing the thread would retry the same record forever
 * while looking healthy. Instead {@code /health} turns 503 with the error, {@link #awaitTermination()} returns,
 * and {@link StreamsAppRunner#runUntilShutdown} exits non-zero so the orchestrator restarts the process; under
 * exactly-once the restart resumes from the last committed transaction without loss or double counting.
 *
 * <p>An outage of the cluster or the schema registry is not such an error: the app waits it out, {@code /ready}
 * answering 503 meanwhile ({@link OutageWatch}).
 */
public final class RunningApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningApp.class);

    private final String applicationId;
    private final KafkaStreams streams;
    private final SpendstreamTopics topics;
    private final PrometheusMeterRegistry registry;
    private final StreamsHealth health;
    private final ClientMeters clientMeters;
    private final Duration shutdownTimeout;
    private final OutageWatch outages;
    private final Admin admin;
    private final Object stateChanged = new Object();
    private MetricsServer metricsServer;
    private volatile boolean closed;

    RunningApp(String applicationId, KafkaStreams streams, SpendstreamTopics topics, PrometheusMeterRegistry registry,
            ClientMeters clientMeters, Duration shutdownTimeout, OutageWatch outages, Admin admin) {
        this.applicationId = applicationId;
        this.streams = streams;
        this.topics = topics;
        this.registry = registry;
        this.clientMeters = clientMeters;
        this.shutdownTimeout = shutdownTimeout;
        this.outages = outages;
        this.admin = admin;
        this.health = StreamsHealth.of(applicationId, streams, outages.dependencies());
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("{} stops after an unrecoverable error; /health now reports it", applicationId, error);
            health.recordFatalError(error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        // Never close the client from here: closing inside a state listener deadlocks Kafka Streams.
        streams.setStateListener((newState, oldState) -> {
            // One line per change: how long a start, a rebalance or a restore took is read off these.
            LOG.info("{} {} -> {}", applicationId, oldState, newState);
            synchronized (stateChanged) {
                stateChanged.notifyAll();
            }
        });
    }

    /** Serves the endpoint (before the client starts, so a taken port fails fast) and starts the client. */
    void start(MetricsServer server) {
        this.metricsServer = server;
        streams.start();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public String applicationId() {
        return applicationId;
    }

    public SpendstreamTopics topics() {
        return topics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public StreamsHealth health() {
        return health;
    }

    public int metricsPort() {
        return metricsServer.port();
    }

    public URI metricsUrl() {
        return metricsServer.metricsUrl();
    }

    /** True while the client is RUNNING and reaches the cluster and the registry. */
    public boolean isReady() {
        return health.isReady();
    }

    /** The error that stopped the client, if one did. */
    public Optional<Throwable> fatalError() {
        return health.fatalError();
    }

    /** Waits until the client is RUNNING; false on timeout or when it stopped or failed first. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateChanged) {
            while (!health.isReady()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !health.isLive()) {
                    return false;
                }
                // Bounded wait: a state change between the check and the wait is caught on the next round.
                stateChanged.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
            return true;
        }
    }

    /** Blocks until the client has stopped, by {@link #close()} or after a fatal error. */
    public void awaitTermination() throws InterruptedException {
        synchronized (stateChanged) {
            // closed too: a close that timed out can leave the client in PENDING_SHUTDOWN for good.
            while (health.isLive() && !closed) {
                stateChanged.wait(100);
            }
        }
    }

    /**
     * Graceful stop: the client closes (commits, flushes, releases state) within {@code spendstream.shutdown.timeout},
     * then the meters and the HTTP endpoint. Safe to call twice and from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // First: a stream thread waiting for the registry gives up its wait, else the close would wait for it.
        outages.close();
        if (!streams.close(shutdownTimeout)) {
            LOG.warn("{} did not close within {}; its state will be recovered from the changelog on next start",
                    applicationId, shutdownTimeout);
        }
        admin.close(Duration.ofSeconds(5));
        clientMeters.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        registry.close();
        synchronized (stateChanged) {
            stateChanged.notifyAll();
        }
        LOG.info("{} stopped", applicationId);
    }
}
