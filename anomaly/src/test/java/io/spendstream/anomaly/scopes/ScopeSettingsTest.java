package io.spendstream.anomaly.scopes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;

class ScopeSettingsTest {

    @Test
    void shouldDetectPerServiceAndTeamByDefault() {
        ScopeSettings settings = ScopeSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.scopes()).containsExactlyInAnyOrder(DetectionScope.SERVICE, DetectionScope.TEAM);
        assertThat(settings.widerScopes()).containsExactly(DetectionScope.TEAM);
        assertThat(settings).hasToString("service,team");
    }

    @Test
    void shouldReadAListInAnyCaseAndOrderWithBlanks() {
        ScopeSettings settings = ScopeSettings.from(
                new SpendstreamConfig(Map.of(ScopeSettings.SCOPES, " SKU, service ,,resource")));

        assertThat(settings.scopes()).containsExactlyInAnyOrder(DetectionScope.SERVICE, DetectionScope.RESOURCE,
                DetectionScope.SKU);
        assertThat(settings.widerScopes()).containsExactly(DetectionScope.RESOURCE, DetectionScope.SKU);
        assertThat(settings.detects(DetectionScope.TEAM)).isFalse();
    }

    @Test
    void shouldRejectAnUnknownScopeAndAnEmptyList() {
        assertThatThrownBy(() -> ScopeSettings.from(new SpendstreamConfig(Map.of(ScopeSettings.SCOPES, "team,product"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spendstream.anomaly.scopes=team,product")
                .hasMessageContaining("Unknown detection scope 'product'; expected service, team, resource, sku");
        assertThatThrownBy(() -> ScopeSettings.from(new SpendstreamConfig(Map.of(ScopeSettings.SCOPES, " , "))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one scope");
    }

    @Test
    void shouldKeepTheSeparatorInsideAScopeName() {
        ScopeKey key = ScopeKey.parse("sku:aws:g5.xlarge");

        assertThat(key).isEqualTo(new ScopeKey(DetectionScope.SKU, "aws:g5.xlarge"));
        assertThat(key.key()).isEqualTo("sku:aws:g5.xlarge");
        assertThatThrownBy(() -> ScopeKey.parse("payments")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScopeKey(DetectionScope.TEAM, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
