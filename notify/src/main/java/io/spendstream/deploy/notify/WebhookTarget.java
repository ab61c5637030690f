package io.spendstream.deploy.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;

/** A generic JSON webhook: one POST per alert event, body {@link WebhookPayload}. */
public final class WebhookTarget implements AlertTarget {

    private final JsonPoster poster;
    private final String name;

    /** @param number which of the configured webhooks this is (1, 2, ...), to tell them apart in logs and metrics */
    public WebhookTarget(JsonPoster poster, int number) {
        this.poster = poster;
        // Host and port only: webhook paths often carry a secret token (Slack, Teams, ...) that must not be logged.
        URI uri = poster.uri();
        this.name = "webhook-" + number + " " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    public static WebhookTarget create(HttpClient client, String url, Duration requestTimeout, int number) {
        URI uri = URI.create(url);
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("--webhook " + url + " is not an http(s) URL");
        }
        return new WebhookTarget(new JsonPoster(client, uri, requestTimeout), number);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String eventBody(AlertEvent event, Instant now) {
        return WebhookPayload.of(event).toString();
    }

    @Override
    public PostResult post(String body) throws InterruptedException {
        return poster.post(body);
    }
}
