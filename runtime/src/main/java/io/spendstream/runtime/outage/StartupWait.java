package io.spendstream.runtime.outage;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import io.spendstream.runtime.config.ConnectionException;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.Dependency;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import io.spendstream.schemas.registry.SchemaRegistryException;

/**
 * What an app waits for before it starts: the schema registry (answering {@code GET /subjects}, then registering the
 * app's schemas) and, when it creates topics, the cluster. Two kinds of failure:
 * <ul>
 * <li>an <b>outage</b> (no answer, a 5xx, a 401/403, a cluster that does not answer in time) is waited out, retrying
 * with a doubling backoff up to 10 s, logged once when the wait starts and once when it ends, with {@code /health}
 * 200 and {@code /ready} 503 meanwhile, for {@value #TIMEOUT} (default {@link #DEFAULT_TIMEOUT}, 0 for ever), after
 * which the app fails with one line (exit 1);</li>
 * <li>a configuration that can never work (an answer that is no registry's, e.g. a 404 page; an incompatible schema;
 * a cluster refusing the credentials) fails at once with one line naming the address and the cause.</li>
 * </ul>
 */
public final class StartupWait {

    /** How long start-up waits for the registry and the cluster; {@code 0}: as long as it takes. */
    public static final String TIMEOUT = "spendstream.startup.timeout";

    /**
     * Long enough to ride out a registry or broker restart (a 30 s outage is waited out with room to spare), short
     * enough that a wrong address, which looks exactly like a dependency that is down, ends in one line and exit 1
     * instead of a process that waits for ever. An orchestrator restarts the process, so a longer outage is still
     * waited out, one start-up at a time.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private static final String WAITING = "the app waits for it before starting (retrying with backoff, /health 200)";

    private final Optional<Duration> timeout;
    private final OutageWatch outages;

    StartupWait(Optional<Duration> timeout, OutageWatch outages) {
        this.timeout = timeout;
        this.outages = outages;
    }

    public static StartupWait from(SpendstreamConfig config, OutageWatch outages) {
        Duration timeout = config.getDuration(TIMEOUT, DEFAULT_TIMEOUT);
        return new StartupWait(timeout.isZero() ? Optional.empty() : Optional.of(timeout), outages);
    }

    /** Waits until the registry answers {@code GET /subjects}. */
    public void forRegistry(io.spendstream.schemas.registry.SchemaRegistryClient registry, String url) {
        String suffix = " (" + SchemaRegistryClients.URL + "=" + url + ")";
        await(outages.schemaRegistry(), registry::checkReachable, e -> e.getMessage() + suffix);
    }

    /**
     * Registers every schema the app writes (the registry may fail again in between: that is waited out by the
     * registry client itself); a refusal (e.g. an incompatible schema) fails the start with one line.
     */
    public void forSchemas(SpendstreamTopics topics) {
        try {
            topics.registerSchemas();
        } catch (SchemaRegistryException e) {
            throw new ConnectionException(e.getMessage(), e);
        }
    }

    /** Waits until the cluster answers; {@code describeCluster} gives up after {@code requestTimeout}. */
    public void forCluster(DependencyProbe.Check describeCluster, String bootstrapServers, Duration requestTimeout) {
        await(outages.kafka(), describeCluster, e -> "Kafka at " + bootstrapServers
                + (isOutage(e) ? " did not answer within " + requestTimeout.toSeconds() + "s (is the cluster up, "
                        + "bootstrap.servers right, "
                        + "security.protocol / sasl.* / ssl.* set?)"
                        : " refused: " + cause(e).getMessage()));
    }

    private void await(Dependency dependency, DependencyProbe.Check check, Function<Exception, String> describe) {
        long started = System.nanoTime();
        for (int attempt = 1;; attempt++) {
            Exception failure;
            try {
                check.run();
                dependency.answered();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("Interrupted while waiting for " + dependency.name(), e);
            } catch (Exception e) {
                failure = e;
            }
            String message = describe.apply(failure);
            if (!isOutage(failure)) {
                throw new ConnectionException(message, failure);
            }
            dependency.failed(DependencyProbe.reason(cause(failure)), message, WAITING
                    + timeout.map(t -> ", giving up after " + t.toSeconds() + " s (" + TIMEOUT + ")")
                            .orElse(", with no time limit (" + TIMEOUT + ")"));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            if (timeout.isPresent() && waited.compareTo(timeout.get()) >= 0) {
                throw new ConnectionException(message, failure);
            }
            Duration backoff = SchemaRegistryClients.WAIT_BACKOFF.backoffBefore(attempt + 1);
            if (timeout.isPresent()) {
                Duration left = timeout.get().minus(waited);
                backoff = backoff.compareTo(left) > 0 ? left : backoff;
            }
            try {
                Thread.sleep(Math.max(1, backoff.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("Interrupted while waiting for " + dependency.name(), e);
            }
        }
    }

    /** No answer or an answer that may change by itself; anything else is the dependency's final word. */
    static boolean isOutage(Exception failure) {
        Throwable cause = cause(failure);
        if (cause instanceof SchemaRegistryException registry) {
            return registry.isOutage();
        }
        return cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException;
    }

    private static Throwable cause(Exception failure) {
        return failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
