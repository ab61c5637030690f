package io.spendstream.anomaly.detector;

import java.util.Arrays;

/**
 * What the slow-leak rule ({@link LeakRule}) keeps for one series: the mean settled window cost of each of the last
 * {@link #RING_HOURS} complete hours (a ring by hour; NaN = no window learned in that hour), the hour
 * being summed, and the open leak. About 35 numbers. Mutable; changed only by {@link LeakRule}.
 */
public final class LeakWatch {

    /** {@link #hour()} before the first window, {@link #openedAt()} when no leak is open. */
    public static final long NONE = Long.MIN_VALUE;
    /** Complete hours kept: a day, up to {@link LeakSettings#MAX_RISING_HOURS} rising hours, and two to spare. */
    public static final int RING_HOURS = 36;

    private final double[] means;
    private long hour;
    private double sum;
    private long count;
    private long openedAt;
    private double excess;
    private double peak;

    private LeakWatch(double[] means, long hour, double sum, long count, long openedAt, double excess, double peak) {
        this.means = means;
        this.hour = hour;
        this.sum = sum;
        this.count = count;
        this.openedAt = openedAt;
        this.excess = excess;
        this.peak = peak;
    }

    public static LeakWatch empty() {
        double[] means = new double[RING_HOURS];
        Arrays.fill(means, Double.NaN);
        return new LeakWatch(means, NONE, 0, 0, NONE, 0, 0);
    }

    /** As persisted; a ring of another size starts over, the hour being summed kept. */
    public static LeakWatch of(double[] means, long hour, double sum, long count, long openedAt, double excess,
            double peak) {
        if (means.length != RING_HOURS) {
            LeakWatch fresh = empty();
            fresh.hour = hour;
            fresh.sum = sum;
            fresh.count = count;
            return fresh;
        }
        return new LeakWatch(means.clone(), hour, sum, count, openedAt, excess, peak);
    }

    public double[] means() {
        return means.clone();
    }

    /** The hour being summed (hours since the epoch, UTC), {@link #NONE} before the first window. */
    public long hour() {
        return hour;
    }

    public double sum() {
        return sum;
    }

    public long count() {
        return count;
    }

    /** Start of the open leak (epoch ms), {@link #NONE} when none is open. */
    public long openedAt() {
        return openedAt;
    }

    public boolean isOpen() {
        return openedAt != NONE;
    }

    /** The open leak's cost above the same hours the day before, so far. */
    public double excess() {
        return excess;
    }

    /** The open leak's highest hourly mean window cost. */
    public double peak() {
        return peak;
    }

    /** Mean window cost of the complete hour {@code h}, NaN when unknown (out of the ring, or no window learned). */
    double mean(long h) {
        if (hour == NONE || h >= hour || h < hour - means.length) {
            return Double.NaN;
        }
        return means[(int) Math.floorMod(h, (long) means.length)];
    }

    /** Adds a settled window of hour {@code h}; returns the hours completed by it (oldest first), maybe none. */
    long[] add(long h, double cost) {
        long[] completed = new long[0];
        if (hour == NONE) {
            hour = h;
        } else if (h > hour) {
            long from = hour;
            int n = (int) Math.min(h - from, means.length);
            completed = new long[] {from};
            put(from, count == 0 ? Double.NaN : sum / count);
            for (long empty = Math.max(from + 1, h - n); empty < h; empty++) {
                put(empty, Double.NaN);
            }
            hour = h;
            sum = 0;
            count = 0;
        } else if (h < hour) {
            // Settled windows come in window order; one learned early (pending cap) may be older: not summed.
            return completed;
        }
        sum += cost;
        count++;
        return completed;
    }

    private void put(long h, double mean) {
        means[(int) Math.floorMod(h, (long) means.length)] = mean;
    }

    void open(long startedAt, double firstExcess, double hourMean) {
        openedAt = startedAt;
        excess = firstExcess;
        peak = hourMean;
    }

    void active(double hourExcess, double hourMean) {
        excess += hourExcess;
        peak = Math.max(peak, hourMean);
    }

    void resolve() {
        openedAt = NONE;
        excess = 0;
        peak = 0;
    }
}
