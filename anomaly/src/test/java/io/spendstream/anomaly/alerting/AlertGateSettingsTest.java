package io.spendstream.anomaly.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;

class AlertGateSettingsTest {

    @Test
    void shouldDefaultToATenMinuteCooldownCheckedEveryTenSeconds() {
        AlertGateSettings settings = AlertGateSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.checkInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReadTheCooldownAndTheCheckIntervalInAnyDurationForm() {
        AlertGateSettings settings = AlertGateSettings.from(new SpendstreamConfig(Map.of(
                AlertGateSettings.COOLDOWN, "PT15M", AlertGateSettings.CHECK_INTERVAL, "30s")));

        assertThat(settings.cooldown()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.checkInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(AlertGateSettings.from(new SpendstreamConfig(Map.of(AlertGateSettings.COOLDOWN, "0s")))
                .cooldown()).isZero();
    }

    @Test
    void shouldRejectANegativeCooldownAndAZeroCheckInterval() {
        assertThatThrownBy(() -> new AlertGateSettings(Duration.ofMinutes(-1), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AlertGateSettings.COOLDOWN);
        assertThatThrownBy(() -> new AlertGateSettings(Duration.ofMinutes(10), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AlertGateSettings.CHECK_INTERVAL);
    }
}
