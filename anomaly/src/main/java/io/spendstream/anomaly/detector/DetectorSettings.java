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
 */
public record DetectorSettings(double alpha, int warmupWindows, double relativeFloor, double absoluteFloor,
        double scoreScale, double anomalousScore, double clipSigmas) {

    public DetectorSettings {
        require(alpha > 0 && alpha <= 1, "alpha must be in (0, 1]");
        require(warmupWindows >= 1, "warm-up must be at least one window");
        require(relativeFloor >= 0 && absoluteFloor > 0, "floors must be non-negative, the absolute one positive");
        require(scoreScale > 0, "score scale must be positive");
        require(anomalousScore > 0 && anomalousScore < 1, "anomalous score must be in (0, 1)");
        require(clipSigmas > 0, "clip sigmas must be positive");
    }

    /**
     * Defaults. Anomalous from score 0.9975, i.e. z = 6 robust sigmas: measured over 1,000,000 windows of Gaussian
     * noise (sd 5% and 10%) the detector crosses z 4.6 (score 0.99) 2 and 32 times, z 6 never; a 10x spike still
     * scores z = 13 on the first sixth of its window and a 2x spike crosses z 6 two thirds into its first window.
     * With the 5% relative floor a window must be at least 30% above its baseline to be anomalous.
     */
    public static DetectorSettings defaults() {
        return new DetectorSettings(0.05, 10, 0.05, 1e-6, 1.0, 0.9975, 3.0);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
