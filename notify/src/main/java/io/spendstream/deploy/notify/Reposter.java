package io.spendstream.deploy.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.avro.Alert;

/**
 * Re-sends every firing alert to Alertmanager every {@code interval} (and at once when asked, e.g. after the firing
 * set was rebuilt), because Alertmanager resolves an alert that is not re-sent before its endsAt. One attempt per
 * turn: a failed re-post is logged and counted, and the next turn comes well before the alerts' endsAt (four
 * intervals ahead).
 */
final class Reposter {

    private static final Logger LOG = LoggerFactory.getLogger(Reposter.class);

    private final AlertmanagerTarget alertmanager;
    private final FiringAlerts firing;
    private final Duration interval;
    private final NotifyMetrics metrics;
    private final Clock clock;
    private Instant next;
    private boolean now;

    Reposter(AlertmanagerTarget alertmanager, FiringAlerts firing, Duration interval, NotifyMetrics metrics,
            Clock clock) {
        this.alertmanager = alertmanager;
        this.firing = firing;
        this.interval = interval;
        this.metrics = metrics;
        this.clock = clock;
        this.next = clock.instant().plus(interval);
    }

    /** Re-post at the next {@link #repostIfDue()}, whatever the schedule. */
    void requestNow() {
        now = true;
    }

    void repostIfDue() throws InterruptedException {
        Instant time = clock.instant();
        if (!now && time.isBefore(next)) {
            return;
        }
        now = false;
        next = time.plus(interval);
        List<Alert> all = firing.all();
        if (all.isEmpty()) {
            return;
        }
        PostResult result = alertmanager.post(alertmanager.repostBody(all, time));
        if (result.outcome() == PostResult.Outcome.ACCEPTED) {
            metrics.sent(alertmanager.name(), "repost");
            LOG.debug("Re-posted {} firing alerts to {}", all.size(), alertmanager.name());
        } else {
            metrics.failed(alertmanager.name(), "repost");
            LOG.warn("Re-posting {} firing alerts to {} failed ({}); next try in {}", all.size(), alertmanager.name(),
                    result.detail(), interval);
        }
    }
}
