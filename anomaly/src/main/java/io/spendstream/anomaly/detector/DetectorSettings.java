package io.spendstream.anomaly.detector;

/**
 * Tuning of {@link CostDetector}: how fast the baseline learns, how long it warms up, how it protects itself against
 * a flat series and against incidents, and how a z-score maps to a score in [0,1].
 *
 * @param alpha          EWMA weight of a new window for level and deviation; 0.05 is an effective memory of about
 *                       {@code 2/alpha - 1 = 39} windows (40 minutes of 1-minute windows)
 * @param warmupWindows  settled windows learned before the detector scores anything
 * @param relativeFloor  the scale is at least this fraction of the level, so a perfectly flat series does not turn
 *                       a 1% wobble into a huge z
 * @param absoluteFloor  plus this amount (currency units per window), so a zero level still has a scale
 * @param scoreScale     {@code k} in {@code score = 1 - exp(-max(z,0)/k)}
 * @param anomalousScore score at or above which an update is anomalous (it opens an anomaly)
 * @param clipSigmas     once warm, a window is learned clipped to {@code level +/- clipSigmas * scale} (Huber-style),
 *                       so neither an incident nor a window learned before all its data arrived moves the baseline
 *                       by more than {@code alpha * clipSigmas} sigma
 * @param spreadAlpha    EWMA weight of the slow long-run spread, {@code |x - level|} learned unclipped; its sigma is
 *                       a floor of the scale, so a series that sits near zero between bursts keeps the scale of its
 *                       bursts instead of collapsing to the absolute floor (0.001: a memory of ~2,000 windows)
 * @param peakDecay      per learned window, the remembered peak z is multiplied by this (0.998: a half-life of ~350
 *                       windows)
 * @param peakFloor      z at and below which the peak calibration does nothing: the z of the anomalous score, so a
 *                       steady series scores exactly as an uncalibrated z would
 * @param peakMargin     the peak is scaled by this before it calibrates: the peak of windows learned earlier lags
 *                       behind the z of the next burst like them (the scale shrank since, the peak decayed), so
 *                       without a margin a regular burst stays just anomalous for ever
 * @param peakCap        a learned z counts towards the peak at most this much, so one incident on a collapsed scale
 *                       (z of 10^14) does not silence the series for ever
 * @param twoSided       whether drops score too ({@code |z|}) or only rises ({@code max(z, 0)}, a cost detector)
 */
public record DetectorSettings(double alpha, int warmupWindows, double relativeFloor, double absoluteFloor,
        double scoreScale, double anomalousScore, double clipSigmas, double spreadAlpha, double peakDecay,
        double peakFloor, double peakMargin, double peakCap, boolean twoSided) {

    public DetectorSettings {
        require(alpha > 0 && alpha <= 1, "alpha must be in (0, 1]");
        require(warmupWindows >= 1, "warm-up must be at least one window");
        require(relativeFloor >= 0 && absoluteFloor > 0, "floors must be non-negative, the absolute one positive");
        require(scoreScale > 0, "score scale must be positive");
        require(anomalousScore > 0 && anomalousScore < 1, "anomalous score must be in (0, 1)");
        require(clipSigmas > 0, "clip sigmas must be positive");
        require(spreadAlpha > 0 && spreadAlpha <= 1, "spread alpha must be in (0, 1]");
        require(peakDecay >= 0 && peakDecay < 1, "peak decay must be in [0, 1)");
        require(peakFloor > 0 && peakCap >= peakFloor, "peak floor must be positive and at most the peak cap");
        require(peakMargin >= 1, "peak margin must be at least 1");
    }

    /**
     * Defaults. Anomalous from score 0.9975, i.e. z = 6 robust sigmas: measured over 1,000,000 windows of Gaussian
     * noise (sd 5% and 10%) the detector crosses z 4.6 (score 0.99) 2 and 32 times, z 6 never; a 10x spike still
     * scores z = 13 on the first sixth of its window and a 2x spike crosses z 6 two thirds into its first window.
     * With the 5% relative floor a window must be at least 30% above its baseline to be anomalous.
     *
     * <p>Slow spread (alpha 0.001), peak calibration (decay 0.998, floor z 6 = the anomalous score, margin 1.25,
     * cap z 100) and
     * rises only: the configuration chosen on the NAB benchmark, see the module README for the numbers.
     */
    public static DetectorSettings defaults() {
        return new DetectorSettings(0.05, 10, 0.05, 1e-6, 1.0, 0.9975, 3.0, 0.001, 0.998, 6.0, 1.25, 30.0, false);
    }

    /** The same settings, scoring drops too or not. */
    public DetectorSettings withTwoSided(boolean scoreDrops) {
        return new DetectorSettings(alpha, warmupWindows, relativeFloor, absoluteFloor, scoreScale, anomalousScore,
                clipSigmas, spreadAlpha, peakDecay, peakFloor, peakMargin, peakCap, scoreDrops);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
