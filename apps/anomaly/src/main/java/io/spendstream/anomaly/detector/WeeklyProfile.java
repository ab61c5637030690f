package io.spendstream.anomaly.detector;

import java.util.Arrays;

/**
 * The weekly seasonality of one series' cost: per day of the week (UTC) a factor, how that day's mean cost compares
 * with the mean of the whole week it closes, an EWMA across weeks. {@link CostDetector} divides every value by the
 * factor of its day before anything else sees it, so the baseline learns a week-neutral cost and a quiet weekend
 * followed by a busy Monday is not a spike.
 *
 * <p>Learned from complete days only (values seen within the first and the last {@link #EDGE_MILLIS} of the day, so
 * a series that starts or stops mid-day, or a day with a long gap at either end, teaches nothing), and a day is
 * compared with the mean of the seven complete days ending with it (one of each weekday, so the ratio has no weekly
 * bias); a week with a missing day teaches nothing. The factors are used only once every day of the week has been
 * observed {@code minWeeks} times: a young series (most NAB series are two weeks long) is scored exactly as without
 * the profile, and one odd week (a holiday) cannot set the pattern alone. And they are used only while the pattern
 * is strong ({@link #MIN_STRENGTH}).
 *
 * <p>Fixed size: per weekday a factor, its count of observations, and the last complete mean with its day; plus the
 * running sum of the current day: 32 numbers, whatever the window size. Mutable.
 */
public final class WeeklyProfile {

    static final int DAYS = 7;
    /**
     * The factors are used only while the pattern is strong: some weekday at least this many times above or below
     * its week's mean. A weaker weekly swing is within what the level follows by itself, and on NAB's long series
     * (weeks of temperatures, CPU, taxi rides) factors of 0.8-1.2 cost 5-13 points (their noise and the step at
     * midnight they put into the week-neutral cost); see the module README.
     */
    static final double MIN_STRENGTH = 1.5;
    static final long MILLIS_PER_DAY = DailyProfile.MILLIS_PER_DAY;
    /** A day is complete when its first value is within this of its start and its last within this of its end. */
    static final long EDGE_MILLIS = 2 * 3_600_000L;
    /** Factors are kept within [1/MAX_FACTOR, MAX_FACTOR]: a day that is nearly always empty does not divide by ~0. */
    static final double MAX_FACTOR = 10.0;
    /** {@link #meanDay(int)} of a weekday without a complete day yet, and the current day before any value. */
    static final long NEVER = Long.MIN_VALUE;

    private final double[] factor;
    private final int[] weeks;
    private final double[] dayMean;
    private final long[] meanDay;
    private long currentDay;
    private double currentSum;
    private long currentCount;
    private long firstOffset;
    private long lastOffset;

    private WeeklyProfile(double[] factor, int[] weeks, double[] dayMean, long[] meanDay, long currentDay,
            double currentSum, long currentCount, long firstOffset, long lastOffset) {
        this.factor = factor;
        this.weeks = weeks;
        this.dayMean = dayMean;
        this.meanDay = meanDay;
        this.currentDay = currentDay;
        this.currentSum = currentSum;
        this.currentCount = currentCount;
        this.firstOffset = firstOffset;
        this.lastOffset = lastOffset;
    }

    public static WeeklyProfile empty() {
        double[] factors = new double[DAYS];
        Arrays.fill(factors, 1.0);
        long[] days = new long[DAYS];
        Arrays.fill(days, NEVER);
        return new WeeklyProfile(factors, new int[DAYS], new double[DAYS], days, NEVER, 0.0, 0, 0, 0);
    }

    /** A profile as persisted earlier; see the accessors for what each part is. */
    public static WeeklyProfile of(double[] factor, int[] weeks, double[] dayMean, long[] meanDay, long currentDay,
            double currentSum, long currentCount, long firstOffset, long lastOffset) {
        if (factor.length != DAYS || weeks.length != DAYS || dayMean.length != DAYS || meanDay.length != DAYS
                || Arrays.stream(factor).anyMatch(f -> !(f > 0) || !Double.isFinite(f))
                || Arrays.stream(weeks).anyMatch(w -> w < 0)
                || Arrays.stream(dayMean).anyMatch(m -> !Double.isFinite(m))
                || !Double.isFinite(currentSum) || currentCount < 0 || firstOffset < 0 || lastOffset < firstOffset
                || lastOffset >= MILLIS_PER_DAY) {
            throw new IllegalArgumentException("Invalid weekly profile: factors " + Arrays.toString(factor)
                    + ", weeks " + Arrays.toString(weeks) + ", current day count " + currentCount + " from "
                    + firstOffset + " to " + lastOffset);
        }
        return new WeeklyProfile(factor.clone(), weeks.clone(), dayMean.clone(), meanDay.clone(), currentDay,
                currentSum, currentCount, firstOffset, lastOffset);
    }

    /**
     * The factor the cost at {@code timestamp} is divided by: its weekday's, once every weekday has been observed at
     * least {@code minWeeks} times and the pattern is strong ({@link #MIN_STRENGTH}); 1 otherwise, and always when
     * {@code minWeeks} is 0 (the profile is off).
     */
    double factor(long timestamp, int minWeeks) {
        if (!active(minWeeks)) {
            return 1.0;
        }
        return factor[weekday(Math.floorDiv(timestamp, MILLIS_PER_DAY))];
    }

    /**
     * Whether the factors are in use: every weekday observed at least {@code minWeeks} (> 0) times, and some weekday
     * at least {@link #MIN_STRENGTH} times off its week's mean.
     */
    boolean active(int minWeeks) {
        return minWeeks > 0 && Arrays.stream(weeks).allMatch(w -> w >= minWeeks)
                && Arrays.stream(factor).anyMatch(f -> f >= MIN_STRENGTH || f <= 1.0 / MIN_STRENGTH);
    }

    /**
     * Adds a learned (raw, not divided) value to its day; the first value of a new day folds the previous day into
     * its weekday's factor (EWMA weight {@code weight} across weeks) when it and its week are complete.
     */
    void learn(long timestamp, double value, double weight) {
        long day = Math.floorDiv(timestamp, MILLIS_PER_DAY);
        long offset = Math.floorMod(timestamp, MILLIS_PER_DAY);
        if (day != currentDay) {
            if (currentDay != NEVER && day > currentDay) {
                fold(weight);
            }
            if (currentDay == NEVER || day > currentDay) {
                currentDay = day;
                currentSum = 0.0;
                currentCount = 0;
                firstOffset = offset;
                lastOffset = offset;
            } else {
                // A straggler of an earlier day (out of order beyond the settle horizon): its day is closed.
                return;
            }
        }
        currentSum += value;
        currentCount++;
        firstOffset = Math.min(firstOffset, offset);
        lastOffset = Math.max(lastOffset, offset);
    }

    private void fold(double weight) {
        boolean complete = currentCount > 0 && firstOffset < EDGE_MILLIS && lastOffset >= MILLIS_PER_DAY - EDGE_MILLIS;
        if (!complete) {
            return;
        }
        int weekday = weekday(currentDay);
        dayMean[weekday] = currentSum / currentCount;
        meanDay[weekday] = currentDay;
        double weekSum = 0.0;
        for (int d = 0; d < DAYS; d++) {
            if (meanDay[d] == NEVER || meanDay[d] <= currentDay - DAYS) {
                return;
            }
            weekSum += dayMean[d];
        }
        double weekMean = weekSum / DAYS;
        if (!(weekMean > 0)) {
            return;
        }
        double ratio = Math.max(1.0 / MAX_FACTOR, Math.min(MAX_FACTOR, dayMean[weekday] / weekMean));
        factor[weekday] = weeks[weekday] == 0 ? ratio : factor[weekday] + weight * (ratio - factor[weekday]);
        if (weeks[weekday] < Integer.MAX_VALUE) {
            weeks[weekday]++;
        }
    }

    /** Monday = 0 ... Sunday = 6 of a day since the epoch (1970-01-01 was a Thursday). */
    static int weekday(long epochDay) {
        return (int) Math.floorMod(epochDay + 3, DAYS);
    }

    /** Per weekday (Monday first) its factor: its mean over its week's, an EWMA across weeks; 1 until observed. */
    public double[] factors() {
        return factor.clone();
    }

    /** Per weekday how many complete weeks taught its factor. */
    public int[] weeks() {
        return weeks.clone();
    }

    /** Per weekday the mean cost of its last complete day. */
    public double[] dayMeans() {
        return dayMean.clone();
    }

    /** Per weekday the day (since the epoch, UTC) of {@link #dayMeans()}, {@link #NEVER} if none. */
    public long[] meanDays() {
        return meanDay.clone();
    }

    /** The day being summed (since the epoch, UTC), {@link #NEVER} before any value. */
    public long currentDay() {
        return currentDay;
    }

    public double currentSum() {
        return currentSum;
    }

    public long currentCount() {
        return currentCount;
    }

    /** Offset in the current day of its first value seen (millis). */
    public long firstOffset() {
        return firstOffset;
    }

    /** Offset in the current day of its last value seen (millis). */
    public long lastOffset() {
        return lastOffset;
    }
}
