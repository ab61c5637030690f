package io.spendstream.deploy.notify;

import io.micrometer.core.instrument.Counter;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The notifier's counters, tagged with the target's name: {@code spendstream.notify.sent} (accepted requests;
 * {@code kind} = event or repost), {@code spendstream.notify.retried} (failed attempts that will be retried) and
 * {@code spendstream.notify.failed} (given up: {@code reason} = rejected for a 4xx, undecodable for a record that is
 * not an Alert, repost for a re-post that did not get through), {@code spendstream.notify.assignments} (how often
 * partitions were assigned: more than once means rebalances) and the gauge {@code spendstream.notify.firing}.
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
