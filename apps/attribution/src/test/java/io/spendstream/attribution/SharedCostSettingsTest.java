package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;

class SharedCostSettingsTest {

    @Test
    void shouldApportionByRequestsByDefault() {
        SharedCostSettings settings = SharedCostSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.method()).isEqualTo(SharedCostSettings.Method.REQUESTS);
        assertThat(settings.weights()).isEmpty();
    }

    @Test
    void shouldReadTheMethodAndTheWeights() {
        SharedCostSettings settings = SharedCostSettings.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD, "Weights",
                SharedCostSettings.WEIGHTS, "checkout:3, search : 1.5")));

        assertThat(settings.method()).isEqualTo(SharedCostSettings.Method.WEIGHTS);
        assertThat(settings.weights()).containsExactly(Map.entry("checkout", new BigDecimal("3")),
                Map.entry("search", new BigDecimal("1.5")));
    }

    @Test
    void shouldRejectAnUnknownMethodBadWeightsAndTheWeightsMethodWithoutWeights() {
        assertThatThrownBy(() -> SharedCostSettings.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD, "random")))).hasMessageContaining(SharedCostSettings.METHOD);
        assertThatThrownBy(() -> SharedCostSettings.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.WEIGHTS, "checkout:0")))).hasMessageContaining("checkout:0");
        assertThatThrownBy(() -> SharedCostSettings.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.WEIGHTS, "checkout")))).hasMessageContaining(SharedCostSettings.WEIGHTS);
        assertThatThrownBy(() -> SharedCostSettings.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD, "weights")))).hasMessageContaining(SharedCostSettings.WEIGHTS);
    }

    @Test
    void shouldPreferAResourcesOwnMethodToItsServicesAndFallBackToTheDefault() {
        SharedCostRules rules = SharedCostRules.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD, "requests",
                SharedCostSettings.WEIGHTS, "checkout:1",
                SharedCostSettings.METHOD + ".arn:aws:ec2:eu-west-1:1:natgateway/nat-1", "even",
                SharedCostSettings.METHOD + ".dns", "Weights",
                SharedCostSettings.WEIGHTS + ".dns", "search:2",
                SharedCostSettings.METHOD + ".lb", "weights")));

        assertThat(rules.ruleFor("arn:aws:ec2:eu-west-1:1:natgateway/nat-1", "dns"))
                .isEqualTo("arn:aws:ec2:eu-west-1:1:natgateway/nat-1");
        assertThat(rules.ruleFor("zone-7", "dns")).isEqualTo("dns");
        assertThat(rules.ruleFor(null, "dns")).isEqualTo("dns");
        assertThat(rules.ruleFor("zone-7", null)).isNull();
        assertThat(rules.settingsOf("dns")).isEqualTo(new SharedCostSettings(SharedCostSettings.Method.WEIGHTS,
                Map.of("search", new BigDecimal("2"))));
        assertThat(rules.settingsOf("lb").weights()).as("the default weights").containsOnlyKeys("checkout");
        assertThat(rules.settingsOf(null).method()).isEqualTo(SharedCostSettings.Method.REQUESTS);
        assertThat(rules.settingsOf("removed-since").method()).isEqualTo(SharedCostSettings.Method.REQUESTS);
    }

    @Test
    void shouldRejectABadOverride() {
        assertThatThrownBy(() -> SharedCostRules.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD + ".dns", "random"))))
                .hasMessageContaining(SharedCostSettings.METHOD + ".dns");
        assertThatThrownBy(() -> SharedCostRules.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.WEIGHTS + ".dns", "search:2"))))
                .hasMessageContaining(SharedCostSettings.METHOD + ".dns");
        assertThatThrownBy(() -> SharedCostRules.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD + ".dns", "weights"))))
                .hasMessageContaining(SharedCostSettings.WEIGHTS + ".dns");
        assertThatThrownBy(() -> SharedCostRules.from(new SpendstreamConfig(Map.of(
                SharedCostSettings.METHOD + ".dns", "weights",
                SharedCostSettings.WEIGHTS + ".dns", "search:-1"))))
                .hasMessageContaining("search:-1");
    }
}
