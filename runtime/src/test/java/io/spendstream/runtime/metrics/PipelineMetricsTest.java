package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class PipelineMetricsTest {

    @Test
    void shouldCreateTheStagesCountersAtZeroBeforeTheFirstEvent() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineMetrics metrics = new PipelineMetrics(registry);

        metrics.expectStage("enrich");

        assertThat(registry.get(PipelineMetrics.RECORDS_IN).tag("stage", "enrich").counter().count()).isZero();
        java.util.Collection<Counter> deadLetters = registry.find(PipelineMetrics.DEAD_LETTERED).tag("stage", "enrich").counters();
        assertThat(deadLetters).extracting(counter -> counter.getId().getTag("reason"))
                .containsExactlyInAnyOrderElementsOf(PipelineMetrics.RUNTIME_DEAD_LETTER_REASONS);
        assertThat(deadLetters).allSatisfy(counter -> assertThat(counter.count()).isZero());

        // The first dead letter then moves an existing series from 0 to 1, which increase() sees.
        metrics.deadLettered("enrich", "processing-error");
        assertThat(registry.get(PipelineMetrics.DEAD_LETTERED).tags("stage", "enrich", "reason", "processing-error")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldScrapeExpectedDeadLetterReasonsAtZero() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics metrics = new PipelineMetrics(registry);

        metrics.expectDeadLetters("ingest", List.of("invalid-json", "missing-field"));
        metrics.deadLettered("ingest", "missing-field");

        assertThat(registry.scrape())
                .contains("spendstream_records_dead_lettered_total{reason=\"invalid-json\",stage=\"ingest\"} 0.0")
                .contains("spendstream_records_dead_lettered_total{reason=\"missing-field\",stage=\"ingest\"} 1.0");
    }
}
