package io.spendstream.deploy.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.spendstream.deploy.AppLogLines;
import io.spendstream.deploy.cli.SpendstreamCli;

/**
 * One Spendstream app instance as its own JVM, started the production way ({@code spendstream run <app>},
 * {@link SpendstreamCli}) with this JVM's classpath, and killed the hard way: {@link #kill()} is SIGKILL
 * ({@link Process#destroyForcibly}), so the app gets no shutdown hook, no last commit, no close of its transactional
 * producer or RocksDB stores. Each {@link #start()} runs the same command again on the same state directory, as a
 * supervisor restarting a crashed container does. Standard output and error of every run go, appended, to one log
 * file. Used by {@code spendstream chaos} and the crash tests of the it module.
 */
public final class AppProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** StreamsAppRunner's line once the app serves its endpoint: "Started <app>: ..., metrics=http://host:port/...". */
    private static final Pattern STARTED =
            Pattern.compile("Started \\S+: application\\.id=.*metrics=http://[^:/]+:(\\d+)/");
    /** What RunningApp logs when a stream thread dies and the app stops (SHUTDOWN_CLIENT). */
    private static final String FATAL_ERROR = "stops after an unrecoverable error";

    private final String app;
    private final String name;
    private final List<String> command;
    private final String applicationId;
    private final Path log;
    private final int configuredPort;
    private Process process;
    private int starts;
    /** Where the current run's output starts in the log, and its metrics port once known (-1 before). */
    private long runLogStart;
    private volatile int metricsPort = -1;
    /** Killed and kept down on purpose ({@link #killAndHold}): not restarted by {@link #restartIfExited}. */
    private boolean held;

    /**
     * @param name        this instance's name in logs and reports (the app's name when it runs alone)
     * @param metricsPort its metrics port, or 0: any free port at each start, read from the app's "Started" line.
     *                    A fixed port chosen free beforehand can be taken by the time of a restart (an ephemeral
     *                    port of some client connection), and another process then answers on it
     * @param settings    {@code --set} settings of the app (application id prefix, state directory, ...), besides
     *                    its metrics port
     */
    public AppProcess(String app, String name, String bootstrapServers, String registryUrl, int metricsPort,
            Map<String, String> settings, Path log) {
        this.app = app;
        this.name = name;
        this.applicationId = settings.get("spendstream.application.id.prefix") + app;
        this.log = log;
        this.configuredPort = metricsPort;
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

    /** An app running alone: named after the app. */
    public AppProcess(String app, String bootstrapServers, String registryUrl, int metricsPort,
            Map<String, String> settings, Path log) {
        this(app, app, bootstrapServers, registryUrl, metricsPort, settings, log);
    }

    public synchronized void start() {
        try {
            Files.writeString(log, "=== start " + (++starts) + " of " + name + " at " + LocalTime.now() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            runLogStart = Files.size(log);
            metricsPort = configuredPort == 0 ? -1 : configuredPort;
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /** SIGKILL, then waits until the JVM is gone (its file locks released). */
    public synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 30 s");
        }
    }

    /**
     * SIGKILL, {@code whileDown} (e.g. damage its state), then the same command again, as a supervisor restarting a
     * crashed container does; nothing else starts it in between.
     */
    public synchronized void killAndRestart(Runnable whileDown) throws InterruptedException {
        kill();
        whileDown.run();
        start();
    }

    /** SIGKILL, and no restart until {@link #release()}: a node that stays lost for a while. */
    public synchronized void killAndHold() throws InterruptedException {
        kill();
        held = true;
    }

    /** Starts an instance {@link #killAndHold held} down again. */
    public synchronized void release() {
        if (held) {
            held = false;
            start();
        }
    }

    public synchronized boolean isHeld() {
        return held;
    }

    /**
     * Starts it again if it exited by itself: why it exited (its exit code and the ERROR line of that run's output
     * that says why, see {@link #exitError}), or empty when it did not exit.
     */
    public synchronized Optional<String> restartIfExited() {
        if (process == null || process.isAlive() || held) {
            return Optional.empty();
        }
        String reason = "exit code " + process.exitValue() + exitError(currentRunOutput()).map(e -> ": " + e)
                .orElse(" (no ERROR line in its output)");
        start();
        return Optional.of(reason);
    }

    /**
     * The line of an app's output that says why it stopped, with the line after it (where the exception is named):
     * the app's own "stops after an unrecoverable error" line ({@code RunningApp}), else its last ERROR line; empty
     * when it logged no ERROR.
     */
    static Optional<String> exitError(String output) {
        List<String> lines = output.lines().toList();
        int chosen = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (AppLogLines.isError(lines.get(i))) {
                chosen = i;
                if (lines.get(i).contains(FATAL_ERROR)) {
                    break;
                }
            }
        }
        if (chosen < 0) {
            return Optional.empty();
        }
        return Optional.of(lines.get(chosen).strip()
                + (chosen + 1 < lines.size() ? " / " + lines.get(chosen + 1).strip() : ""));
    }

    /**
     * Waits until the app answers 200 on {@code /ready}, also across exits (something else restarts it, see
     * {@link #restartIfExited}); false when it is not RUNNING within {@code timeout}.
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Waits until the app answers 200 on {@code /ready} (Kafka Streams RUNNING); fails when it exits first. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not RUNNING (/ready 200 on port " + metricsPort() + ") within "
                        + timeout.toSeconds() + " s; see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** The current run's metrics port, or -1 while the app has not said it yet. */
    private int metricsPort() {
        int port = metricsPort;
        if (port < 0) {
            synchronized (this) {
                Matcher started = STARTED.matcher(currentRunOutput());
                port = started.find() ? Integer.parseInt(started.group(1)) : -1;
                metricsPort = port;
            }
        }
        return port;
    }

    /** What the current (or last) run has written to the log so far. */
    private synchronized String currentRunOutput() {
        try (FileChannel channel = FileChannel.open(log)) {
            channel.position(runLogStart);
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + log, e);
        }
    }

    /** True when the app answers 200 on {@code /ready}: Kafka Streams RUNNING, every active task restored. */
    public boolean isReady() {
        int metricsPort = metricsPort();
        if (metricsPort < 0) {
            return false;
        }
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

    /** One line of the app's Prometheus scrape, e.g. {@code spendstream_state_stores_healed_total}: its value. */
    public double metric(String name) {
        int metricsPort = metricsPort();
        if (metricsPort < 0) {
            throw new IllegalStateException(this.name + " has not started its metrics endpoint yet");
        }
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot scrape " + this.name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Exit code of the last run, once it exited. */
    public synchronized int exitValue() {
        return process.exitValue();
    }

    /** How many times it was started. */
    public synchronized int starts() {
        return starts;
    }

    public String app() {
        return app;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** The application.id (the prefix of its internal topics, its consumer group). */
    public String applicationId() {
        return applicationId;
    }

    /** Stops the JVM gracefully (SIGTERM: the app closes and commits), or kills it after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
