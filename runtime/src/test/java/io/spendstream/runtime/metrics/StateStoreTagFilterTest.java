package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

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
    void shouldKeepTheNumberOfTagsSoThatTheKafkaBinderBindsEveryStore() {
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
}
