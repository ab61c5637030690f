package io.spendstream.deploy.notify;

import java.time.Duration;

/**
 * How a retry waits. The notifier's keeps its Kafka consumer alive and re-posts firing alerts meanwhile (a long
 * outage of one target must neither get the notifier thrown out of its group nor let Alertmanager expire alerts);
 * tests record the waits instead of sleeping.
 */
@FunctionalInterface
public interface Pause {

    void pause(Duration duration) throws InterruptedException;
}
