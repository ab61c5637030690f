package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The settle horizon follows the series' own lag ({@link SettleHorizon}), from {@code settle} to {@code settle-max}. */
class SettleHorizonTest {

    private static final long MINUTE = 60_000L;

    private final CostSpikeLifecycle lifecycle = new CostSpikeLifecycle(new CostDetector(DetectorSettings.defaults()),
            LifecycleSettings.defaults(), NewSpendSettings.defaults(), LeakSettings.defaults(), Duration.ofHours(1));
    private final DetectorState state = lifecycle.newState();

    @Test
    void shouldOpenToALaggingSourceUpToSettleMaxAndCloseOnceItCaughtUp() {
        for (int m = 0; m < 60; m++) {
            update(m, m);
        }
        // In order: windows settle ten minutes behind the newest, the pending map holds ten or eleven.
        assertThat(state.pending().size()).isBetween(10, 11);
        assertThat(state.skew()).isZero();

        // A lagging partition: an update of minute 5 (settled already: late, but it shows the lag) and of minute 25.
        update(5, 59);
        update(25, 59);
        assertThat(state.skew()).isEqualTo(54 * MINUTE);
        for (int m = 60; m < 90; m++) {
            update(m, m);
        }
        // The horizon is 54 + 10 minutes, capped at settle-max (1 hour): nothing settled since (in order, windows up
        // to 79 would have): windows 49..89 are pending.
        assertThat(state.pending().settledBefore()).isEqualTo(49 * MINUTE);
        assertThat(state.pending().size()).isEqualTo(41);

        // No update lags by half the skew for skew + settle (64 minutes) of progress: back to ten minutes at once.
        for (int m = 90; m < 125; m++) {
            update(m, m);
        }
        assertThat(state.pending().size()).isBetween(10, 11);
        assertThat(state.pending().settledBefore()).isEqualTo(114 * MINUTE);
    }

    private void update(int minute, int newest) {
        lifecycle.onUpdate(state, new WindowUpdate("checkout", minute * MINUTE, (minute + 1) * MINUTE,
                BigDecimal.ONE, "USD", newest * MINUTE));
    }
}
