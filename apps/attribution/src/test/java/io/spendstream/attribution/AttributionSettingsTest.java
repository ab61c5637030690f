package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.SpendstreamConfig;

class AttributionSettingsTest {

    private static final BillingHorizon HORIZON = new BillingHorizon(Duration.ofDays(65));

    @Test
    void shouldGiveRealTimeWindowsTheGraceAndLedgerWindowsTheBillingHorizon() {
        AttributionSettings settings = AttributionSettings.from(new SpendstreamConfig(Map.of(
                AttributionSettings.WINDOWS, "1m,5m,1h,1d", AttributionSettings.GRACE, "10m",
                BillingHorizon.KEY, "40d")));

        assertThat(settings.grid(Duration.ofMinutes(5))).isEqualTo(new WindowGrid(Duration.ofMinutes(5),
                Duration.ofMinutes(10)));
        assertThat(settings.grid(Duration.ofHours(1))).isEqualTo(new WindowGrid(Duration.ofHours(1),
                Duration.ofDays(40)));
        assertThat(settings.storeGrace(Duration.ofDays(1))).isEqualTo(Duration.ofDays(41));
        assertThat(settings.storeGrace(Duration.ofMinutes(1))).isEqualTo(Duration.ofDays(1).plusMinutes(10));
    }

    @Test
    void shouldDefaultToOneMinuteAndOneHourWindowsTwoDaysGraceSixtyFiveDaysHorizonOneDaySpreadAndUsd() {
        AttributionSettings settings = AttributionSettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings).isEqualTo(new AttributionSettings(List.of(Duration.ofMinutes(1), Duration.ofHours(1)),
                Duration.ofDays(2), new BillingHorizon(Duration.ofDays(65)), Duration.ofDays(1), "USD"));
        assertThat(settings.grid()).isEqualTo(new WindowGrid(Duration.ofMinutes(1), Duration.ofDays(2)));
        assertThat(settings.windows()).extracting(UnitCostTopology::storeName)
                .containsExactly("unit-cost-1m", "unit-cost-1h");
    }

    @Test
    void shouldReadWindowSizesSmallestFirst() {
        AttributionSettings settings = AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOWS, "1h, 5m,1d")));

        assertThat(settings.windows()).containsExactly(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(1));
        assertThat(settings.finestWindow()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldKeepTheDeprecatedSingleWindowKeyAsAnAliasButNotBesideTheNewOne() {
        AttributionSettings alias = AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOW, "5m")));
        assertThat(alias.windows()).containsExactly(Duration.ofMinutes(5));

        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOW, "5m", AttributionSettings.WINDOWS, "1m,1h"))))
                .hasMessageContaining(AttributionSettings.WINDOWS).hasMessageContaining(AttributionSettings.WINDOW);
    }

    @Test
    void shouldRefuseWindowSizesThatDoNotNestInTheSmallest() {
        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOWS, "2m,3m"))))
                .hasMessageContaining(AttributionSettings.WINDOWS).hasMessageContaining("multiples");
        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOWS, "1m,60s"))))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOWS, "1m,an hour"))))
                .hasMessageContaining(AttributionSettings.WINDOWS);
    }

    @Test
    void shouldRefuseWindowsWithoutLengthAndNegativeGrace() {
        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOW, "0s"))))
                .hasMessageContaining(AttributionSettings.WINDOWS);
        assertThatThrownBy(() -> AttributionSettings.from(new SpendstreamConfig(
                Map.of(AttributionSettings.WINDOWS, "0s,1m"))))
                .hasMessageContaining(AttributionSettings.WINDOWS);
        assertThatThrownBy(() -> new AttributionSettings(List.of(), Duration.ofMinutes(1), HORIZON, Duration.ofDays(1),
                "USD"))
                .hasMessageContaining(AttributionSettings.WINDOWS);
        assertThatThrownBy(() -> new AttributionSettings(List.of(Duration.ofMinutes(1)), Duration.ofSeconds(-1),
                HORIZON, Duration.ofDays(1), "USD"))
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
