package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void shouldDoubleTheCeilingPerRetryUpToTheMaximum() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(30)); // 32 s capped
        assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(30)); // no overflow
    }

    @Test
    void shouldJitterBetweenHalfAndAllOfTheCeiling() {
        assertThat(backoff.delay(3, () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(3, () -> 0.5)).isEqualTo(Duration.ofMillis(1_500));
        assertThat(backoff.delay(3, () -> 0.999_999)).isEqualTo(Duration.ofMillis(1_999));
        assertThat(backoff.delay(50, () -> 0.0)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void shouldRefuseSettingsThatCannotBackOff() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter");
        assertThatThrownBy(() -> backoff.ceiling(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
