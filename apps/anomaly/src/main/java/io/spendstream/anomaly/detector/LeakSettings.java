package io.spendstream.anomaly.detector;

/**
 * The slow-leak rule ({@link LeakWatch}): each complete hour's mean window cost against the same hour the day
 * before; a leak is that ratio rising hour after hour.
 *
 * @param risingHours  consecutive complete hours in which the ratio to yesterday rose by at least {@code minStep}
 * @param minStep      the least rise per hour of that ratio (1.02: +2%)
 * @param minRatio     the last complete hour is at least this many times the same hour yesterday (1.15: +15%)
 * @param resolveRatio an open leak resolves on the first complete hour below this many times yesterday's (1.1); a
 *                     leak that stays at its new level resolves a day later, when yesterday has the new level too
 */
public record LeakSettings(int risingHours, double minStep, double minRatio, double resolveRatio) {

    /** Most rising hours: {@link LeakWatch#RING_HOURS} keeps a day and this many hours and two more. */
    public static final int MAX_RISING_HOURS = LeakWatch.RING_HOURS - 26;

    public LeakSettings {
        if (risingHours < 0 || risingHours > MAX_RISING_HOURS) {
            throw new IllegalArgumentException("leak rising-hours must be 0 (off) to " + MAX_RISING_HOURS);
        }
        if (minStep < 1 || minRatio <= 1 || resolveRatio < 1 || resolveRatio > minRatio) {
            throw new IllegalArgumentException("leak ratios must satisfy 1 <= min-step, 1 <= resolve-ratio <= "
                    + "min-ratio, 1 < min-ratio");
        }
    }

    /**
     * Four hours in a row each at least 2% up on the day before's, the last at least 15% up, resolving below +10%: a
     * +5%/hour leak opens after 4-5 complete hours; hourly means of minute windows move ~1% with 5-10% noise per
     * minute, so four 2% steps in a row are not noise; a weekday stepping up from the weekend is one step; 30% growth
     * a week is +4% a day, a flat ratio.
     */
    public static LeakSettings defaults() {
        return new LeakSettings(4, 1.02, 1.15, 1.1);
    }

    public boolean enabled() {
        return risingHours > 0;
    }
}
