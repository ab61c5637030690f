package io.spendstream.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.detector.DetectorSettings;
import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;

class AnomalySettingsTest {

    @Test
    void shouldSettleWindowsTenMinutesBehindTheNewestByDefault() {
        AnomalySettings settings = AnomalySettings.from(new SpendstreamConfig(Map.of()));

        assertThat(settings.lifecycle().settle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.lifecycle().pendingCap(Duration.ofMinutes(1).toMillis())).isEqualTo(15);
        assertThat(settings.detector().clipSigmas()).isEqualTo(3.0);
    }

    @Test
    void shouldReadTheSettleHorizonInEitherDurationForm() {
        AnomalySettings shortForm = AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.SETTLE, "90s")));
        AnomalySettings isoForm = AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.SETTLE, "PT0S")));

        assertThat(shortForm.lifecycle().settle()).isEqualTo(Duration.ofSeconds(90));
        assertThat(shortForm.lifecycle().pendingCap(Duration.ofMinutes(1).toMillis())).isEqualTo(6);
        assertThat(isoForm.lifecycle().settle()).isZero();
    }

    @Test
    void shouldReadTheNewSpendLeakAndSettleMaxSettings() {
        AnomalySettings defaults = AnomalySettings.from(new SpendstreamConfig(Map.of()));
        AnomalySettings set = AnomalySettings.from(new SpendstreamConfig(Map.of(
                AnomalySettings.NEW_SPEND_TICKET_PER_HOUR, "10", AnomalySettings.NEW_SPEND_PAGE_PER_HOUR, "250.5",
                AnomalySettings.NEW_SPEND_ESTATE_WARMUP, "0s", AnomalySettings.LEAK_RISING_HOURS, "6",
                AnomalySettings.LEAK_MIN_RATIO, "1.3", AnomalySettings.SETTLE_MAX, "6h",
                AnomalySettings.CATCH_UP_QUIET, "2m")));

        assertThat(defaults.newSpend().ticketPerHour()).isEqualByComparingTo("25");
        assertThat(defaults.newSpend().pagePerHour()).isEqualByComparingTo("100");
        assertThat(defaults.newSpend().estateWarmup()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.leak().risingHours()).isEqualTo(4);
        assertThat(defaults.settleMax()).isEqualTo(Duration.ofHours(2));
        assertThat(set.newSpend().ticketPerHour()).isEqualByComparingTo("10");
        assertThat(set.newSpend().pagePerHour()).isEqualByComparingTo("250.5");
        assertThat(set.newSpend().enabled()).isFalse();
        assertThat(set.leak().risingHours()).isEqualTo(6);
        assertThat(set.leak().minRatio()).isEqualTo(1.3);
        assertThat(set.settleMax()).isEqualTo(Duration.ofHours(6));
        assertThat(defaults.catchUpQuiet()).isEqualTo(Duration.ofSeconds(30));
        assertThat(set.catchUpQuiet()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.CATCH_UP_QUIET,
                "-1s")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AnomalySettings.CATCH_UP_QUIET);
        assertThatThrownBy(() -> AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.SETTLE_MAX,
                "5m")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AnomalySettings.SETTLE_MAX);
        assertThatThrownBy(() -> AnomalySettings.from(new SpendstreamConfig(Map.of(
                AnomalySettings.NEW_SPEND_PAGE_PER_HOUR, "5")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("below its ticket rate");
    }

    @Test
    void shouldScoreDropsAsTicketsUnlessTwoSidedIsTurnedOff() {
        AnomalySettings defaults = AnomalySettings.from(new SpendstreamConfig(Map.of()));
        AnomalySettings risesOnly = AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.TWO_SIDED,
                "false", AnomalySettings.SPREAD_ALPHA, "0.002", AnomalySettings.SEASONAL_SLOTS, "24",
                AnomalySettings.TAIL_MEMORY, "1000", AnomalySettings.DROP_SEVERITY, "page")));

        assertThat(defaults.detector().twoSided()).isTrue();
        assertThat(defaults.lifecycle().dropSeverity()).isEqualTo(Severity.TICKET);
        assertThat(defaults.detector().spreadAlpha()).isEqualTo(0.01);
        assertThat(defaults.detector().seasonalSlots()).isEqualTo(48);
        assertThat(defaults.detector().minSigmas()).isEqualTo(6.0);
        assertThat(risesOnly.detector().twoSided()).isFalse();
        assertThat(risesOnly.lifecycle().dropSeverity()).isEqualTo(Severity.PAGE);
        assertThat(risesOnly.detector().spreadAlpha()).isEqualTo(0.002);
        assertThat(risesOnly.detector().seasonalSlots()).isEqualTo(24);
        assertThat(risesOnly.detector().tailMemory()).isEqualTo(1000);
    }

    @Test
    void shouldCountDropsAtThreeQuartersOfTheirZAndRememberFiveThousandWindowsUnlessSetOtherwise() {
        DetectorSettings defaults = AnomalySettings.from(new SpendstreamConfig(Map.of())).detector();
        DetectorSettings symmetric = AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.DROP_WEIGHT,
                "1"))).detector();

        assertThat(defaults.dropWeight()).isEqualTo(0.75);
        assertThat(defaults.tailMemory()).isEqualTo(5000);
        assertThat(symmetric.dropWeight()).isEqualTo(1.0);
        assertThatThrownBy(() -> AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.DROP_WEIGHT,
                "0")))).isInstanceOf(IllegalArgumentException.class).hasMessage("drop weight must be in (0, 1]");
    }

    @Test
    void shouldRefuseADropSeverityThatIsNotOne() {
        assertThatThrownBy(() -> AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.DROP_SEVERITY,
                "loud")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AnomalySettings.DROP_SEVERITY).hasMessageContaining("PAGE, TICKET, INFO");
    }

    @Test
    void shouldUseWeeklyFactorsAndTheSlowDampedTrendUnlessSetOtherwise() {
        DetectorSettings defaults = AnomalySettings.from(new SpendstreamConfig(Map.of())).detector();
        DetectorSettings set = AnomalySettings.from(new SpendstreamConfig(Map.of(AnomalySettings.WEEKLY_MIN_WEEKS, "0",
                AnomalySettings.WEEKLY_WEIGHT, "0.3", AnomalySettings.TREND_ALPHA, "0",
                AnomalySettings.TREND_DAMPING, "0.95"))).detector();

        assertThat(defaults.weeklyMinWeeks()).isEqualTo(2);
        assertThat(defaults.weeklyWeight()).isEqualTo(0.5);
        assertThat(defaults.trendAlpha()).isEqualTo(0.01);
        assertThat(defaults.trendDamping()).isEqualTo(0.98);
        assertThat(set.weeklyMinWeeks()).isZero();
        assertThat(set.weeklyWeight()).isEqualTo(0.3);
        assertThat(set.trendAlpha()).isZero();
        assertThat(set.trendDamping()).isEqualTo(0.95);
        assertThatThrownBy(() -> DetectorSettings.defaults().withTrend(0.01, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("trend damping must be in [0, 1)");
    }

    @Test
    void shouldRefuseANegativeSettleHorizon() {
        assertThatThrownBy(() -> LifecycleSettings.defaults().withSettle(Duration.ofMinutes(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("settle must not be negative");
    }
}
