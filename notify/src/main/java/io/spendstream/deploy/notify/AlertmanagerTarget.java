package io.spendstream.deploy.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import io.spendstream.avro.Alert;

/**
 * Prometheus Alertmanager's v2 API: {@code POST {url}/api/v2/alerts}, one array per request. Besides the events, the
 * notifier re-posts every firing alert here on an interval ({@link #repostBody}), because Alertmanager resolves an
 * alert that is not re-sent before its {@code endsAt}.
 */
public final class AlertmanagerTarget implements AlertTarget {

    public static final String ALERTS_PATH = "/api/v2/alerts";

    private final JsonPoster poster;
    private final Duration firingTtl;

    /** @param firingTtl how far ahead a FIRING alert's endsAt is set (a few re-post intervals) */
    public AlertmanagerTarget(JsonPoster poster, Duration firingTtl) {
        this.poster = poster;
        this.firingTtl = firingTtl;
    }

    /** @param baseUrl e.g. {@code http://alertmanager:9093}; the API path is appended */
    public static AlertmanagerTarget create(HttpClient client, String baseUrl, Duration requestTimeout,
            Duration firingTtl) {
        URI uri = URI.create(baseUrl);
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("--alertmanager " + baseUrl + " is not an http(s) URL");
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new AlertmanagerTarget(new JsonPoster(client, URI.create(base + ALERTS_PATH), requestTimeout),
                firingTtl);
    }

    @Override
    public String name() {
        return "alertmanager " + poster.uri();
    }

    @Override
    public String eventBody(AlertEvent event, Instant now) {
        return AlertmanagerPayload.event(event, now.plus(firingTtl), now).toString();
    }

    /** Every alert still firing, each with endsAt pushed {@code firingTtl} ahead of {@code now}. */
    public String repostBody(Collection<Alert> firing, Instant now) {
        return AlertmanagerPayload.alerts(firing, now.plus(firingTtl), now).toString();
    }

    @Override
    public PostResult post(String body) throws InterruptedException {
        return poster.post(body);
    }
}
