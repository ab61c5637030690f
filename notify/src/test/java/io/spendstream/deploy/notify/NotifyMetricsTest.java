package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.runtime.metrics.PipelineMetrics;

class NotifyMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NotifyMetrics metrics = new NotifyMetrics(new PipelineMetrics(registry));

    @Test
    void shouldExposeEveryKnownCounterAtZeroBeforeTheFirstEvent() {
        AlertTarget alertmanager = target("alertmanager");
        metrics.expect(List.of(alertmanager, target("webhook-1")), "spend.alerts", alertmanager);

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("spendstream_notify_failed_total{reason=\"rejected\",target=\"alertmanager\"} 0.0")
                .contains("spendstream_notify_failed_total{reason=\"rejected\",target=\"webhook-1\"} 0.0")
                .contains("spendstream_notify_failed_total{reason=\"undecodable\",target=\"spend.alerts\"} 0.0")
                .contains("spendstream_notify_failed_total{reason=\"repost\",target=\"alertmanager\"} 0.0")
                .contains("spendstream_notify_retried_total{target=\"webhook-1\"} 0.0")
                .contains("spendstream_notify_sent_total{kind=\"event\",target=\"webhook-1\"} 0.0")
                .contains("spendstream_notify_sent_total{kind=\"repost\",target=\"alertmanager\"} 0.0")
                .contains("spendstream_notify_assignments_total 0.0")
                .contains("spendstream_notify_firing 0.0");
        assertThat(metrics.total(NotifyMetrics.FAILED)).isZero();

        // The first lost alert moves the existing series from 0 to 1: increase() sees it.
        metrics.failed("webhook-1", "rejected");
        assertThat(registry.scrape())
                .contains("spendstream_notify_failed_total{reason=\"rejected\",target=\"webhook-1\"} 1.0");
    }

    @Test
    void shouldNotExpectRepostsWithoutAlertmanager() {
        metrics.expect(List.of(target("webhook-1")), "spend.alerts", null);

        assertThat(registry.scrape()).doesNotContain("repost")
                .contains("spendstream_notify_failed_total{reason=\"rejected\",target=\"webhook-1\"} 0.0");
    }

    private static AlertTarget target(String name) {
        return new AlertTarget() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String eventBody(AlertEvent event, Instant now) {
                throw new UnsupportedOperationException("not sent in this test");
            }

            @Override
            public PostResult post(String body) {
                throw new UnsupportedOperationException("not sent in this test");
            }
        };
    }
}
