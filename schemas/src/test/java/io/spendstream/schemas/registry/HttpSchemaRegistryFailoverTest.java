package io.spendstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * Failover between the URLs of one registry, bounded retries with backoff, and TLS with a private trust store:
 * against registries made of the JDK's HttpServer on loopback, each answering {@code GET /schemas/ids/1} with a
 * fixed schema after the failures it is told to give.
 */
class HttpSchemaRegistryFailoverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpSchemaRegistryClient.Retry FAST = new HttpSchemaRegistryClient.Retry(3,
            Duration.ofMillis(50), Duration.ofMillis(500));
    private static final String STRING_SCHEMA = "{\"schema\":\"\\\"string\\\"\"}";

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void shouldFailOverToTheNextUrlAndStayThere() throws IOException {
        Registry down = registry(Integer.MAX_VALUE, 503);
        Registry up = registry(0, 0);
        HttpSchemaRegistryClient client = client(down.url, up.url);

        assertThat(client.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(client.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));

        assertThat(down.requests).hasValue(1);
        assertThat(up.requests).as("the URL that answered is tried first next time").hasValue(2);
    }

    @Test
    void shouldFailOverPastAUrlThatCannotBeReached() throws IOException {
        Registry up = registry(0, 0);
        HttpSchemaRegistryClient client = client(closedUrl(), up.url);

        assertThat(client.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(up.requests).hasValue(1);
    }

    @Test
    void shouldRetryWithBackoffUntilTheRegistryAnswers() throws IOException {
        Registry restarting = registry(2, 503);
        HttpSchemaRegistryClient client = client(restarting.url);
        long start = System.nanoTime();

        assertThat(client.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));

        assertThat(restarting.requests).hasValue(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("50 ms, then 100 ms of backoff")
                .isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void shouldGiveUpAfterTheLastRoundNamingEveryUrl() throws IOException {
        String first = closedUrl();
        String second = closedUrl();
        HttpSchemaRegistryClient client = client(first, second);

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(-1))
                .hasMessageContaining("Schema registry at " + first + "/, " + second + "/ is unreachable")
                .hasMessageContaining("GET schemas/ids/1")
                .hasMessageEndingWith("(6 attempts)");
    }

    @Test
    void shouldGiveUpOnAPersistentServerErrorWithTheRegistrysCode() throws IOException {
        Registry broken = registry(Integer.MAX_VALUE, 500);
        HttpSchemaRegistryClient client = client(broken.url);

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(50001))
                .hasMessageContaining("HTTP 500, error 50001: store unavailable");
        assertThat(broken.requests).hasValue(3);
    }

    @Test
    void shouldNotRetryWhatTheRegistryRefused() throws IOException {
        Registry refusing = registry(Integer.MAX_VALUE, 401);
        Registry other = registry(0, 0);
        HttpSchemaRegistryClient client = client(refusing.url, other.url);

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(401));
        assertThat(refusing.requests).hasValue(1);
        assertThat(other.requests).hasValue(0);
    }

    @Test
    void shouldReachAnHttpsRegistryThroughTheConfiguredTrustStore(@TempDir Path dir) throws Exception {
        Path serverKeys = dir.resolve("registry.p12");
        Path trustStore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", serverKeys.toString(), "-storepass", "server-pass");
        Path cert = dir.resolve("registry.pem");
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", serverKeys.toString(),
                "-storepass", "server-pass", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "trust-pass");
        String url = httpsRegistry(serverKeys, "server-pass");

        SchemaRegistryClient trusting = SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryClients.URL, url,
                "schema.registry.ssl.truststore.location", trustStore.toString(),
                "schema.registry.ssl.truststore.password", "trust-pass"));
        SchemaRegistryClient defaultTrust = SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryClients.URL, url));

        assertThat(trusting.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThatThrownBy(defaultTrust::checkReachable).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("is unreachable").hasMessageContaining("SSLHandshakeException");
    }

    @Test
    void shouldSayWhichSettingWhenTheTrustStoreCannotBeRead(@TempDir Path dir) {
        Map<String, String> config = Map.of(SchemaRegistryClients.URL, "https://127.0.0.1:1",
                "schema.registry.ssl.truststore.location", dir.resolve("missing.p12").toString());

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.ssl.*").hasMessageContaining("missing.p12");
    }

    /** A registry whose first {@code failures} answers are {@code status}; then it serves schema id 1. */
    private record Registry(String url, AtomicInteger requests) {
    }

    private Registry registry(int failures, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger requests = new AtomicInteger();
        server.createContext("/", exchange -> {
            if (requests.incrementAndGet() <= failures) {
                reply(exchange, status, status == 500
                        ? "{\"error_code\":50001,\"message\":\"store unavailable\"}"
                        : "{\"error_code\":" + status + ",\"message\":\"no\"}");
            } else {
                reply(exchange, 200, STRING_SCHEMA);
            }
        });
        server.start();
        servers.add(server);
        return new Registry("http://127.0.0.1:" + server.getAddress().getPort(), requests);
    }

    private String httpsRegistry(Path keyStore, String password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, password.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> reply(exchange, 200, STRING_SCHEMA));
        server.start();
        servers.add(server);
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private static HttpSchemaRegistryClient client(String... urls) {
        return new HttpSchemaRegistryClient(List.of(urls), null, TIMEOUT, null, FAST);
    }

    private static String closedUrl() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + free.getLocalPort();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
