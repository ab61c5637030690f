package io.spendstream.deploy.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.spendstream.deploy.cli.SpendstreamCli;

/**
 * One Spendstream app as its own JVM, started the production way ({@code spendstream run <app>}, {@link SpendstreamCli})
 * with this test JVM's classpath, and killed the hard way: {@link #kill()} is SIGKILL ({@link Process#destroyForcibly}),
 * so the app gets no shutdown hook, no last commit, no close of its transactional producer or RocksDB stores. Each
 * {@link #start()} runs the same command again on the same state directory, as a supervisor restarting a crashed
 * container does. Standard output and error of every run go, appended, to one log file.
 */
final class AppProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String app;
    private final List<String> command;
    private final String applicationId;
    private final Path log;
    private final int metricsPort;
    private Process process;
    private int starts;

    /**
     * @param settings {@code --set} settings of the app (application id prefix, state directory, ...), besides its
     *                 metrics port
     */
    AppProcess(String app, String bootstrapServers, String registryUrl, int metricsPort, Map<String, String> settings,
            Path log) {
        this.app = app;
        this.applicationId = settings.get("spendstream.application.id.prefix") + app;
        this.log = log;
        this.metricsPort = metricsPort;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.spendstream",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-cp", System.getProperty("java.class.path"),
                SpendstreamCli.class.getName(), "run", app,
                "--bootstrap-servers", bootstrapServers, "--schema-registry-url", registryUrl,
                "--set", "spendstream.metrics.port=" + metricsPort));
        settings.forEach((key, value) -> cmd.addAll(List.of("--set", key + "=" + value)));
        this.command = List.copyOf(cmd);
    }

    void start() {
        try {
            Files.writeString(log, "=== start " + (++starts) + " of " + app + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + app, e);
        }
    }

    /** SIGKILL, then waits until the JVM is gone (its file locks released). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(app + " survived SIGKILL for 30 s");
        }
    }

    /** Waits until the app answers 200 on {@code /ready} (Kafka Streams RUNNING). */
    void awaitReady(Duration timeout) {
        await(app + " RUNNING (/ready 200 on port " + metricsPort + "; log " + log + ")").atMost(timeout)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(app + " exited with " + process.exitValue() + "; see " + log);
                    }
                    return isReady();
                });
    }

    private boolean isReady() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + metricsPort + "/ready")).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String app() {
        return app;
    }

    /** The application.id (the prefix of its internal topics). */
    String applicationId() {
        return applicationId;
    }

    /** Stops the JVM gracefully (SIGTERM: the app closes and commits), or kills it after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
