package io.spendstream.deploy.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

import io.spendstream.runtime.http.HttpServers;

/**
 * Spendstream's own schema registry service: the part of the Confluent Schema Registry REST API that serializers,
 * deserializers and tools use (register, look up, fetch by id, list subjects and versions, compatibility levels and
 * checks), so Confluent's Java serdes, confluent_kafka for Python and Spendstream's
 * {@code HttpSchemaRegistryClient} work against it unchanged. Avro only.
 *
 * <p>Reads and writes the compacted single-partition storage topic ({@link #DEFAULT_STORAGE_TOPIC} unless told
 * otherwise), created on first start: every registration and level change is a record there, and each start reads
 * the topic to its end, so ids, versions and levels survive restarts. Keeps no other state.
 *
 * <p>Run one instance per storage topic: ids are assigned by the instance that writes, and a second instance would
 * neither see the first one's writes until it restarts nor be prevented from assigning the same id.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

    public static final String DEFAULT_STORAGE_TOPIC = "_spendstream_schemas";

    /** Bound on every Kafka step of a request, and on reading the topic at start-up. */
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final int HTTP_THREADS = 4;
    private static final String ALL_INTERFACES = "0.0.0.0";

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistry.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final SchemaTopic log;
    private final String url;

    private LocalSchemaRegistry(HttpServer server, ExecutorService executor, SchemaTopic log, String url) {
        this.server = server;
        this.executor = executor;
        this.log = log;
        this.url = url;
    }

    /**
     * Starts a registry listening on all interfaces (as Confluent's default listener does), storing its state in the
     * given topic of the cluster at {@code bootstrapServers}.
     *
     * @param port         HTTP port; 0 picks a free one (see {@link #port()})
     * @param storageTopic e.g. {@link #DEFAULT_STORAGE_TOPIC}
     */
    public static LocalSchemaRegistry start(String bootstrapServers, int port, String storageTopic) {
        return start(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), ALL_INTERFACES, port,
                storageTopic);
    }

    /**
     * Starts a registry on the given host address (e.g. {@code 127.0.0.1} to serve this machine only).
     *
     * @param kafkaConfig Kafka client settings shared by its admin, producer and consumer: bootstrap servers plus
     *                    any security settings of the cluster
     */
    public static LocalSchemaRegistry start(Map<String, Object> kafkaConfig, String bindHost, int port,
            String storageTopic) {
        RegistryState state = new RegistryState();
        SchemaTopic log = SchemaTopic.open(kafkaConfig, storageTopic, KAFKA_TIMEOUT);
        ExecutorService executor = null;
        try {
            log.catchUp(state::apply);
            HttpServer server = HttpServers.create(new InetSocketAddress(bindHost, port));
            server.createContext("/", new RegistryHttpHandler(new SchemaRegistryService(state, log)));
            executor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
            server.setExecutor(executor);
            server.start();
            String host = bindHost.equals(ALL_INTERFACES) ? "localhost" : bindHost;
            String url = "http://" + host + ":" + server.getAddress().getPort();
            LOG.info("Schema registry serving {} from topic {}: {} subjects, compatibility {}", url, storageTopic,
                    state.subjects().size(), state.globalLevel());
            return new LocalSchemaRegistry(server, executor, log, url);
        } catch (IOException e) {
            shutdown(executor, log);
            throw new UncheckedIOException("Cannot listen on " + bindHost + ":" + port, e);
        } catch (TimeoutException e) {
            shutdown(executor, log);
            throw new IllegalStateException("Could not read schema storage topic '" + storageTopic + "' within "
                    + KAFKA_TIMEOUT, e);
        } catch (RuntimeException e) {
            shutdown(executor, log);
            throw e;
        }
    }

    /** Base URL for clients, e.g. {@code http://localhost:8081}. */
    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving at once (in-flight requests are cut), then closes the Kafka clients. */
    @Override
    public void close() {
        server.stop(0);
        shutdown(executor, log);
        LOG.info("Schema registry at {} stopped", url);
    }

    private static void shutdown(ExecutorService executor, SchemaTopic log) {
        if (executor != null) {
            executor.shutdown();
            try {
                // A registration waits at most KAFKA_TIMEOUT on Kafka; let it finish before its producer closes.
                executor.awaitTermination(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
