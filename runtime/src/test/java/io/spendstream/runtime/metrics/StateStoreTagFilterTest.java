package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class StateStoreTagFilterTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    StateStoreTagFilterTest() {
        registry.config().meterFilter(new StateStoreTagFilter());
    }

    @Test
    void shouldKeepKeyValueAndWindowStoreMetricsOfTheSameNameInPrometheus() {
        Gauge.builder("kafka.stream.state.num.entries.active.mem.table", () -> 3)
                .tag("rocksdb.state.id", "anomaly-detector-state").register(registry);
        Gauge.builder("kafka.stream.state.num.entries.active.mem.table", () -> 5)
                .tag("rocksdb.window.state.id", "unit-cost-1m").register(registry);

        assertThat(registry.scrape())
                .contains("kafka_stream_state_num_entries_active_mem_table{store=\"anomaly-detector-state\"} 3")
                .contains("kafka_stream_state_num_entries_active_mem_table{store=\"unit-cost-1m\"} 5");
    }

    @Test
    void shouldKeepTheNumberOfTagsSoThatTheKafkaBinderDoesNotSkipLaterStores() {
        // Micrometer's KafkaMetrics skips a Kafka metric when a meter of the same name with MORE tags is registered.
        Meter.Id raw = new Meter.Id("kafka.stream.state.block.cache.usage",
                io.micrometer.core.instrument.Tags.of("thread.id", "t1", "task.id", "0_1", "rocksdb.session.state.id",
                        "s", "kafka.version", "4.3.1"),
                null, null, Meter.Type.GAUGE);

        Meter.Id mapped = new StateStoreTagFilter().map(raw);

        assertThat(mapped.getTags()).hasSameSizeAs(raw.getTags());
        assertThat(mapped.getTag("store")).isEqualTo("s");
        assertThat(mapped.getTag("task.id")).isEqualTo("0_1");
    }

    @Test
    void shouldLeaveOtherMetersAlone() {
        Gauge.builder("kafka.stream.thread.poll.rate", () -> 1).tag("thread.id", "t1").register(registry);
        Gauge.builder("kafka.stream.state.updater.restore.ratio", () -> 1).tag("thread.id", "t1").register(registry);
        assertThat(registry.scrape()).contains("kafka_stream_thread_poll_rate{thread_id=\"t1\"}")
                .contains("kafka_stream_state_updater_restore_ratio{thread_id=\"t1\"}");
    }

    @Test
    void shouldRemoveTheMetersOfAClosedStoreOnceTheBinderNoLongerReadsThem() {
        Map<String, Double> values = new HashMap<>(Map.of("open", 1.0, "moved", 2.0, "idle", Double.NaN));
        for (String store : values.keySet()) {
            Gauge.builder("kafka.stream.state.size.all.mem.tables", values, v -> v.getOrDefault(store, Double.NaN))
                    .tags("thread.id", "t1", "task.id", "0_" + store.length(), "rocksdb.state.id", store)
                    .register(registry);
        }
        Map<MetricName, Metric> kafka = new HashMap<>();
        kafka.put(storeMetric("open", 4), null);
        kafka.put(storeMetric("idle", 4), null);

        // "moved" is closed but the binder still reads it (its last refresh still had the metric): kept for now.
        ClientMeters.removeClosedStoreMeters(registry, () -> kafka);
        assertThat(stores()).containsExactlyInAnyOrder("open", "moved", "idle");

        // The binder refreshed: "moved" reads NaN. "idle" reads NaN too, but its store is open: kept.
        values.remove("moved");
        ClientMeters.removeClosedStoreMeters(registry, () -> kafka);
        assertThat(stores()).containsExactlyInAnyOrder("open", "idle");
        assertThat(registry.scrape()).doesNotContain("moved");
    }

    private static MetricName storeMetric(String store, int taskSuffix) {
        return new MetricName("size-all-mem-tables", "stream-state-metrics", "",
                Map.of("thread-id", "t1", "task-id", "0_" + taskSuffix, "rocksdb-state-id", store));
    }

    private List<String> stores() {
        return registry.find("kafka.stream.state.size.all.mem.tables").gauges().stream()
                .map(gauge -> gauge.getId().getTag("store")).toList();
    }
}
