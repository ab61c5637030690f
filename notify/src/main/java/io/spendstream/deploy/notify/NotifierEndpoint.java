package io.spendstream.deploy.notify;

import java.net.URI;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.ClientMeters;
import io.spendstream.runtime.metrics.MetricsServer;

/**
 * The operations endpoint of {@code spendstream notify}, the same server the stream apps use: {@code /metrics}
 * (the {@code spendstream_notify_*} meters, the consumer's and dead-letter producer's Kafka client metrics, JVM
 * metrics), {@code /health} and {@code /ready} (from {@link NotifierHealth}). Port and interface are
 * {@code spendstream.metrics.port} (default {@value #DEFAULT_PORT}, after the stream apps' 9401-9404) and
 * {@code spendstream.metrics.address}.
 */
public final class NotifierEndpoint implements AutoCloseable {

    public static final String DEFAULT_PORT = "9405";

    private final PrometheusMeterRegistry registry;
    private final ClientMeters clientMeters;
    private final MetricsServer server;

    private NotifierEndpoint(PrometheusMeterRegistry registry, ClientMeters clientMeters, MetricsServer server) {
        this.registry = registry;
        this.clientMeters = clientMeters;
        this.server = server;
    }

    /** The registry to give {@link NotifyMetrics}; every meter is tagged {@code application=<applicationId>}. */
    public static PrometheusMeterRegistry registry(String applicationId) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Same tag as the stream apps, so one dashboard query selects any Spendstream process.
        registry.config().commonTags("application", applicationId);
        return registry;
    }

    /**
     * Binds the notifier's client meters to {@code registry} and serves it. The endpoint owns the registry from here:
     * {@link #close()} closes it.
     *
     * @throws java.io.UncheckedIOException when the port is taken, naming the setting to change
     */
    public static NotifierEndpoint start(SpendstreamConfig config, AlertNotifier notifier,
            PrometheusMeterRegistry registry) {
        ClientMeters clientMeters = notifier.bindClientMeters(registry);
        try {
            return new NotifierEndpoint(registry, clientMeters,
                    MetricsServer.start(config, registry, notifier.health()));
        } catch (RuntimeException e) {
            clientMeters.close();
            registry.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public URI metricsUrl() {
        return server.metricsUrl();
    }

    @Override
    public void close() {
        server.close();
        clientMeters.close();
        registry.close();
    }
}
