package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;

class ShowbackSettingsTest {

    @Test
    void shouldEmitOncePerSecondByDefault() {
        ShowbackSettings settings = ShowbackSettings.from(new SpendstreamConfig(Map.of()));
        assertThat(settings.emitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.emitsOnEveryInput()).isFalse();
    }

    @Test
    void shouldEmitOnEveryInputWhenTheIntervalIsZero() {
        ShowbackSettings settings = ShowbackSettings.from(new SpendstreamConfig(
                Map.of(ShowbackSettings.EMIT_INTERVAL, "0s")));
        assertThat(settings.emitsOnEveryInput()).isTrue();
    }

    @Test
    void shouldRejectANegativeInterval() {
        assertThatThrownBy(() -> new ShowbackSettings(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ShowbackSettings.EMIT_INTERVAL);
    }
}
