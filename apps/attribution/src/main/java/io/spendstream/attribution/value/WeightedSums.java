package io.spendstream.attribution.value;

import java.math.BigDecimal;
import java.math.MathContext;

import io.spendstream.attribution.avro.WeightedSumsRecord;

/**
 * The sums of a weighted least-squares line of {@code y} against {@code x}: n, Σw, Σwx, Σwx², Σwy, Σwxy, Σwy². A
 * fixed number of numbers however many samples went in, and sums of two are the sums of their samples, so a trailing
 * window is the sum of its hours' sums. BigDecimal at {@link MathContext#DECIMAL128} (34 significant digits): money
 * samples (cost) go in exactly, and a derived sample such as conversions²/requests is rounded to 34 digits. Immutable.
 */
public record WeightedSums(long n, BigDecimal w, BigDecimal wx, BigDecimal wxx, BigDecimal wy, BigDecimal wxy,
        BigDecimal wyy) {

    public static final MathContext MC = MathContext.DECIMAL128;
    public static final WeightedSums EMPTY = new WeightedSums(0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
            BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    /**
     * A fitted line: {@code y = intercept + slope x}, the slope's standard error, and what it rests on.
     *
     * @param slopeStandardError sqrt(residual variance per unit weight / Sxx); residual variance = SSE / (n - 2)
     * @param meanX              the weighted mean of x
     */
    public record Line(BigDecimal slope, BigDecimal slopeStandardError, BigDecimal meanX, long n, BigDecimal w) {

        /** slope / standard error, as a double: a statistic to compare with a threshold, never money. */
        public double tValue() {
            if (slopeStandardError.signum() == 0) {
                return slope.signum() == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, slope.doubleValue());
            }
            return slope.divide(slopeStandardError, MC).doubleValue();
        }
    }

    /** One sample window: weight {@code w}, and {@code wy} given as such (e.g. conversions = requests x rate). */
    public static WeightedSums ofWeighted(BigDecimal w, BigDecimal x, BigDecimal wy) {
        BigDecimal y = w.signum() == 0 ? BigDecimal.ZERO : wy.divide(w, MC);
        BigDecimal wx = w.multiply(x, MC);
        return new WeightedSums(1, w, wx, wx.multiply(x, MC), wy, wy.multiply(x, MC), wy.multiply(y, MC));
    }

    /** One sample window of weight 1. */
    public static WeightedSums of(BigDecimal x, BigDecimal y) {
        return ofWeighted(BigDecimal.ONE, x, y);
    }

    public WeightedSums plus(WeightedSums o) {
        return new WeightedSums(n + o.n, w.add(o.w, MC), wx.add(o.wx, MC), wxx.add(o.wxx, MC), wy.add(o.wy, MC),
                wxy.add(o.wxy, MC), wyy.add(o.wyy, MC));
    }

    /** Weighted mean of x; null without weight. */
    public BigDecimal meanX() {
        return w.signum() == 0 ? null : wx.divide(w, MC);
    }

    /** Weighted mean of y; null without weight. */
    public BigDecimal meanY() {
        return w.signum() == 0 ? null : wy.divide(w, MC);
    }

    /** Σw(x - x̄)²: how much x varies. */
    public BigDecimal sxx() {
        return w.signum() == 0 ? BigDecimal.ZERO : wxx.subtract(wx.multiply(wx, MC).divide(w, MC), MC);
    }

    /**
     * The least-squares line, or null with fewer than 3 samples or when x does not vary (no slope can be told). The
     * residual variance is clipped at zero (rounding can make a perfect fit a hair negative).
     */
    public Line fit() {
        BigDecimal sxx = sxx();
        if (n < 3 || sxx.signum() <= 0) {
            return null;
        }
        BigDecimal sxy = wxy.subtract(wx.multiply(wy, MC).divide(w, MC), MC);
        BigDecimal syy = wyy.subtract(wy.multiply(wy, MC).divide(w, MC), MC);
        BigDecimal slope = sxy.divide(sxx, MC);
        BigDecimal sse = syy.subtract(slope.multiply(sxy, MC), MC).max(BigDecimal.ZERO);
        BigDecimal variance = sse.divide(BigDecimal.valueOf(n - 2), MC);
        BigDecimal standardError = variance.divide(sxx, MC).sqrt(MC);
        return new Line(slope, standardError, wx.divide(w, MC), n, w);
    }

    public WeightedSumsRecord toRecord() {
        return new WeightedSumsRecord(n, w.toString(), wx.toString(), wxx.toString(), wy.toString(), wxy.toString(),
                wyy.toString());
    }

    public static WeightedSums fromRecord(WeightedSumsRecord r) {
        return new WeightedSums(r.getN(), new BigDecimal(r.getW()), new BigDecimal(r.getWx()),
                new BigDecimal(r.getWxx()), new BigDecimal(r.getWy()), new BigDecimal(r.getWxy()),
                new BigDecimal(r.getWyy()));
    }
}
