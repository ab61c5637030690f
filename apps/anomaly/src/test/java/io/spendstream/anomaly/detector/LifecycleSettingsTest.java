package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What counts as history and as a backlog caught up out of order ({@link LifecycleSettings#isHistory},
 * {@link LifecycleSettings#isCaughtUpOutOfOrder}): the one test the catch-up hold, the new-spend rule and drift's
 * catch-up watch share. The default settle horizon is 10 minutes.
 */
class LifecycleSettingsTest {

    private static final long MINUTE = 60_000L;

    private final LifecycleSettings settings = LifecycleSettings.defaults();

    @Test
    void shouldCallAWindowHistoryOnlyOnceItEndedMoreThanTheSettleHorizonBeforeTheWallClock() {
        long windowEnd = 100 * MINUTE;

        assertThat(settings.isHistory(windowEnd, windowEnd + 10 * MINUTE)).isFalse();
        assertThat(settings.isHistory(windowEnd, windowEnd + 10 * MINUTE + 1)).isTrue();
    }

    @Test
    void shouldCallAnUpdateCaughtUpOutOfOrderOnlyWhenItIsHistoryMoreThanOneWindowBehindTheNewest() {
        long now = 200 * MINUTE;
        long start = 100 * MINUTE;
        long end = start + MINUTE;

        // One window behind the newest: the next window's first row overtook the rest of this one, as in order.
        assertThat(settings.isCaughtUpOutOfOrder(start + MINUTE, start, end, now)).isFalse();
        // Two windows behind, history: the series' sources are at different points of a backlog.
        assertThat(settings.isCaughtUpOutOfOrder(start + 2 * MINUTE, start, end, now)).isTrue();
        // Two windows behind but live by the wall clock: not a backlog.
        assertThat(settings.isCaughtUpOutOfOrder(start + 2 * MINUTE, start, end, end + 5 * MINUTE)).isFalse();
    }
}
