package io.spendstream.deploy.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs JSON to one URL with the JDK's HTTP client and classifies the answer ({@link PostResult#ofStatus}). Network
 * errors and timeouts are {@link PostResult.Outcome#RETRY}: the target may be restarting.
 */
public final class JsonPoster {

    /** Enough of an error body to see why (Alertmanager explains validation errors there), not a whole page. */
    private static final int MAX_BODY_IN_DETAIL = 500;

    private final HttpClient client;
    private final URI uri;
    private final Duration requestTimeout;

    public JsonPoster(HttpClient client, URI uri, Duration requestTimeout) {
        this.client = client;
        this.uri = uri;
        this.requestTimeout = requestTimeout;
    }

    public URI uri() {
        return uri;
    }

    public PostResult post(String json) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return PostResult.ofStatus(response.statusCode(), body == null || body.length() <= MAX_BODY_IN_DETAIL
                    ? body : body.substring(0, MAX_BODY_IN_DETAIL) + "...");
        } catch (IOException e) {
            return PostResult.retry(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage()));
        }
    }
}
