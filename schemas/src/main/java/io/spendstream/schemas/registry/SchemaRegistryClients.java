package io.spendstream.schemas.registry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * Builds the registry client from the same keys Confluent's serdes use, so one properties file serves both:
 * {@code schema.registry.url} (one or more comma-separated {@code http(s)://} URLs of the same registry, tried in
 * turn, or {@code mock://scope} for an in-memory registry), {@code basic.auth.user.info} ({@code user:password}) and
 * {@code schema.registry.ssl.*} (trust store and key store, see {@link RegistrySsl}).
 */
public final class SchemaRegistryClients {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String MOCK_PREFIX = "mock://";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        return fromConfig(config, null);
    }

    /**
     * Like {@link #fromConfig(Map)}, but a call the cache cannot answer waits out a registry outage
     * ({@link WaitingSchemaRegistryClient}, backoff {@link #WAIT_BACKOFF}) and tells the listener about it.
     */
    public static SchemaRegistryClient waitingOutOutages(Map<String, ?> config,
            WaitingSchemaRegistryClient.Listener listener) {
        return fromConfig(config, listener);
    }

    /** Waits between calls during an outage: 0.5 s, doubling up to 10 s. */
    public static final HttpSchemaRegistryClient.Retry WAIT_BACKOFF = new HttpSchemaRegistryClient.Retry(1,
            Duration.ofMillis(500), Duration.ofSeconds(10));

    private static SchemaRegistryClient fromConfig(Map<String, ?> config,
            WaitingSchemaRegistryClient.Listener listener) {
        Object url = config.get(URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("Missing " + URL + ": set it to the schema registry (e.g. "
                    + "http://localhost:8081) or mock://<scope> for an in-memory registry");
        }
        Object user = config.get(BASIC_AUTH_USER_INFO);
        return forUrl(url.toString(), user == null ? null : user.toString(), RegistrySsl.fromConfig(config), listener);
    }

    public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo) {
        return forUrl(url, basicAuthUserInfo, null, null);
    }

    private static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo, SSLContext sslContext,
            WaitingSchemaRegistryClient.Listener listener) {
        if (url.startsWith(MOCK_PREFIX)) {
            return InMemorySchemaRegistry.scope(url.substring(MOCK_PREFIX.length()));
        }
        List<String> urls = Arrays.stream(url.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
        for (String each : urls) {
            if (!each.startsWith("http://") && !each.startsWith("https://")) {
                throw new IllegalArgumentException(URL + "=" + url + " is not an http(s):// or mock:// URL"
                        + (urls.size() > 1 ? " list" : ""));
            }
        }
        SchemaRegistryClient http = new HttpSchemaRegistryClient(urls, basicAuthUserInfo, TIMEOUT, sslContext,
                HttpSchemaRegistryClient.Retry.DEFAULT);
        return new CachingSchemaRegistryClient(listener == null ? http
                : new WaitingSchemaRegistryClient(http, WAIT_BACKOFF, listener));
    }
}
