package io.spendstream.anomaly.nab;

import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What each row of one series would be worth if it were a detection, independent of the profile and the threshold:
 * NAB's sweep ({@code nab/sweeper.py}, {@code calcSweepScore}), computed once per series and reused for every
 * profile and threshold.
 *
 * <ul>
 *   <li><b>Probation</b>: the first {@code min(floor(0.15 n), 0.15 * 5000)} rows are not scored at all.</li>
 *   <li><b>Inside a window</b> {@code [L, R]} of {@code W} rows, row {@code i} is worth
 *       {@code S(-(R - i + 1) / W) / S(-1)} times the TP weight: 1 at the window's first row, falling towards 0 at
 *       its last, and only the best (earliest) detection of a window counts.</li>
 *   <li><b>Outside</b>, row {@code i} after a window ending at {@code R'} with {@code W'} rows is worth
 *       {@code S(|i - R'| / (W' - 1))} times the FP weight (a negative number, small right after the window, -1 from
 *       three window widths on); before the first window, or in a series without windows, -1.</li>
 * </ul>
 * {@code S(y) = 2 / (1 + e^(5y)) - 1}, and -1 for {@code y >= 3}. Windows are entered when a row's timestamp equals
 * the window start and left at the row equal to its end; their widths count rows from the first row carrying
 * each bound, as NAB's {@code timestamps.index} does.
 */
public final class NabSweep {

    static final double PROBATION_FRACTION = 0.15;
    /** NAB caps probation at 15% of 5000 rows. */
    static final double PROBATION_CAP = PROBATION_FRACTION * 5000;
    /** Marks a row outside every window. */
    static final int OUTSIDE = -1;

    private final NabSeries series;
    private final int probationRows;
    private final int[] window;
    private final double[] worth;
    private final int windowCount;

    private NabSweep(NabSeries series, int probationRows, int[] window, double[] worth, int windowCount) {
        this.series = series;
        this.probationRows = probationRows;
        this.window = window;
        this.worth = worth;
        this.windowCount = windowCount;
    }

    public static NabSweep of(NabSeries series, List<NabWindow> windows) {
        List<LocalDateTime> timestamps = series.timestamps();
        int n = timestamps.size();
        int[] window = new int[n];
        double[] worth = new double[n];
        double maxTruePositive = scaledSigmoid(-1.0);
        Deque<NabWindow> ahead = new ArrayDeque<>(windows);
        NabWindow current = null;
        int currentOrdinal = -1;
        int currentRight = 0;
        double currentWidth = 0;
        int previousRight = -1;
        double previousWidth = 0;
        for (int i = 0; i < n; i++) {
            LocalDateTime t = timestamps.get(i);
            if (!ahead.isEmpty() && t.equals(ahead.peekFirst().start())) {
                current = ahead.pollFirst();
                currentOrdinal++;
                currentRight = indexOf(timestamps, current.end(), series.key());
                currentWidth = currentRight - indexOf(timestamps, current.start(), series.key()) + 1;
            }
            if (current != null) {
                window[i] = currentOrdinal;
                worth[i] = scaledSigmoid(-(currentRight - i + 1) / currentWidth) / maxTruePositive;
            } else {
                window[i] = OUTSIDE;
                double positionPastWindow = previousRight < 0 ? 3.0 : Math.abs(previousRight - i) / (previousWidth - 1);
                worth[i] = scaledSigmoid(positionPastWindow);
            }
            if (current != null && t.equals(current.end())) {
                previousRight = i;
                previousWidth = currentWidth;
                current = null;
            }
        }
        if (!ahead.isEmpty() || current != null) {
            // NAB would silently stop scoring windows here; a bound that matches no row is a data error.
            throw new IllegalArgumentException(series.key() + ": window " + (current != null ? current : ahead.peekFirst())
                    + " does not start and end on rows of the series");
        }
        return new NabSweep(series, probationRows(n), window, worth, windows.size());
    }

    /** NAB's scaled sigmoid: {@code 2 / (1 + e^(5y)) - 1}, and -1 from {@code y = 3} on. */
    static double scaledSigmoid(double relativePosition) {
        if (relativePosition >= 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
    }

    static int probationRows(int rows) {
        return (int) Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_CAP);
    }

    private static int indexOf(List<LocalDateTime> timestamps, LocalDateTime t, String key) {
        int index = timestamps.indexOf(t);
        if (index < 0) {
            throw new IllegalArgumentException(key + ": window bound " + t + " is not a row timestamp");
        }
        return index;
    }

    /** The same rows, windows and worths with another detector's scores. */
    public NabSweep withScores(double[] scores) {
        return new NabSweep(series.withScores(scores), probationRows, window, worth, windowCount);
    }

    public NabSeries series() {
        return series;
    }

    public int size() {
        return worth.length;
    }

    public int probationRows() {
        return probationRows;
    }

    public boolean isScored(int row) {
        return row >= probationRows;
    }

    /** The window (ordinal within the series) the row is in, or -1 outside every window. */
    public int windowOf(int row) {
        return window[row];
    }

    public boolean inWindow(int row) {
        return window[row] != OUTSIDE;
    }

    /**
     * The row's worth as a detection before the profile's weight: in a window the TP fraction in (0, 1], outside
     * the (negative) FP fraction in [-1, 0).
     */
    public double worth(int row) {
        return worth[row];
    }

    /** Every labelled window of the series, those in probation too (the perfect score counts them all). */
    public int windowCount() {
        return windowCount;
    }
}
