package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;

class AttributionSettingsTest {

    @Test
    void shouldDefaultToOneMinuteWindowsTenMinutesGraceOneDaySpreadAndUsd() {
        AttributionSettings settings = AttributionSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings).isEqualTo(new AttributionSettings(Duration.ofMinutes(1), Duration.ofDays(2),
                Duration.ofDays(1), "USD"));
        assertThat(UnitCostTopology.storeName(settings)).isEqualTo("unit-cost-1m");
    }

    @Test
    void shouldRefuseWindowsWithoutLengthAndNegativeGrace() {
        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOW, "0s"))))
                .hasMessageContaining(AttributionSettings.WINDOW);
        assertThatThrownBy(() -> new AttributionSettings(Duration.ofMinutes(1), Duration.ofSeconds(-1),
                Duration.ofDays(1), "USD"))
                .hasMessageContaining(AttributionSettings.GRACE);
    }

    @Test
    void shouldCloseWindowOnceStreamTimePassesItsEndPlusGrace() {
        WindowGrid grid = new WindowGrid(Duration.ofMinutes(1), Duration.ofMinutes(10));
        long start = grid.startOf(1_795_428_030_000L);

        assertThat(start).isEqualTo(1_795_428_000_000L);
        assertThat(grid.isClosed(start, start + 660_000 - 1)).isFalse();
        assertThat(grid.isClosed(start, start + 660_000)).isTrue();
    }
}
