package io.spendstream.anomaly;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.streams.processor.TaskId;

import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The gauge {@code spendstream.anomalies.open}: open anomalies of this instance, summed over its tasks. Each task's
 * processor reports its own count (recounted from its store when the task starts, so the gauge is right after a
 * restart or a rebalance) and withdraws it when the task closes.
 */
final class OpenAnomalies {

    static final String GAUGE = "spendstream.anomalies.open";

    private final PipelineMetrics metrics;
    private final Map<TaskId, Integer> byTask = new ConcurrentHashMap<>();

    OpenAnomalies(PipelineMetrics metrics) {
        this.metrics = metrics;
        publish();
    }

    void set(TaskId task, int open) {
        byTask.put(task, open);
        publish();
    }

    void remove(TaskId task) {
        byTask.remove(task);
        publish();
    }

    private synchronized void publish() {
        metrics.setGauge(GAUGE, byTask.values().stream().mapToInt(Integer::intValue).sum());
    }
}
