package io.spendstream.schemas.registry;

import java.time.Duration;
import java.util.Map;

/**
 * Builds the registry client from the same keys Confluent's serdes use, so one properties file serves both:
 * {@code schema.registry.url} (an {@code http(s)://} URL, or {@code mock://scope} for an in-memory registry) and
 * {@code basic.auth.user.info} ({@code user:password}).
 */
public final class SchemaRegistryClients {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String MOCK_PREFIX = "mock://";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        Object url = config.get(URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("Missing " + URL + ": set it to the schema registry (e.g. "
                    + "http://localhost:8081) or mock://<scope> for an in-memory registry");
        }
        Object user = config.get(BASIC_AUTH_USER_INFO);
        return forUrl(url.toString(), user == null ? null : user.toString());
    }

    public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo) {
        if (url.startsWith(MOCK_PREFIX)) {
            return InMemorySchemaRegistry.scope(url.substring(MOCK_PREFIX.length()));
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException(URL + "=" + url + " is not an http(s):// or mock:// URL");
        }
        // Confluent allows a comma-separated list; the first reachable entry is enough for the subset used here.
        String first = url.split(",")[0].trim();
        return new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(first, basicAuthUserInfo, TIMEOUT));
    }
}
