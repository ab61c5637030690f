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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Confluent Schema Registry REST client (also Karapace, Redpanda, Apicurio's ccompat API, Spendstream's local
 * registry). Uncached: wrap it in {@link CachingSchemaRegistryClient}. Errors name the registry URL and the
 * registry's own error code and message, so "registry down" and "schema incompatible" read differently.
 *
 * <p>Several URLs (Confluent's comma-separated {@code schema.registry.url}) are instances of one registry: a request
 * that cannot connect, times out or gets a 5xx answer goes to the next URL, and the URL that answered is tried first
 * next time. When every URL failed, the round is repeated after a backoff that doubles, up to {@link Retry#rounds}
 * rounds; then the last failure is thrown. A 4xx answer (incompatible schema, unknown subject, bad credentials) is
 * the registry's word and is never retried. Retrying a registration is safe: registering a schema is idempotent.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /** How often a round over all URLs is tried, and the backoff before the second round (doubling, capped). */
    public record Retry(int rounds, Duration initialBackoff, Duration maxBackoff) {

        /** Three rounds, 200 ms then 400 ms apart: a registry instance restarting, not a registry that is down. */
        public static final Retry DEFAULT = new Retry(3, Duration.ofMillis(200), Duration.ofSeconds(2));

        public Retry {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
            }
        }

        /** The wait before round {@code round} (2 = the first retry): the initial backoff, doubling, capped. */
        public Duration backoffBefore(int round) {
            long millis = initialBackoff.toMillis() << Math.min(round - 2, 20);
            return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
        }
    }

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final Retry retry;
    /** The URL that answered last: requests start there. */
    private final AtomicInteger current = new AtomicInteger();

    /**
     * @param baseUrl       e.g. {@code http://localhost:8081}
     * @param basicAuthUser {@code user:password} for basic auth, or null
     */
    public HttpSchemaRegistryClient(String baseUrl, String basicAuthUser, Duration timeout) {
        this(List.of(baseUrl), basicAuthUser, timeout, null, Retry.DEFAULT);
    }

    /**
     * @param baseUrls      one or more instances of the same registry, tried in this order
     * @param basicAuthUser {@code user:password} for basic auth, or null
     * @param sslContext    for {@code https://} URLs with a private CA or client certificates, or null for the JVM's
     *                      default trust store
     */
    public HttpSchemaRegistryClient(List<String> baseUrls, String basicAuthUser, Duration timeout,
            SSLContext sslContext, Retry retry) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("No schema registry URL");
        }
        this.baseUrls = baseUrls.stream().map(String::trim)
                .map(url -> URI.create(url.endsWith("/") ? url : url + "/")).toList();
        this.authorization = basicAuthUser == null || basicAuthUser.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUser.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.retry = retry;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
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
        IOException lastError = null;
        URI lastErrorUrl = null;
        HttpResponse<String> lastServerError = null;
        URI lastServerErrorUrl = null;
        for (int round = 1; round <= retry.rounds(); round++) {
            if (round > 1) {
                sleep(retry.backoffBefore(round));
            }
            int start = current.get();
            for (int i = 0; i < baseUrls.size(); i++) {
                int index = (start + i) % baseUrls.size();
                URI baseUrl = baseUrls.get(index);
                HttpResponse<String> response;
                try {
                    response = http.send(request(baseUrl.resolve(path), method, body),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastError = e;
                    lastErrorUrl = baseUrl;
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryException("Interrupted while calling schema registry at " + baseUrl, e);
                }
                if (response.statusCode() >= 500) {
                    lastServerError = response;
                    lastServerErrorUrl = baseUrl;
                    continue;
                }
                current.set(index);
                return parse(baseUrl, method, path, response);
            }
        }
        if (lastServerError != null) {
            // A registry that answers, even with an error, says more than one that cannot be reached.
            return parse(lastServerErrorUrl, method, path, lastServerError);
        }
        throw new SchemaRegistryException("Schema registry at " + describe(lastErrorUrl) + " is unreachable ("
                + method + " " + path + "): " + lastError + attempts(), lastError);
    }

    private HttpRequest request(URI uri, String method, String body) {
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
        return request.build();
    }

    private JsonNode parse(URI baseUrl, String method, String path, HttpResponse<String> response) {
        JsonNode node;
        try {
            node = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered " + method + " " + path
                    + " with HTTP " + response.statusCode() + " and a body that is not JSON: "
                    + abbreviate(response.body()), response.statusCode(), response.statusCode());
        }
        if (response.statusCode() / 100 != 2) {
            int code = node.path("error_code").asInt(response.statusCode());
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " refused " + method + " " + path
                    + ": HTTP " + response.statusCode() + ", error " + code + ": " + node.path("message").asText(""),
                    code, response.statusCode());
        }
        return node;
    }

    /** The URL that failed last, or all of them when there are several (each was tried). */
    private String describe(URI lastFailed) {
        return baseUrls.size() == 1 ? String.valueOf(lastFailed)
                : baseUrls.stream().map(URI::toString).collect(Collectors.joining(", "));
    }

    private String attempts() {
        int total = retry.rounds() * baseUrls.size();
        return total == 1 ? "" : " (" + total + " attempts)";
    }

    private static void sleep(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while waiting to retry the schema registry", e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
