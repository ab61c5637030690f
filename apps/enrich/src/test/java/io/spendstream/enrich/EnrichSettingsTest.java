package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.SpendstreamConfig;

class EnrichSettingsTest {

    @Test
    void shouldKeepTagHistoryForTheBillingHorizonAndNotDelayJoinsByDefault() {
        EnrichSettings settings = EnrichSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.tagsHistory()).isEqualTo(Duration.ofDays(65));
        assertThat(EnrichSettings.from(new SpendstreamConfig(Map.of(BillingHorizon.KEY, "100d"))).tagsHistory())
                .isEqualTo(Duration.ofDays(100));
        assertThat(settings.joinGrace()).isZero();
        assertThat(settings.focusTags()).isEqualTo(FocusTagKeys.DEFAULT);
        assertThat(settings.focusTags().costCenter()).containsExactly("costcenter", "cost_center", "cost-center");
    }

    @Test
    void shouldReadConfiguredFocusTagKeysAndKeepDefaultsForTheRest() {
        EnrichSettings settings = EnrichSettings.from(new SpendstreamConfig(Map.of(
                EnrichSettings.FOCUS_TAGS_TEAM, " Squad , team,", EnrichSettings.FOCUS_TAGS_COST_CENTER, "billing")));

        assertThat(settings.focusTags().team()).containsExactly("squad", "team");
        assertThat(settings.focusTags().costCenter()).containsExactly("billing");
        assertThat(settings.focusTags().service()).isEqualTo(List.of("service", "application", "app"));
    }

    @Test
    void shouldRefuseFocusTagListWithoutKeys() {
        assertThatThrownBy(() -> EnrichSettings.from(new SpendstreamConfig(Map.of(
                EnrichSettings.FOCUS_TAGS_SERVICE, " , "))))
                .hasMessageContaining(EnrichSettings.FOCUS_TAGS_SERVICE);
    }

    @Test
    void shouldReadConfiguredDurations() {
        EnrichSettings settings = EnrichSettings.from(new SpendstreamConfig(Map.of(
                EnrichSettings.TAGS_HISTORY, "90d", EnrichSettings.JOIN_GRACE, "PT30S")));

        assertThat(settings.tagsHistory()).isEqualTo(Duration.ofDays(90));
        assertThat(settings.joinGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldRefuseHistoryThatKeepsNothing() {
        assertThatThrownBy(() -> EnrichSettings.from(new SpendstreamConfig(Map.of(EnrichSettings.TAGS_HISTORY, "0s"))))
                .hasMessageContaining(EnrichSettings.TAGS_HISTORY);
    }

    @Test
    void shouldDeclareNameAndMetricsPortOfEnrichApp() {
        EnrichApp app = new EnrichApp();

        assertThat(app.name()).isEqualTo("enrich");
        assertThat(app.defaults()).containsEntry("spendstream.metrics.port", "9402");
    }
}
