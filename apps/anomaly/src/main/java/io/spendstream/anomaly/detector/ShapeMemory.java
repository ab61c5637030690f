package io.spendstream.anomaly.detector;

import java.util.Arrays;

/**
 * A bounded memory of the series' recent <em>shapes</em>: how often each context (the quantised value of a window
 * and of the windows just before it) was seen, so {@link CostDetector} can tell a burst the series has made many
 * times (its rise from the same level to the same height) from a new one. A small dictionary of {@code capacity}
 * contexts, each with a decaying count; when it is full the context with the smallest decayed count gives way (the
 * least used and least recent). Values are quantised on a log scale (bins {@code (1 + quantum)} apart, zero and
 * negative values in bins of their own), so a context means the same whatever the level is later, and no minimum,
 * maximum or length of the series is needed in advance. Mutable; only {@link CostDetector#learn} changes it.
 */
public final class ShapeMemory {

    /** The bin of a value of zero (and of anything below the smallest positive bin). */
    static final int ZERO_BIN = Integer.MIN_VALUE + 1;
    /** No window learned yet: there is no context before the first. */
    static final int NO_BIN = Integer.MIN_VALUE;
    /** Added to the bin of a negative value's magnitude (positive bins of real values stay within +/- 10^5). */
    static final int NEGATIVE_OFFSET = 1 << 24;
    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] keys;
    private final double[] counts;
    private final long[] lastSeen;
    private long clock;
    private double total;
    private int previousBin;
    private int beforePreviousBin;

    private ShapeMemory(long[] keys, double[] counts, long[] lastSeen, long clock, int previousBin,
            int beforePreviousBin) {
        this.keys = keys;
        this.counts = counts;
        this.lastSeen = lastSeen;
        this.clock = clock;
        this.previousBin = previousBin;
        this.beforePreviousBin = beforePreviousBin;
    }

    /** An empty memory of {@code capacity} contexts (0: the shape model is off and nothing is kept). */
    public static ShapeMemory empty(int capacity) {
        long[] keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        return new ShapeMemory(keys, new double[capacity], new long[capacity], 0, NO_BIN, NO_BIN);
    }

    /**
     * A memory as persisted earlier: per remembered context its key, its count when last seen and how many windows
     * ago that was; the windows learned, their decayed total and the last two values' bins.
     */
    public static ShapeMemory of(int capacity, long[] contextKeys, double[] contextCounts, long[] ages, long clock,
            double total, int previousBin, int beforePreviousBin) {
        if (contextKeys.length > capacity || contextCounts.length != contextKeys.length
                || ages.length != contextKeys.length || clock < 0 || !(total >= 0) || !Double.isFinite(total)) {
            throw new IllegalArgumentException("Invalid shape memory: " + contextKeys.length + " contexts of "
                    + capacity + ", " + contextCounts.length + " counts, " + ages.length + " ages, clock " + clock
                    + ", total " + total);
        }
        ShapeMemory memory = empty(capacity);
        for (int i = 0; i < contextKeys.length; i++) {
            if (contextKeys[i] == EMPTY || !(contextCounts[i] >= 0) || ages[i] < 0 || ages[i] > clock) {
                throw new IllegalArgumentException("Invalid shape context " + i + ": count " + contextCounts[i]
                        + ", age " + ages[i]);
            }
            memory.keys[i] = contextKeys[i];
            memory.counts[i] = contextCounts[i];
            memory.lastSeen[i] = clock - ages[i];
        }
        memory.clock = clock;
        memory.total = total;
        memory.previousBin = previousBin;
        memory.beforePreviousBin = beforePreviousBin;
        return memory;
    }

    public int capacity() {
        return keys.length;
    }

    /** The remembered contexts' keys (only the slots in use, in slot order). */
    public long[] contextKeys() {
        return Arrays.copyOf(keys, used());
    }

    /** Their counts when last seen. */
    public double[] contextCounts() {
        return Arrays.copyOf(counts, used());
    }

    /** How many learned windows ago each was last seen. */
    public long[] ages() {
        long[] ages = new long[used()];
        for (int i = 0; i < ages.length; i++) {
            ages[i] = clock - lastSeen[i];
        }
        return ages;
    }

    /** Windows learned. */
    public long clock() {
        return clock;
    }

    public int previousBin() {
        return previousBin;
    }

    public int beforePreviousBin() {
        return beforePreviousBin;
    }

    /** Slots fill in order and are never emptied, so the used ones are a prefix. */
    private int used() {
        int used = 0;
        while (used < keys.length && keys[used] != EMPTY) {
            used++;
        }
        return used;
    }

    /**
     * How familiar the context of {@code value} after the windows learned so far is: its count, decayed by
     * {@code keep} per learned window since it was last seen; 0 for a context never seen (or forgotten), and before
     * {@code order - 1} windows were learned.
     */
    double familiarity(double value, ShapeSettings shape, double keep) {
        long key = key(value, shape);
        if (key == EMPTY) {
            return 0.0;
        }
        if (shape.reach() == 0 || shape.order() == 3) {
            int slot = find(key);
            return slot < 0 ? 0.0 : decayed(slot, keep);
        }
        // Contexts within reach bins of this one in both values count too: a burst to about the same height.
        int previous = (int) (key >> 32);
        int current = (int) key;
        double count = 0.0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY && Math.abs((long) (int) (keys[i] >> 32) - previous) <= shape.reach()
                    && Math.abs((long) (int) keys[i] - current) <= shape.reach()) {
                count += decayed(i, keep);
            }
        }
        return count;
    }

    /** The decayed number of windows learned: what a context's count is a share of. */
    public double total() {
        return total;
    }

    /** Learns the context of one more window: its count grows by one; a new one may push out the least used. */
    void learn(double value, ShapeSettings shape, double keep) {
        long key = key(value, shape);
        clock++;
        total = total * keep + 1.0;
        if (key != EMPTY && keys.length > 0) {
            int slot = find(key);
            if (slot < 0) {
                slot = leastUsed(keep);
                keys[slot] = key;
                counts[slot] = 0.0;
            } else {
                counts[slot] = decayed(slot, keep);
            }
            // At the precision the state keeps (an Avro float, DetectorStateSerde): the app keeps a series as an
            // object between commits (WriteBackKeyValueStore), and after a crash reads it back and replays the records
            // since; both must learn on alike.
            counts[slot] = (float) (counts[slot] + 1.0);
            lastSeen[slot] = clock;
        }
        beforePreviousBin = previousBin;
        previousBin = bin(value, shape.quantum());
    }

    /** The context key of {@code value} after the windows learned so far, or {@code EMPTY} without enough of them. */
    private long key(double value, ShapeSettings shape) {
        int current = bin(value, shape.quantum());
        if (previousBin == NO_BIN || (shape.order() == 3 && beforePreviousBin == NO_BIN)) {
            return EMPTY;
        }
        long pair = ((long) previousBin << 32) ^ (current & 0xffffffffL);
        // A third value is folded in by a multiplicative hash: a rare collision only makes a context look familiar.
        return shape.order() == 3 ? pair * 0x9E3779B97F4A7C15L + beforePreviousBin : pair;
    }

    static int bin(double value, double quantum) {
        double magnitude = Math.abs(value);
        if (!(magnitude > 1e-12)) {
            return ZERO_BIN;
        }
        int bin = (int) Math.floor(Math.log(magnitude) / Math.log1p(quantum));
        // Negative values (a refund-heavy window) get bins of their own, far from any positive one.
        return value > 0 ? bin : NEGATIVE_OFFSET + bin;
    }

    private int find(long key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    private double decayed(int slot, double keep) {
        return counts[slot] * Math.pow(keep, clock - lastSeen[slot]);
    }

    private int leastUsed(double keep) {
        int least = 0;
        double leastCount = Double.MAX_VALUE;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == EMPTY) {
                return i;
            }
            double count = decayed(i, keep);
            if (count < leastCount) {
                least = i;
                leastCount = count;
            }
        }
        return least;
    }
}
