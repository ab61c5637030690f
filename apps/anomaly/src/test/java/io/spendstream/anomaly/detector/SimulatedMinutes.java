package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.schemas.Money;

/**
 * Feeds simulated one-minute cost windows of the service {@code checkout} to a {@link CostSpikeLifecycle} the way
 * attribution emits them: three cumulative updates per window (a third, two thirds, all of its cost).
 */
final class SimulatedMinutes {

    static final long MINUTE = 60_000L;

    private static final int UPDATES_PER_WINDOW = 3;

    private SimulatedMinutes() {
    }

    /** A smooth daily cycle: 1.0 at the afternoon peak (16:00), 0.3 at night (04:00). */
    static double dailyCycle(double hourOfDay) {
        return 0.65 + 0.35 * Math.cos(2 * Math.PI * (hourOfDay - 16) / 24);
    }

    /** The window starting at {@code windowStart} costing {@code cost} (at least 0.01), in three updates. */
    static List<Transition> feed(CostSpikeLifecycle lifecycle, DetectorState state, long windowStart, double cost) {
        BigDecimal total = BigDecimal.valueOf(Math.max(cost, 0.01)).setScale(2, RoundingMode.HALF_EVEN);
        List<Transition> events = new ArrayList<>();
        for (int k = 1; k <= UPDATES_PER_WINDOW; k++) {
            BigDecimal soFar = total.multiply(BigDecimal.valueOf(k)).divide(BigDecimal.valueOf(UPDATES_PER_WINDOW),
                    12, RoundingMode.HALF_EVEN);
            events.addAll(lifecycle.onUpdate(state, new WindowUpdate("checkout", windowStart, windowStart + MINUTE,
                    Money.of(soFar), "USD", windowStart + (k - 1) * MINUTE / UPDATES_PER_WINDOW)));
        }
        return events;
    }
}
