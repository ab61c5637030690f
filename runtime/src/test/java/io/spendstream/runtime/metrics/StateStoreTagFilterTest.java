package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class StateStoreTagFilterTest {

    @Test
    void shouldKeepKeyValueAndWindowStoreMetricsOfTheSameNameInPrometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new StateStoreTagFilter());

        Gauge.builder("kafka.stream.state.num.entries.active.mem.table", () -> 3)
                .tag("rocksdb.state.id", "anomaly-detector-state").register(registry);
        Gauge.builder("kafka.stream.state.num.entries.active.mem.table", () -> 5)
                .tag("rocksdb.window.state.id", "unit-cost-1m").register(registry);

        String scrape = registry.scrape();
        assertThat(scrape).contains("state_id=\"anomaly-detector-state\"", "store_type=\"rocksdb\"")
                .contains("state_id=\"unit-cost-1m\"", "store_type=\"rocksdb.window\"");
    }

    @Test
    void shouldLeaveOtherMetersAlone() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new StateStoreTagFilter());
        Gauge.builder("kafka.stream.thread.poll.rate", () -> 1).tag("thread.id", "t1").register(registry);
        assertThat(registry.scrape()).contains("kafka_stream_thread_poll_rate{thread_id=\"t1\"}");
    }
}
