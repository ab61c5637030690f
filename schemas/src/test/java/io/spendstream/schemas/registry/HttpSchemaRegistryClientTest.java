package io.spendstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.spendstream.avro.CostRecord;

/**
 * Runs the client against a tiny registry speaking the Confluent REST protocol over a real socket, backed by an
 * {@link InMemorySchemaRegistry}; subject {@code locked-value} refuses every registration as incompatible.
 */
class HttpSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final InMemorySchemaRegistry backing = new InMemorySchemaRegistry();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldRegisterFetchAndReadLatestOverHttp() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, null, TIMEOUT);

        int id = client.register("spend.cost-value", CostRecord.getClassSchema());
        int again = client.register("spend.cost-value", CostRecord.getClassSchema());

        assertThat(again).isEqualTo(id);
        assertThat(backing.getById(id)).isEqualTo(CostRecord.getClassSchema());
        assertThat(client.getById(id)).isEqualTo(CostRecord.getClassSchema());
        assertThat(client.latest("spend.cost-value"))
                .isEqualTo(new RegisteredSchema("spend.cost-value", 1, id, CostRecord.getClassSchema()));
        assertThat(contentTypes).contains("application/vnd.schemaregistry.v1+json");
        assertThat(authorizations).containsOnlyNulls();
    }

    @Test
    void shouldSendBasicAuthOnEveryRequest() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url + "/", "spend:s3cret", TIMEOUT);

        int id = client.register("spend.cost-key", Schema.create(Schema.Type.STRING));
        client.getById(id);

        // base64("spend:s3cret")
        assertThat(authorizations).hasSize(2).containsOnly("Basic c3BlbmQ6czNjcmV0");
    }

    @Test
    void shouldEncodeSubjectsInThePath() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, null, TIMEOUT);

        client.register("team a/costs-value", Schema.create(Schema.Type.STRING));

        assertThat(backing.subjects()).containsExactly("team a/costs-value");
        assertThat(client.latest("team a/costs-value").version()).isEqualTo(1);
    }

    @Test
    void shouldNameTheUrlWhenTheRegistryIsDown() throws IOException {
        String downUrl;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            downUrl = "http://127.0.0.1:" + free.getLocalPort();
        }
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(downUrl, null, TIMEOUT);

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(-1))
                .hasMessageContaining("Schema registry at " + downUrl + "/ is unreachable")
                .hasMessageContaining("GET schemas/ids/1");
    }

    @Test
    void shouldCarryTheRegistrysErrorCodeWhenASchemaIsIncompatible() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, null, TIMEOUT);

        assertThatThrownBy(() -> client.register("locked-value", CostRecord.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409))
                .hasMessageContaining(url)
                .hasMessageContaining("HTTP 409, error 409")
                .hasMessageContaining("incompatible with an earlier schema");
    }

    @Test
    void shouldCarryNotFoundCodes() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, null, TIMEOUT);

        assertThatThrownBy(() -> client.getById(404))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.latest("missing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401))
                .hasMessageContaining("Subject 'missing-value' not found");
    }

    @Test
    void shouldSayWhenTheAnswerIsNotJson() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url + "/proxy", null, TIMEOUT);

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(502))
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("not JSON")
                .hasMessageContaining("<html>");
    }

    private void handle(HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            contentTypes.add(contentType);
        }
        String[] path = exchange.getRequestURI().getRawPath().substring(1).split("/");
        for (int i = 0; i < path.length; i++) {
            path[i] = URLDecoder.decode(path[i], StandardCharsets.UTF_8);
        }
        String method = exchange.getRequestMethod();
        try {
            if (path[0].equals("proxy")) {
                reply(exchange, 502, "<html><body>Bad Gateway</body></html>");
            } else if (method.equals("POST") && path.length == 3 && path[0].equals("subjects")) {
                if (path[1].equals("locked-value")) {
                    reply(exchange, 409, "{\"error_code\":409,\"message\":\"Schema being registered is "
                            + "incompatible with an earlier schema for subject \\\"locked-value\\\"\"}");
                    return;
                }
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                int id = backing.register(path[1], new Schema.Parser().parse(body.path("schema").asText()));
                reply(exchange, 200, JSON.createObjectNode().put("id", id).toString());
            } else if (method.equals("GET") && path.length == 3 && path[0].equals("schemas")) {
                Schema schema = backing.getById(Integer.parseInt(path[2]));
                reply(exchange, 200, JSON.createObjectNode().put("schema", schema.toString()).toString());
            } else if (method.equals("GET") && path.length == 4 && path[3].equals("latest")) {
                RegisteredSchema latest = backing.latest(path[1]);
                reply(exchange, 200, JSON.createObjectNode().put("subject", latest.subject())
                        .put("version", latest.version()).put("id", latest.id())
                        .put("schema", latest.schema().toString()).toString());
            } else {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
            }
        } catch (SchemaRegistryException e) {
            int status = e.errorCode() / 100;
            String message = e.errorCode() == 40401 ? "Subject '" + path[1] + "' not found." : e.getMessage();
            reply(exchange, status, JSON.createObjectNode().put("error_code", e.errorCode())
                    .put("message", message).toString());
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
