package io.spendstream.anomaly.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The gauge {@code spendstream.anomalies.open}: open anomalies of this instance, summed over its tasks. Each task's
 * processor keeps its own {@link Count} (recounted from its store when the task starts, so the gauge is right after a
 * restart or a rebalance) and withdraws it when the task closes. Two processors of one task (cost spikes and
 * cost-per-request drift both read {@code spend.unit-cost}) report under their own name.
 */
public final class OpenAnomalies {

    public static final String GAUGE = "spendstream.anomalies.open";

    private final PipelineMetrics metrics;
    /** The processor of the task that is not named: the first detector of a sub-topology. */
    private static final String MAIN = "";

    private final Map<String, Integer> byTask = new ConcurrentHashMap<>();

    public OpenAnomalies(PipelineMetrics metrics) {
        this.metrics = metrics;
        publish();
    }

    /**
     * Starts the count of the task's first detector: how many entries of its (restored) store hold an open anomaly.
     */
    public <V> Count count(TaskId task, KeyValueStore<String, V> store, Predicate<V> isOpen) {
        return count(task, MAIN, store, isOpen);
    }

    /** As {@link #count(TaskId, KeyValueStore, Predicate)} for one more detector beside the task's first. */
    public <V> Count count(TaskId task, String detector, KeyValueStore<String, V> store, Predicate<V> isOpen) {
        Count count = new Count(task + "/" + detector);
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                if (isOpen.test(all.next().value)) {
                    count.open++;
                }
            }
        }
        count.publish();
        return count;
    }

    /** One processor's part of the gauge, in its task. */
    public final class Count {

        private final String key;
        private int open;

        private Count(String key) {
            this.key = key;
        }

        /** After an update of one entry: moves the count when the entry opened or closed an anomaly. */
        public void changed(boolean wasOpen, boolean isOpen) {
            if (wasOpen != isOpen) {
                open += isOpen ? 1 : -1;
                publish();
            }
        }

        /** The task is closing: its anomalies are counted by whichever instance takes it over. */
        public void withdraw() {
            byTask.remove(key);
            OpenAnomalies.this.publish();
        }

        private void publish() {
            byTask.put(key, open);
            OpenAnomalies.this.publish();
        }
    }

    private synchronized void publish() {
        metrics.setGauge(GAUGE, byTask.values().stream().mapToInt(Integer::intValue).sum());
    }
}
