package io.spendstream.deploy.notify;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on a loopback port, for tests: a minimal
 * configuration (one route to a receiver that sends nothing) unless the test gives its own, its own storage
 * directory, gossip off. Started and stopped by the test; {@link #alerts()} reads Alertmanager's own
 * {@code GET /api/v2/alerts}, {@link #post(String)} sends alerts as Prometheus does.
 */
final class AlertmanagerProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    private static final String CONFIG = """
            route:
              receiver: nowhere
              group_wait: 1s
              group_interval: 1s
            receivers:
              - name: nowhere
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AlertmanagerProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** Skips the calling test when the binary is missing, unless the CI variable is set: CI must run it. */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(BINARY);
        Assumptions.assumeTrue(installed || System.getenv("CI") != null, "Prometheus Alertmanager is not installed ("
                + BINARY + "): apt-get install -y prometheus-alertmanager");
        if (!installed) {
            throw new AssertionError("CI is set but " + BINARY + " is missing: .ci/run installs prometheus-alertmanager");
        }
    }

    /** Starts Alertmanager on 127.0.0.1:{@code port} with its files under {@code dir}; returns once it is ready. */
    static AlertmanagerProcess start(Path dir, int port) throws IOException {
        return start(dir, port, CONFIG);
    }

    /** Starts Alertmanager with the configuration {@code configYaml}; returns once it is ready. */
    static AlertmanagerProcess start(Path dir, int port, String configYaml) throws IOException {
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), configYaml);
        Path log = dir.resolve("alertmanager.log");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                // Empty: no cluster gossip (no extra port, no peers to wait for).
                "--cluster.listen-address="));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        AlertmanagerProcess alertmanager = new AlertmanagerProcess(process, log, "http://127.0.0.1:" + port);
        try {
            await("Alertmanager on port " + port + " answers /-/ready").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || alertmanager.ready());
        } catch (ConditionTimeoutException e) {
            alertmanager.close();
            throw new IllegalStateException("Alertmanager did not become ready:\n" + alertmanager.output(), e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("Alertmanager exited with " + process.exitValue() + ":\n"
                    + alertmanager.output());
        }
        return alertmanager;
    }

    String url() {
        return url;
    }

    /** Alertmanager's own list of alerts (active, silenced, inhibited and unprocessed; not resolved ones). */
    JsonNode alerts() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/v2/alerts answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Posts alerts (a JSON array of {@code {labels, annotations, startsAt, endsAt}}) to {@code /api/v2/alerts}. */
    void post(String alertsJson) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alertsJson))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("POST /api/v2/alerts answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The alert with this dedup_key label, or null. */
    JsonNode alert(String dedupKey) throws IOException, InterruptedException {
        for (JsonNode alert : alerts()) {
            if (dedupKey.equals(alert.path("labels").path(AlertmanagerPayload.DEDUP_KEY).asText())) {
                return alert;
            }
        }
        return null;
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
