package io.spendstream.runtime.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.http.HttpServers;

/**
 * The operations endpoint of one process, on the JDK's built-in HTTP server:
 * <ul>
 * <li>{@code GET /metrics}: Prometheus text (or OpenMetrics when the scraper asks for it) of the process's registry:
 * pipeline meters ({@code spendstream_*}), Kafka client metrics and JVM metrics;</li>
 * <li>{@code GET /health}: 200 while the {@link HealthSource} reports the process live, else 503, with a JSON body
 * giving the state (for a stream app: 503 once its Kafka Streams client has failed or stopped, see
 * {@link StreamsHealth});</li>
 * <li>{@code GET /ready}: 200 only while the source reports ready (a stream app: {@code RUNNING}), else 503; same
 * body.</li>
 * </ul>
 * Port {@value #PORT} (0 picks a free port; {@link #port()} tells which), interface {@value #ADDRESS}.
 */
public final class MetricsServer implements AutoCloseable {

    public static final String PORT = "spendstream.metrics.port";
    public static final String ADDRESS = "spendstream.metrics.address";

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final HealthSource health;

    private MetricsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
            HealthSource health) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.health = health;
    }

    /**
     * Binds {@value #ADDRESS}:{@value #PORT} from the configuration (defaults 0.0.0.0:9400).
     *
     * @throws IllegalArgumentException for a port outside 0-65535, naming the setting
     */
    public static MetricsServer start(SpendstreamConfig config, PrometheusMeterRegistry registry,
            HealthSource health) {
        int port = config.getInt(PORT, 9400);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + "=" + port + " is not a port (0-65535; 0 = any free port)");
        }
        return start(new InetSocketAddress(config.get(ADDRESS, "0.0.0.0"), port), registry, health);
    }

    /**
     * Binds the address and starts serving.
     *
     * @throws UncheckedIOException if the port is taken, naming the setting to change
     */
    public static MetricsServer start(InetSocketAddress address, PrometheusMeterRegistry registry,
            HealthSource health) {
        HttpServer server;
        try {
            server = HttpServers.create(address);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve metrics on " + address + " (" + e.getMessage()
                    + "); set " + PORT + " to a free port, or 0 for any", e);
        }
        // Two threads: a slow scraper must not hold up a liveness probe. Daemon threads, so a forgotten close()
        // never keeps the JVM alive.
        int id = SERVERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "spendstream-http-" + id + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        MetricsServer metricsServer = new MetricsServer(server, executor, registry, health);
        server.createContext("/", metricsServer::route);
        server.start();
        return metricsServer;
    }

    /** The bound port (the chosen one when configured with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where to scrape, e.g. {@code http://localhost:9401/metrics}. */
    public URI metricsUrl() {
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "localhost"
                : server.getAddress().getHostString();
        return URI.create("http://" + host + ":" + port() + "/metrics");
    }

    @Override
    public void close() {
        // No drain delay: a scrape cut short is simply retried by Prometheus at the next interval.
        server.stop(0);
        executor.shutdownNow();
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "Method not allowed\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> metrics(exchange);
                case "/health" -> health(exchange, false);
                case "/ready" -> health(exchange, true);
                default -> send(exchange, 404, "text/plain; charset=utf-8",
                        "Not found: try /metrics, /health or /ready\n");
            }
        } catch (RuntimeException e) {
            // Headers may be gone already; nothing more useful to do than close the exchange (try above).
            throw new IOException("Failed to answer " + exchange.getRequestURI(), e);
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT
                : PROMETHEUS_TEXT;
        send(exchange, 200, contentType, registry.scrape(contentType));
    }

    private void health(HttpExchange exchange, boolean readiness) throws IOException {
        HealthReport report = health.report();
        boolean ok = readiness ? report.ready() : report.live();
        send(exchange, ok ? 200 : 503, JSON, toJson(report.body()));
    }

    private static String toJson(Map<String, Object> body) {
        try {
            return MAPPER.writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render health report " + body, e);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
