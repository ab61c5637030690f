package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class WeeklyProfileTest {

    private static final long HOUR = 3_600_000L;
    private static final long MONDAY = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();

    @Test
    void shouldUseTheFactorsOnlyOnceEveryWeekdayHasTheWeeksItNeeds() {
        WeeklyProfile profile = WeeklyProfile.empty();
        long saturday = MONDAY + 5 * 24 * HOUR;

        feedDays(profile, 0, 13, 0.4);
        // Days 6 to 12 (from the first with a full week behind it) taught one week to every weekday: enough for min
        // weeks 1, not for 2.
        assertThat(profile.weeks()).containsOnly(1);
        assertThat(profile.factor(saturday, 2)).isEqualTo(1.0);
        assertThat(profile.factor(saturday, 1)).isCloseTo(0.4 / (5.8 / 7), within(1e-9));
        assertThat(profile.factor(MONDAY, 1)).isCloseTo(1 / (5.8 / 7), within(1e-9));

        feedDays(profile, 13, 20, 0.4);
        assertThat(profile.factor(saturday, 2)).isCloseTo(0.4 / (5.8 / 7), within(1e-9));
        // 0 turns the profile off.
        assertThat(profile.factor(saturday, 0)).isEqualTo(1.0);
    }

    @Test
    void shouldNotUseAWeakWeeklyPattern() {
        WeeklyProfile profile = WeeklyProfile.empty();

        // Weekends at 80%: the weekday factors are 0.84 and 1.06, inside [1/1.5, 1.5].
        feedDays(profile, 0, 27, 0.8);

        assertThat(profile.weeks()).containsOnly(3);
        assertThat(profile.factors()[5]).isCloseTo(0.8 / (6.6 / 7), within(1e-9));
        assertThat(profile.factor(MONDAY + 5 * 24 * HOUR, 2)).isEqualTo(1.0);
    }

    @Test
    void shouldLearnNothingFromDaysThatStartOrEndMidDay() {
        WeeklyProfile profile = WeeklyProfile.empty();
        for (int day = 0; day < 21; day++) {
            // Values from 03:00 to 23:00 only: no day is complete, no week can be compared.
            for (int hour = 3; hour < 24; hour++) {
                profile.learn(MONDAY + (day * 24L + hour) * HOUR, 10.0, 0.5);
            }
        }

        assertThat(profile.weeks()).containsOnly(0);
        assertThat(profile.factors()).containsOnly(1.0);
    }

    @Test
    void shouldIgnoreAStragglerOfAClosedDay() {
        WeeklyProfile profile = WeeklyProfile.empty();
        profile.learn(MONDAY + 24 * HOUR, 10.0, 0.5);

        profile.learn(MONDAY + 23 * HOUR, 99.0, 0.5);

        assertThat(profile.currentCount()).isEqualTo(1);
        assertThat(profile.currentSum()).isEqualTo(10.0);
    }

    /** Hourly values of days {@code from} to {@code to} (exclusive) from Monday: 10 on weekdays, times weekend. */
    private static void feedDays(WeeklyProfile profile, int from, int to, double weekend) {
        for (int day = from; day < to; day++) {
            for (int hour = 0; hour < 24; hour++) {
                profile.learn(MONDAY + (day * 24L + hour) * HOUR, day % 7 >= 5 ? 10.0 * weekend : 10.0, 0.5);
            }
        }
        // The first value of the next day closes the last one.
        profile.learn(MONDAY + to * 24L * HOUR, to % 7 >= 5 ? 10.0 * weekend : 10.0, 0.5);
    }
}
