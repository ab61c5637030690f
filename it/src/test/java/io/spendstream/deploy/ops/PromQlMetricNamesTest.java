package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {

    @Test
    void shouldFindTheSelectedMetricsButNotFunctionsLabelsOrDurations() {
        assertThat(PromQlMetricNames.of("sum by (stage, reason) (rate(spendstream_records_dead_lettered_total"
                + "{job=\"spendstream\", stage=~\"in.*\"}[10m])) / on (stage) sum by (stage) "
                + "(rate(spendstream_records_in_total[$__rate_interval] offset 5m)) > 0.01"))
                .containsExactly("spendstream_records_dead_lettered_total", "spendstream_records_in_total");
    }

    @Test
    void shouldFindMetricsInsideAbsentAndComparisonsWithNumbers() {
        assertThat(PromQlMetricNames.of("absent(up{job=\"x\", component=\"ingest\"} == 1) or absent(up == 1) "
                + "and kafka_stream_client_state != 2 and foo > 1e3 unless bar:rate5m"))
                .containsExactly("bar:rate5m", "foo", "kafka_stream_client_state", "up");
    }

    @Test
    void shouldIgnoreMetricLikeWordsInsideStrings() {
        assertThat(PromQlMetricNames.of("max by (component) (x_total{client_id=~\"not_a_metric.*\"}) > 0"))
                .containsExactly("x_total");
    }
}
