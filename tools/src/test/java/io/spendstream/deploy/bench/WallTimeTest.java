package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WallTimeTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldSumEachKindOfWorkAndSayThemInTheOrderTheyFirstCame() {
        WallTime wallTime = new WallTime(0);
        wallTime.add(WallTime.SET_UP, 12 * SECOND);
        wallTime.add(WallTime.START_UP, 4 * SECOND);
        wallTime.add(WallTime.MEASURED, 10 * SECOND);
        wallTime.add(WallTime.START_UP, 3 * SECOND);
        wallTime.add(WallTime.MEASURED, 20 * SECOND);

        assertEquals(7, wallTime.seconds(WallTime.START_UP), 1e-9);
        assertEquals(0, wallTime.seconds(WallTime.LATENCY), 1e-9);
        assertEquals("Wall time 50 s: set-up and pre-load 12 s, app start-up 7 s, measured 30 s",
                wallTime.summary(50 * SECOND));
    }
}
