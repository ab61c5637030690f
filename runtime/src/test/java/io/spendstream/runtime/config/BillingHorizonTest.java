package io.spendstream.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BillingHorizonTest {

    private static final long NEWEST = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();

    @Test
    void shouldDefaultToSixtyFiveDays() {
        assertThat(BillingHorizon.from(new SpendstreamConfig(Map.of())).span()).isEqualTo(Duration.ofDays(65));
    }

    @Test
    void shouldReadTheHorizonFromItsKey() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(BillingHorizon.KEY, "400d"));
        assertThat(BillingHorizon.from(config).span()).isEqualTo(Duration.ofDays(400));
    }

    @Test
    void shouldCountEverythingUpToTheHorizonAndNothingOlder() {
        BillingHorizon horizon = new BillingHorizon(Duration.ofDays(65));
        long floor = Instant.parse("2026-09-26T00:00:00Z").toEpochMilli();
        assertThat(horizon.isOutside(floor, NEWEST)).isFalse();
        assertThat(horizon.isOutside(floor - 1, NEWEST)).isTrue();
        assertThat(horizon.isOutside(NEWEST + 1, NEWEST)).isFalse();
    }

    @Test
    void shouldCountEverythingBeforeAnyEventWasSeen() {
        assertThat(new BillingHorizon(Duration.ofDays(1)).isOutside(0, Long.MIN_VALUE)).isFalse();
    }

    @Test
    void shouldSayTheHorizonAndHowToChangeItWhenARecordIsOutside() {
        String message = new BillingHorizon(Duration.ofDays(65)).outsideMessage("cost row c-1",
                Instant.parse("2026-09-01T00:00:00Z").toEpochMilli(), NEWEST);
        assertThat(message).contains("cost row c-1", "2026-09-26T00:00:00Z", "65d", BillingHorizon.KEY);
    }

    @Test
    void shouldRefuseAHorizonShorterThanAnHour() {
        assertThatThrownBy(() -> BillingHorizon.from(new SpendstreamConfig(Map.of(BillingHorizon.KEY, "10m"))))
                .hasMessageContaining(BillingHorizon.KEY);
    }
}
