package io.spendstream.deploy.notify;

import java.time.Instant;

/** Somewhere alert events are sent: Alertmanager or a generic webhook. */
public interface AlertTarget {

    /** For logs and the {@code target} tag of the metrics. */
    String name();

    /** The JSON request body for one alert event. */
    String eventBody(AlertEvent event, Instant now);

    /** One attempt; the caller retries. */
    PostResult post(String body) throws InterruptedException;
}
