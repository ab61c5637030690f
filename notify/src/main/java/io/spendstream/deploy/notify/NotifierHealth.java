package io.spendstream.deploy.notify;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.spendstream.runtime.metrics.HealthReport;
import io.spendstream.runtime.metrics.HealthSource;

/**
 * Liveness and readiness of {@code spendstream notify} for {@code /health} and {@code /ready}. Written by the
 * notifier's loop thread, read by the HTTP threads (hence the volatile fields; each is written by one thread only).
 *
 * <ul>
 * <li><b>Live</b> from creation until the loop ends: {@code STOPPED} after {@link AlertNotifier#stop()},
 * {@code FAILED} (with the error) when it ends with an exception.</li>
 * <li><b>Ready</b> in {@code DELIVERING} only: the consumer has joined its group and every owned partition has been
 * read up to its committed offset, so the firing set is complete and new events go out. {@code STARTING} (not
 * yet assigned) and {@code REBUILDING} (reading a partition's history) are not ready. An instance that owns no
 * partition (more instances than partitions) is ready: it is a warm standby.</li>
 * <li><b>A target that is down does not make the notifier unready.</b> Readiness gates rollouts; a notifier that
 * turned unready whenever Alertmanager is down would block the roll-out of a fix and duplicate Alertmanager's own
 * alarm, while restarting or replacing it would not deliver anything sooner. The body names the target an event
 * is waiting for and since when, and {@code spendstream_notify_retried_total} says the same to Prometheus.</li>
 * </ul>
 */
public final class NotifierHealth implements HealthSource {

    public enum State {
        STARTING, REBUILDING, DELIVERING, STOPPED, FAILED
    }

    /** The target an event is being sent to, and since when (only set while a send is in progress). */
    private record Pending(String target, Instant since) {
    }

    private final String groupId;
    private volatile State state = State.STARTING;
    private volatile int partitions;
    private volatile Pending pending;
    private volatile Throwable error;

    public NotifierHealth(String groupId) {
        this.groupId = Objects.requireNonNull(groupId);
    }

    public State state() {
        return state;
    }

    /** The consumer joined its group or was given partitions: how many it owns, how many are still rebuilding. */
    void assigned(int owned, int rebuilding) {
        if (isEnded(state)) {
            return;
        }
        partitions = owned;
        state = rebuilding > 0 ? State.REBUILDING : State.DELIVERING;
    }

    /** After every turn of the loop: rebuilds finish there. Before the first assignment there is nothing to say. */
    void progressed(int owned, int rebuilding) {
        if (state != State.STARTING) {
            assigned(owned, rebuilding);
        }
    }

    void sending(String target, Instant since) {
        pending = new Pending(target, since);
    }

    void sent() {
        pending = null;
    }

    void stopped() {
        if (!isEnded(state)) {
            state = State.STOPPED;
        }
        pending = null;
    }

    void failed(Throwable cause) {
        error = cause;
        state = State.FAILED;
        pending = null;
    }

    /** Body: {@code {"status":"UP","ready":true,"state":"DELIVERING","groupId":...,"partitions":4,...}}. */
    @Override
    public HealthReport report() {
        // Read each field once so the report is one consistent view.
        State current = state;
        Pending waiting = pending;
        Throwable cause = error;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", current.name());
        details.put("groupId", groupId);
        details.put("partitions", partitions);
        if (waiting != null) {
            details.put("sendingTo", waiting.target());
            details.put("sendingSince", waiting.since().toString());
        }
        if (cause != null) {
            details.put("error", cause.getClass().getName() + ": " + cause.getMessage());
        }
        return new HealthReport(!isEnded(current), current == State.DELIVERING, details);
    }

    private static boolean isEnded(State state) {
        return state == State.STOPPED || state == State.FAILED;
    }
}
