package io.spendstream.anomaly.scopes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.Contributor;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.Money;

class ScopeSettingsTest {

    @Test
    void shouldDetectPerServiceAndTeamByDefault() {
        ScopeSettings settings = ScopeSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.scopes()).containsExactlyInAnyOrder(DetectionScope.SERVICE, DetectionScope.TEAM);
        assertThat(settings.widerScopes()).containsExactly(DetectionScope.TEAM);
        assertThat(settings).hasToString("service,team");
        assertThat(settings.explainedShare()).isEqualTo(0.9);
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
        assertThatThrownBy(() -> ScopeSettings.from(
                new SpendstreamConfig(Map.of(ScopeSettings.SCOPES, "team,product"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spendstream.anomaly.scopes=team,product")
                .hasMessageContaining("Unknown detection scope 'product'; expected service, team, resource, sku");
        assertThatThrownBy(() -> ScopeSettings.from(new SpendstreamConfig(Map.of(ScopeSettings.SCOPES, " , "))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one scope");
        assertThatThrownBy(() -> ScopeSettings.from(new SpendstreamConfig(Map.of(ScopeSettings.EXPLAINED_SHARE, "0"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("explained-share");
    }

    @Test
    void shouldCallAScopeSpikeExplainedWhenOneDetectedServiceCarriesMostOfItsExcess() {
        ScopeSettings settings = ScopeSettings.defaults();
        Contributor recs = contributor("service", "recommendations", 0.95);

        assertThat(settings.explainedByOneService(List.of(recs, contributor("service", "search", 0.05)), 2)).isTrue();
        assertThat(settings.explainedByOneService(List.of(contributor("service", "a", 0.6),
                contributor("service", "b", 0.4)), 2)).isFalse();
        // No service moved beyond its noise: the team itself is the contributor.
        assertThat(settings.explainedByOneService(List.of(contributor("team", "payments", 1.0)), 2)).isFalse();
        assertThat(settings.explainedByOneService(List.of(), 2)).isFalse();
        // A scope with one service in the window is that service's series, whether or not it moved beyond its noise.
        assertThat(settings.explainedByOneService(List.of(), 1)).isTrue();
        // Services not detected: nothing else would page.
        assertThat(ScopeSettings.from(new SpendstreamConfig(Map.of(ScopeSettings.SCOPES, "team")))
                .explainedByOneService(List.of(recs), 1)).isFalse();
        assertThat(ScopeSettings.from(new SpendstreamConfig(Map.of(ScopeSettings.EXPLAINED_SHARE, "1.01")))
                .explainedByOneService(List.of(contributor("service", "recommendations", 1.0)), 2)).isFalse();
    }

    private static Contributor contributor(String kind, String name, double share) {
        return Contributor.newBuilder().setKind(kind).setName(name).setObserved(Money.of("2"))
                .setExpected(Money.of("1")).setExcess(Money.of("1")).setShare(share).build();
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
