package io.spendstream.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Confluent Schema Registry REST client (also Karapace, Redpanda, Apicurio's ccompat API, Spendstream's local
 * registry). Uncached: wrap it in {@link CachingSchemaRegistryClient}. Errors name the registry URL and the
 * registry's own error code and message, so "registry down" and "schema incompatible" read differently.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param baseUrl       e.g. {@code http://localhost:8081}
     * @param basicAuthUser {@code user:password} for basic auth, or null
     */
    public HttpSchemaRegistryClient(String baseUrl, String basicAuthUser, Duration timeout) {
        this.baseUrl = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.authorization = basicAuthUser == null || basicAuthUser.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUser.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        return send("POST", "subjects/" + encode(subject) + "/versions", body.toString()).path("id").asInt();
    }

    @Override
    public Schema getById(int id) {
        return new Schema.Parser().parse(send("GET", "schemas/ids/" + id, null).path("schema").asText());
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode node = send("GET", "subjects/" + encode(subject) + "/versions/latest", null);
        return new RegisteredSchema(node.path("subject").asText(subject), node.path("version").asInt(),
                node.path("id").asInt(), new Schema.Parser().parse(node.path("schema").asText()));
    }

    /** {@code GET /subjects}: served by every compatible registry to any client that may read a subject. */
    @Override
    public void checkReachable() {
        send("GET", "subjects", null);
    }

    private JsonNode send(String method, String path, String body) {
        URI uri = baseUrl.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", CONTENT_TYPE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " is unreachable (" + method + " "
                    + path + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while calling schema registry at " + baseUrl, e);
        }
        return parse(method, path, response);
    }

    private JsonNode parse(String method, String path, HttpResponse<String> response) {
        JsonNode node;
        try {
            node = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered " + method + " " + path
                    + " with HTTP " + response.statusCode() + " and a body that is not JSON: " + abbreviate(response.body()),
                    response.statusCode());
        }
        if (response.statusCode() / 100 != 2) {
            int code = node.path("error_code").asInt(response.statusCode());
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " refused " + method + " " + path
                    + ": HTTP " + response.statusCode() + ", error " + code + ": " + node.path("message").asText(""),
                    code);
        }
        return node;
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
