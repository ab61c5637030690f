package io.spendstream.anomaly.detector;

import java.util.Arrays;

/**
 * The daily seasonality of one series' deviations: per slot of the day (UTC; 48 half-hours by default) the typical
 * daily peak deviation, an EWMA across days of the largest counted z the slot saw that day. A burst that comes at
 * the same time every day (a nightly batch, a backup) is expected there and scores only by how far it goes beyond
 * its usual peak. It is learned from deviations, not from costs: the level follows slow daily swings by itself
 * (and the rarity of the lag is learned), what it cannot follow is a short burst at a fixed time. Fixed size:
 * three numbers per slot, whatever the window size. Mutable.
 */
public final class DailyProfile {

    static final long MILLIS_PER_DAY = 86_400_000L;
    /** {@link #day(int)} of a slot not seen yet. */
    static final long NEVER = Long.MIN_VALUE;

    private final double[] typicalPeak;
    private final double[] dayPeak;
    private final long[] day;

    private DailyProfile(double[] typicalPeak, double[] dayPeak, long[] day) {
        this.typicalPeak = typicalPeak;
        this.dayPeak = dayPeak;
        this.day = day;
    }

    public static DailyProfile empty(int slots) {
        long[] days = new long[slots];
        Arrays.fill(days, NEVER);
        return new DailyProfile(new double[slots], new double[slots], days);
    }

    /** A profile as persisted earlier: per slot its typical peak, the peak of its current day, and that day. */
    public static DailyProfile of(double[] typicalPeak, double[] dayPeak, long[] day) {
        if (typicalPeak.length != dayPeak.length || typicalPeak.length != day.length
                || Arrays.stream(typicalPeak).anyMatch(p -> !(p >= 0) || !Double.isFinite(p))
                || Arrays.stream(dayPeak).anyMatch(p -> !(p >= 0) || !Double.isFinite(p))) {
            throw new IllegalArgumentException("Invalid daily profile of " + typicalPeak.length + " slots");
        }
        return new DailyProfile(typicalPeak.clone(), dayPeak.clone(), day.clone());
    }

    public int slots() {
        return typicalPeak.length;
    }

    /** The typical daily peak deviation of the slot of {@code timestamp}, including the days before today. */
    double expectedPeak(long timestamp, double weight) {
        if (slots() == 0) {
            return 0.0;
        }
        int slot = slotOf(timestamp);
        long today = Math.floorDiv(timestamp, MILLIS_PER_DAY);
        return day[slot] == NEVER || day[slot] == today ? typicalPeak[slot]
                : typicalPeak[slot] + weight * (dayPeak[slot] - typicalPeak[slot]);
    }

    /** Records a learned deviation: a slot seen on a new day first folds its last day's peak into its typical one. */
    void learn(long timestamp, double deviation, double weight) {
        if (slots() == 0) {
            return;
        }
        int slot = slotOf(timestamp);
        long today = Math.floorDiv(timestamp, MILLIS_PER_DAY);
        if (day[slot] != today) {
            typicalPeak[slot] = expectedPeak(timestamp, weight);
            dayPeak[slot] = 0.0;
            day[slot] = today;
        }
        dayPeak[slot] = Math.max(dayPeak[slot], deviation);
    }

    int slotOf(long timestamp) {
        return (int) (Math.floorMod(timestamp, MILLIS_PER_DAY) / (MILLIS_PER_DAY / slots()));
    }

    public double[] typicalPeaks() {
        return typicalPeak.clone();
    }

    public double[] dayPeaks() {
        return dayPeak.clone();
    }

    public long[] days() {
        return day.clone();
    }
}
