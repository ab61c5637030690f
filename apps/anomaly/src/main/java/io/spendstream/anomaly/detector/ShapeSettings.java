package io.spendstream.anomaly.detector;

/**
 * Tuning of the shape model ({@link ShapeMemory}): a score is made less rare the more familiar the context of its
 * value (a burst the series has made before, from the same level to the same height) and rarer when the context
 * was never seen.
 *
 * @param capacity  contexts kept per series (0: off, the detector without a shape model)
 * @param quantum   the log-scale bin width: values {@code 1 + quantum} apart fall in neighbouring bins
 * @param order     values in a context: 2 (the previous window's and this one's) or 3 (two before this one)
 * @param familiar  a score's tail probability is multiplied by {@code 1 + familiar * count} for a context seen
 *                  {@code count} times lately (0: familiarity changes nothing)
 * @param novel     and by this for a context never seen (1: novelty changes nothing; below 1 a new context is rarer)
 * @param memory    windows a context's count is remembered (a decay of {@code 1 - 1/memory} per learned window)
  * @param share     and this times the context's share of the windows learned lately is added to it (0: nothing)
 * @param reach     contexts whose values are at most this many bins from this one's count as the same (order 2)
 */
public record ShapeSettings(int capacity, double quantum, int order, double familiar, double novel, int memory, int reach, double share) {

    public ShapeSettings {
        if (capacity < 0 || capacity > 1024) {
            throw new IllegalArgumentException("shape capacity must be in [0, 1024] (0 = off)");
        }
        if (!(quantum > 0 && quantum <= 10)) {
            throw new IllegalArgumentException("shape quantum must be in (0, 10]");
        }
        if (order != 2 && order != 3) {
            throw new IllegalArgumentException("shape order must be 2 or 3");
        }
        if (!(familiar >= 0) || !(novel > 0 && novel <= 1)) {
            throw new IllegalArgumentException("shape familiar must be >= 0 and novel in (0, 1]");
        }
        if (!(share >= 0)) {
            throw new IllegalArgumentException("shape share must not be negative");
        }
        if (reach < 0) {
            throw new IllegalArgumentException("shape reach must not be negative");
        }
        if (memory < 1) {
            throw new IllegalArgumentException("shape memory must be at least one window");
        }
    }

    /**
     * The production shape model (issue 17, chosen on NAB: module README): 32 contexts of two values in bins 9%
     * apart, a familiar context's tail probability times {@code 1 + 0.1 * count}, counts remembered ~2,000 windows.
     */
    public static ShapeSettings defaults() {
        return new ShapeSettings(32, 0.09, 2, 0.1, 1.0, 2000, 0, 0.0);
    }

    /** The shape model off. */
    public static ShapeSettings off() {
        return new ShapeSettings(0, 0.1, 2, 0.0, 1.0, 5000, 0, 0.0);
    }

    public boolean enabled() {
        return capacity > 0;
    }

    /** The decay of a context's count per learned window. */
    double keep() {
        return 1.0 - 1.0 / memory;
    }
}
