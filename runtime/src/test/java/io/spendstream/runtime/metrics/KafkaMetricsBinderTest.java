package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class KafkaMetricsBinderTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<MetricName, Metric> kafka = new LinkedHashMap<>();

    KafkaMetricsBinderTest() {
        registry.config().meterFilter(new StateStoreTagFilter());
    }

    @Test
    void shouldNameTagAndTypeMetersAsMicrometersKafkaBinderDoes() {
        put(name("records-consumed-total", "consumer-fetch-manager-metrics", "client-id", "c1", "topic", "spend.cost"),
                42.0);
        put(name("records-lag", "consumer-fetch-manager-metrics", "client-id", "c1", "topic", "spend.cost",
                "partition", "0"), 7.0);
        put(name("version", "app-info", "client-id", "c1"), "4.3.1");
        put(name("commit-id", "app-info", "client-id", "c1"), "abc");
        put(name("state", "stream-metrics", "client-id", "c1"), "RUNNING");

        KafkaMetricsBinder.unscheduled(() -> kafka, registry);

        FunctionCounter consumed = registry.get("kafka.consumer.fetch.manager.records.consumed.total").functionCounter();
        assertThat(consumed.count()).isEqualTo(42.0);
        assertThat(consumed.getId().getTag("kafka.version")).isEqualTo("4.3.1");
        assertThat(consumed.getId().getTag("client.id")).isEqualTo("c1");
        Gauge lag = registry.get("kafka.consumer.fetch.manager.records.lag").gauge();
        assertThat(lag.value()).isEqualTo(7.0);
        assertThat(lag.getId().getTag("partition")).isEqualTo("0");
        assertThat(registry.scrape()).contains("kafka_consumer_fetch_manager_records_lag{client_id=\"c1\","
                + "kafka_version=\"4.3.1\",partition=\"0\",topic=\"spend.cost\"} 7.0")
                .doesNotContain("app_info").doesNotContain("stream_state");
    }

    @Test
    void shouldReadValuesLiveAndKeepTheSameMetersWhileNothingChanges() {
        MetricName lag = name("records-lag", "consumer-fetch-manager-metrics", "client-id", "c1");
        put(lag, 1.0);
        KafkaMetricsBinder binder = KafkaMetricsBinder.unscheduled(() -> kafka, registry);
        Meter first = registry.get("kafka.consumer.fetch.manager.records.lag").meter();

        put(lag, 5.0);
        binder.refresh();

        assertThat(registry.get("kafka.consumer.fetch.manager.records.lag").gauge().value()).isEqualTo(5.0);
        assertThat(registry.get("kafka.consumer.fetch.manager.records.lag").meter()).isSameAs(first);
        assertThat(registry.getMeters()).hasSize(1);
    }

    @Test
    void shouldBindOnlyTheVariantWithMostTagsOfAMetricKafkaRegistersAtTwoLevels() {
        MetricName perClient = name("records-consumed-total", "consumer-fetch-manager-metrics", "client-id", "c1");
        put(perClient, 10.0);
        KafkaMetricsBinder binder = KafkaMetricsBinder.unscheduled(() -> kafka, registry);
        assertThat(topicsOf("kafka.consumer.fetch.manager.records.consumed.total")).containsExactly((String) null);

        MetricName costs = name("records-consumed-total", "consumer-fetch-manager-metrics", "client-id", "c1",
                "topic", "spend.cost");
        MetricName usage = name("records-consumed-total", "consumer-fetch-manager-metrics", "client-id", "c1",
                "topic", "spend.usage");
        put(costs, 6.0);
        put(usage, 4.0);
        binder.refresh();
        assertThat(topicsOf("kafka.consumer.fetch.manager.records.consumed.total"))
                .containsExactlyInAnyOrder("spend.cost", "spend.usage");

        // The per-topic variants go (partitions revoked): the per-client one is exposed again.
        kafka.remove(costs);
        kafka.remove(usage);
        binder.refresh();
        assertThat(topicsOf("kafka.consumer.fetch.manager.records.consumed.total")).containsExactly((String) null);
    }

    @Test
    void shouldRemoveTheMetersOfAClosedStoreThatTheFilterRenamed() {
        MetricName moved = storeMetric("0_1", "unit-cost-1m");
        put(storeMetric("0_0", "anomaly-detector-state"), 3.0);
        put(moved, 5.0);
        KafkaMetricsBinder binder = KafkaMetricsBinder.unscheduled(() -> kafka, registry);
        assertThat(stores()).containsExactlyInAnyOrder("anomaly-detector-state", "unit-cost-1m");

        kafka.remove(moved);
        binder.refresh();

        assertThat(stores()).containsExactly("anomaly-detector-state");
        assertThat(registry.scrape()).doesNotContain("unit-cost-1m");
    }

    @Test
    void shouldRemoveEveryMeterWhenClosed() {
        put(storeMetric("0_0", "anomaly-detector-state"), 3.0);
        put(name("records-lag", "consumer-fetch-manager-metrics", "client-id", "c1"), 1.0);
        KafkaMetricsBinder binder = KafkaMetricsBinder.unscheduled(() -> kafka, registry);
        assertThat(registry.getMeters()).hasSize(2);

        binder.close();

        assertThat(registry.getMeters()).isEmpty();
    }

    private List<String> stores() {
        return registry.find("kafka.stream.state.size.all.mem.tables").gauges().stream()
                .map(gauge -> gauge.getId().getTag(StateStoreTagFilter.STORE)).toList();
    }

    private List<String> topicsOf(String meterName) {
        return registry.find(meterName).meters().stream().map(meter -> meter.getId().getTag("topic")).toList();
    }

    private static MetricName storeMetric(String task, String store) {
        return name("size-all-mem-tables", "stream-state-metrics", "thread-id", "t1", "task-id", task,
                "rocksdb-state-id", store);
    }

    private static MetricName name(String name, String group, String... tags) {
        Map<String, String> tagMap = new LinkedHashMap<>();
        for (int i = 0; i < tags.length; i += 2) {
            tagMap.put(tags[i], tags[i + 1]);
        }
        return new MetricName(name, group, "", tagMap);
    }

    private void put(MetricName name, Object value) {
        kafka.put(name, new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }
}
