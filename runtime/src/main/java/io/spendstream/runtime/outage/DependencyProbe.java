package io.spendstream.runtime.outage;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.spendstream.runtime.metrics.Dependency;
import io.spendstream.schemas.registry.SchemaRegistryException;

/**
 * Asks each dependency something cheap every interval (the cluster: describe cluster; the registry:
 * {@code GET /subjects}) and marks it up or down, so that {@code /ready} turns 503 within an interval or two of an
 * outage even while nothing the app does needs the dependency (Kafka Streams keeps saying RUNNING while the broker is
 * gone; a registry outage goes unnoticed while every schema id is cached). One daemon thread per dependency, so a
 * slow answer from one never delays the other.
 */
public final class DependencyProbe implements AutoCloseable {

    /** One question to a dependency; any exception means no usable answer. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    public static final String INTERVAL = "spendstream.health.probe.interval";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final AtomicInteger PROBES = new AtomicInteger();

    private final ScheduledExecutorService executor;

    private DependencyProbe(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static DependencyProbe start(Duration interval, Map<Dependency, Check> checks) {
        int id = PROBES.incrementAndGet();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(checks.size(), runnable -> {
            Thread thread = new Thread(runnable, "spendstream-probe-" + id);
            thread.setDaemon(true);
            return thread;
        });
        checks.forEach((dependency, check) -> executor.scheduleWithFixedDelay(() -> probe(dependency, check),
                interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS));
        return new DependencyProbe(executor);
    }

    static void probe(Dependency dependency, Check check) {
        try {
            check.run();
            dependency.answered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            dependency.failed(reason(cause), String.valueOf(cause.getMessage()));
        }
    }

    static String reason(Throwable error) {
        if (error instanceof SchemaRegistryException registry) {
            return registry.kind();
        }
        if (error instanceof java.util.concurrent.TimeoutException
                || error instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "timeout";
        }
        return "error";
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
