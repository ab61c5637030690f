package io.spendstream.deploy.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The subset of the Confluent Schema Registry REST API that serializers, deserializers and tools use, mapped onto
 * {@link SchemaRegistryService}. Answers are {@code application/vnd.schemaregistry.v1+json}; errors have Confluent's
 * shape {@code {"error_code":40401,"message":"..."}} and HTTP status. Only Avro schemas, without references.
 */
final class RegistryHttpHandler implements HttpHandler {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** Far above any real schema; stops a runaway client from filling memory. */
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryService registry;

    RegistryHttpHandler(SchemaRegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            JsonNode answer;
            try {
                answer = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()),
                        query(exchange.getRequestURI().getRawQuery()), exchange);
            } catch (RegistryError e) {
                status = e.httpStatus();
                answer = error(e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Schema registry failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                answer = error(50001, "Internal error: " + e);
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private JsonNode route(String method, List<String> path, Map<String, String> query, HttpExchange exchange)
            throws IOException {
        String root = path.isEmpty() ? "" : path.get(0);
        int size = path.size();
        switch (root) {
            case "":
                requireMethod(method, "GET");
                return JSON.createObjectNode();
            case "schemas":
                if (size == 2 && path.get(1).equals("types")) {
                    requireMethod(method, "GET");
                    return JSON.createArrayNode().add("AVRO");
                }
                if (size >= 3 && size <= 4 && path.get(1).equals("ids")) {
                    requireMethod(method, "GET");
                    return schemaById(schemaId(path.get(2)), size == 4 ? path.get(3) : null);
                }
                break;
            case "subjects":
                return subjects(method, path, exchange);
            case "config":
                if (size <= 2) {
                    String subject = size == 2 ? path.get(1) : null;
                    if (method.equals("PUT")) {
                        JsonNode body = body(exchange);
                        String level = registry.setLevel(subject, body.path("compatibility").asText(null)).name();
                        return JSON.createObjectNode().put("compatibility", level);
                    }
                    requireMethod(method, "GET", "PUT");
                    var level = subject == null ? registry.globalLevel()
                            : registry.subjectLevel(subject, Boolean.parseBoolean(query.get("defaultToGlobal")));
                    return JSON.createObjectNode().put("compatibilityLevel", level.name());
                }
                break;
            case "compatibility":
                if (size == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
                    requireMethod(method, "POST");
                    List<String> problems = registry.compatibilityProblems(path.get(2), path.get(4),
                            schemaText(body(exchange)));
                    ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                    if (Boolean.parseBoolean(query.get("verbose"))) {
                        problems.forEach(answer.putArray("messages")::add);
                    }
                    return answer;
                }
                break;
            default:
                break;
        }
        throw notFound();
    }

    private JsonNode subjects(String method, List<String> path, HttpExchange exchange) throws IOException {
        int size = path.size();
        if (size == 1) {
            requireMethod(method, "GET");
            ArrayNode subjects = JSON.createArrayNode();
            registry.subjects().forEach(subjects::add);
            return subjects;
        }
        String subject = path.get(1);
        if (size == 2) {
            requireMethod(method, "POST");
            return versionNode(registry.lookup(subject, schemaText(body(exchange))));
        }
        if (!path.get(2).equals("versions") || size > 5 || (size == 5 && !path.get(4).equals("schema"))) {
            throw notFound();
        }
        if (size == 3 && method.equals("POST")) {
            int id = registry.register(subject, schemaText(body(exchange)));
            return JSON.createObjectNode().put("id", id);
        }
        requireMethod(method, size == 3 ? new String[] {"GET", "POST"} : new String[] {"GET"});
        if (size == 3) {
            ArrayNode versions = JSON.createArrayNode();
            registry.versions(subject).forEach(v -> versions.add(v.version()));
            return versions;
        }
        SchemaVersion version = registry.version(subject, path.get(3));
        // .../versions/{v}/schema answers the bare schema, as Confluent does.
        return size == 5 ? JSON.readTree(version.canonical()) : versionNode(version);
    }

    private JsonNode schemaById(int id, String detail) {
        if (detail == null) {
            return JSON.createObjectNode().put("schema", registry.schemaById(id).toString());
        }
        List<SchemaVersion> uses = registry.usesOf(id);
        ArrayNode answer = JSON.createArrayNode();
        switch (detail) {
            case "versions" -> uses.forEach(v -> answer.addObject().put("subject", v.subject()).put("version", v.version()));
            case "subjects" -> uses.stream().map(SchemaVersion::subject).distinct().forEach(answer::add);
            default -> throw notFound();
        }
        return answer;
    }

    private static ObjectNode versionNode(SchemaVersion version) {
        return JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.canonical());
    }

    /** The schema of a register / lookup / compatibility request; only Avro without references is served here. */
    private static String schemaText(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw RegistryError.invalidSchema("schemaType " + type + " is not supported; this registry serves AVRO only");
        }
        JsonNode references = body.path("references");
        if (references.isArray() && !references.isEmpty()) {
            throw RegistryError.invalidSchema("schema references are not supported by this registry");
        }
        JsonNode schema = body.path("schema");
        if (!schema.isTextual()) {
            throw RegistryError.invalidSchema("the request has no \"schema\" string");
        }
        return schema.asText();
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new RegistryError(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RegistryError(400, 400, "The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RegistryError(400, 400, "The request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static int schemaId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(404, 40403, "Schema " + text + " not found");
        }
    }

    private static void requireMethod(String method, String... allowed) {
        for (String candidate : allowed) {
            if (candidate.equals(method)) {
                return;
            }
        }
        throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed");
    }

    private static RegistryError notFound() {
        return new RegistryError(404, 404, "HTTP 404 Not Found");
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    /** Path segments, each percent-decoded, so a subject may contain an encoded '/'. */
    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/"))
                .filter(segment -> !segment.isEmpty())
                .map(segment -> URLDecoder.decode(segment, StandardCharsets.UTF_8))
                .toList();
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.put(key, eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }
}
