package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScopeSpendTest {

    @Test
    void shouldKeyDaysExactlyAsTheStoreAlwaysHas() {
        for (long day : new long[] {0, 1, 86_400_000L, 1_795_478_400_000L, 999_999_999_999_999L,
                12_345_678_901_234_567L, -86_400_000L}) {
            assertThat(ScopeSpend.timeKey("team:payments", day))
                    .isEqualTo("team:payments@" + String.format("%015d", day));
        }
    }

    @Test
    void shouldSortTheDaysOfAScopeByDay() {
        assertThat(ScopeSpend.timeKey("s", 86_400_000L)).isLessThan(ScopeSpend.timeKey("s", 1_795_478_400_000L));
    }
}
