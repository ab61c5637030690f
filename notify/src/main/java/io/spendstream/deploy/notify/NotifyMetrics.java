package io.spendstream.deploy.notify;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The notifier's counters, tagged with the target's name: {@code spendstream.notify.sent} (accepted requests;
 * {@code kind} = event or repost), {@code spendstream.notify.retried} (failed attempts that will be retried) and
 * {@code spendstream.notify.failed} (given up: {@code reason} = rejected for a 4xx, undecodable for a record that is
 * not an Alert, repost for a re-post that did not get through), {@code spendstream.notify.assignments} (how often
 * partitions were assigned: more than once means rebalances) and the gauge {@code spendstream.notify.firing}.
 * {@link #expect} creates them at 0 at start-up for every target, so that {@code increase()} in alerts sees the
 * first failure (a counter created by its first increment starts at 1).
 */
public final class NotifyMetrics {

    public static final String SENT = "spendstream.notify.sent";
    public static final String RETRIED = "spendstream.notify.retried";
    public static final String FAILED = "spendstream.notify.failed";
    public static final String FIRING = "spendstream.notify.firing";
    public static final String ASSIGNMENTS = "spendstream.notify.assignments";

    private final PipelineMetrics metrics;

    public NotifyMetrics(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Creates every counter whose labels are known at start-up, at 0: per target sent (event), retried and failed
     * (rejected); failed (undecodable) under the alerts topic's name; for Alertmanager sent and failed (repost).
     *
     * @param alertmanager null when there is none
     */
    public void expect(List<? extends AlertTarget> targets, String alertsTopic, AlertTarget alertmanager) {
        for (AlertTarget target : targets) {
            metrics.counter(SENT, "target", target.name(), "kind", "event");
            metrics.counter(RETRIED, "target", target.name());
            metrics.counter(FAILED, "target", target.name(), "reason", "rejected");
        }
        metrics.counter(FAILED, "target", alertsTopic, "reason", "undecodable");
        if (alertmanager != null) {
            metrics.counter(SENT, "target", alertmanager.name(), "kind", "repost");
            metrics.counter(FAILED, "target", alertmanager.name(), "reason", "repost");
        }
        metrics.counter(ASSIGNMENTS);
        metrics.setGauge(FIRING, 0);
    }

    /** The registry the counters are in. */
    public io.micrometer.core.instrument.MeterRegistry meters() {
        return metrics.registry();
    }

    public void sent(String target, String kind) {
        metrics.counter(SENT, "target", target, "kind", kind).increment();
    }

    public void retried(String target) {
        metrics.counter(RETRIED, "target", target).increment();
    }

    public void failed(String target, String reason) {
        metrics.counter(FAILED, "target", target, "reason", reason).increment();
    }

    /** Partitions were assigned to this instance (start, rebalance, or rejoining after being dropped). */
    public void assigned() {
        metrics.counter(ASSIGNMENTS).increment();
    }

    public void firing(int count) {
        metrics.setGauge(FIRING, count);
    }

    /** Totals over all targets, for the notifier's periodic log line and for tests. */
    public double total(String name) {
        return metrics.registry().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    public double count(String name, String target) {
        return metrics.registry().find(name).tag("target", target).counters().stream().mapToDouble(Counter::count)
                .sum();
    }
}
