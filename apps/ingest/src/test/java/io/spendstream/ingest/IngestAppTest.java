package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.testing.TopologyFixture;

class IngestAppTest {

    @Test
    void shouldNameItselfItsMetricsPortAndAShortFetchWaitForItsGlobalTables() {
        IngestApp app = new IngestApp();
        assertThat(app.name()).isEqualTo("ingest");
        assertThat(app.defaults()).containsExactlyInAnyOrderEntriesOf(Map.of("spendstream.metrics.port", "9401",
                "global.consumer.fetch.max.wait.ms", "50", "max.task.idle.ms", "-1"));
    }

    @Test
    void shouldNameEveryProcessorSoTheTopologyStaysStableAcrossReleases() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            String description = fixture.topology().describe().toString();
            assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                    .contains(IngestApp.USAGE_PARSE, IngestApp.COST_KEY, IngestApp.COST_SINK,
                            IngestApp.APM_PARSE, IngestApp.APM_KEY, IngestApp.APM_SINK, IngestApp.VALUE_CHARGE,
                            IngestApp.RESTATE, IngestApp.IDENTITY_REPARTITION + "-repartition-sink");
            assertThat(fixture.topology().describe().globalStores()).hasSize(2)
                    .allSatisfy(store -> assertThat(store.processor().stores()).hasSize(1));
            assertThat(fixture.topology().describe().globalStores())
                    .extracting(store -> store.processor().stores().iterator().next())
                    .containsExactlyInAnyOrder(IngestApp.PRICES_STORE, IngestApp.FX_RATES_STORE);
            assertThat(description).contains("stores: [" + IngestApp.IDENTITY_STORE + "]");
        }
    }

    @Test
    void shouldRefuseAReportingCurrencyThatIsNotAnIsoCode() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> TopologyFixture.of(new IngestApp(), Map.of(IngestSettings.REPORTING_CURRENCY, "dollars")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spendstream.reporting.currency=DOLLARS");
    }
}
