package io.spendstream.anomaly.detector;

/**
 * Everything the cost-spike detection keeps for one series (one service): the learned {@link Baseline}, the
 * current window with its latest partial cost, and the open {@link Incident}. This is the value of the anomaly app's
 * state store; it is mutable and changed only by {@link CostSpikeLifecycle}.
 */
public final class DetectorState {

    private final Baseline baseline;
    private CurrentWindow current;
    private Incident incident;

    public DetectorState(Baseline baseline, CurrentWindow current, Incident incident) {
        this.baseline = baseline;
        this.current = current;
        this.incident = incident;
    }

    public static DetectorState empty() {
        return new DetectorState(Baseline.empty(), null, null);
    }

    public Baseline baseline() {
        return baseline;
    }

    /** The newest window seen, or null before the first update. */
    public CurrentWindow current() {
        return current;
    }

    /** The open anomaly, or null. */
    public Incident incident() {
        return incident;
    }

    public boolean isOpen() {
        return incident != null;
    }

    void current(CurrentWindow window) {
        current = window;
    }

    void incident(Incident open) {
        incident = open;
    }
}
