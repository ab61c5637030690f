package io.spendstream.anomaly;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The gauge {@code spendstream.anomalies.open}: open anomalies of this instance, summed over its tasks. Each task's
 * processor reports its own count (recounted from its store when the task starts, so the gauge is right after a
 * restart or a rebalance) and withdraws it when the task closes. Two processors of one task (cost spikes and
 * cost-per-request drift both read {@code spend.unit-cost}) report under their own name.
 */
final class OpenAnomalies {

    static final String GAUGE = "spendstream.anomalies.open";

    private final PipelineMetrics metrics;
    /** The processor of the task that is not named: the first detector of a sub-topology. */
    private static final String MAIN = "";

    private final Map<String, Integer> byTask = new ConcurrentHashMap<>();

    OpenAnomalies(PipelineMetrics metrics) {
        this.metrics = metrics;
        publish();
    }

    void set(TaskId task, int open) {
        set(task, MAIN, open);
    }

    /** The count of the processor {@code detector} of a task (one more processor beside the task's first). */
    void set(TaskId task, String detector, int open) {
        byTask.put(task + "/" + detector, open);
        publish();
    }

    /** How many entries of a task's store hold an open anomaly: the count to {@link #set} after a restore. */
    static <V> int countOpen(KeyValueStore<String, V> store, Predicate<V> isOpen) {
        int open = 0;
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                if (isOpen.test(all.next().value)) {
                    open++;
                }
            }
        }
        return open;
    }

    void remove(TaskId task) {
        remove(task, MAIN);
    }

    void remove(TaskId task, String detector) {
        byTask.remove(task + "/" + detector);
        publish();
    }

    private synchronized void publish() {
        metrics.setGauge(GAUGE, byTask.values().stream().mapToInt(Integer::intValue).sum());
    }
}
