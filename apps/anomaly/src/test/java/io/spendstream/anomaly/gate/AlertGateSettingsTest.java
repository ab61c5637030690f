package io.spendstream.anomaly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;

class AlertGateSettingsTest {

    @Test
    void shouldDefaultToATenMinuteCooldownCheckedEveryTenSecondsAndAFifteenSecondGroupWait() {
        AlertGateSettings settings = AlertGateSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.groupWait()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.groupWaitReleaseInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldReadTheGroupWaitAndCheckHeldChildrenNoLessOftenThanTheCheckInterval() {
        AlertGateSettings settings = AlertGateSettings.from(new SpendstreamConfig(Map.of(
                AlertGateSettings.GROUP_WAIT, "30s", AlertGateSettings.CHECK_INTERVAL, "500ms")));

        assertThat(settings.groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.groupWaitReleaseInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(AlertGateSettings.from(new SpendstreamConfig(Map.of(AlertGateSettings.GROUP_WAIT, "0s")))
                .groupWait()).isZero();
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
    void shouldRedeliverOnARiseOfMoreThanOnePointFiveTimesAtMostEveryFiveMinutesUnlessSetOtherwise() {
        AlertGateSettings defaults = AlertGateSettings.from(new SpendstreamConfig(Map.of()));
        assertThat(defaults.redeliverFactor()).isEqualTo(1.5);
        assertThat(defaults.redeliverInterval()).isEqualTo(Duration.ofMinutes(5));

        AlertGateSettings set = AlertGateSettings.from(new SpendstreamConfig(Map.of(
                AlertGateSettings.REDELIVER_FACTOR, "2", AlertGateSettings.REDELIVER_INTERVAL, "1m")));
        assertThat(set.redeliverFactor()).isEqualTo(2.0);
        assertThat(set.redeliverInterval()).isEqualTo(Duration.ofMinutes(1));
        Duration tenSeconds = Duration.ofSeconds(10);
        assertThatThrownBy(() -> new AlertGateSettings(tenSeconds, tenSeconds, tenSeconds, 1.0, tenSeconds))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AlertGateSettings.REDELIVER_FACTOR);
        assertThatThrownBy(() -> new AlertGateSettings(tenSeconds, tenSeconds, tenSeconds, 1.5,
                Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AlertGateSettings.REDELIVER_INTERVAL);
    }

    @Test
    void shouldRejectANegativeCooldownAZeroCheckIntervalAndANegativeGroupWait() {
        Duration wait = Duration.ofSeconds(15);
        assertThatThrownBy(() -> new AlertGateSettings(Duration.ofMinutes(-1), Duration.ofSeconds(10), wait))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AlertGateSettings.COOLDOWN);
        assertThatThrownBy(() -> new AlertGateSettings(Duration.ofMinutes(10), Duration.ZERO, wait))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AlertGateSettings.CHECK_INTERVAL);
        assertThatThrownBy(() -> new AlertGateSettings(Duration.ofMinutes(10), Duration.ofSeconds(10),
                Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AlertGateSettings.GROUP_WAIT);
    }
}
