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
}
