package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;

/**
 * The open anomaly of one series: a spike or a drop, what it is called, since when, how bad it got and how many quiet
 * windows it has seen since it was last active. Mutable; {@link CostSpikeLifecycle} changes it.
 */
public final class Incident {

    private final AnomalyType type;
    private final String anomalyId;
    private final long startedAt;
    private Severity severity;
    private BigDecimal peakObserved;
    private BigDecimal excessCost;
    private int quietWindows;
    private long lastActiveWindowEnd;

    public Incident(AnomalyType type, String anomalyId, long startedAt, Severity severity, BigDecimal peakObserved,
            BigDecimal excessCost, int quietWindows, long lastActiveWindowEnd) {
        if (type != AnomalyType.COST_SPIKE && type != AnomalyType.COST_DROP) {
            throw new IllegalArgumentException("a cost incident is a COST_SPIKE or a COST_DROP, not " + type);
        }
        this.type = type;
        this.anomalyId = anomalyId;
        this.startedAt = startedAt;
        this.severity = severity;
        this.peakObserved = peakObserved;
        this.excessCost = excessCost;
        this.quietWindows = quietWindows;
        this.lastActiveWindowEnd = lastActiveWindowEnd;
    }

    /** {@code COST_SPIKE} or {@code COST_DROP}. */
    public AnomalyType type() {
        return type;
    }

    public boolean isDrop() {
        return type == AnomalyType.COST_DROP;
    }

    public String anomalyId() {
        return anomalyId;
    }

    public long startedAt() {
        return startedAt;
    }

    /** The highest severity reached: an incident never de-escalates. */
    public Severity severity() {
        return severity;
    }

    /** The highest cost of a window while open; for a drop the lowest (its trough). */
    public BigDecimal peakObserved() {
        return peakObserved;
    }

    /**
     * Sum of observed - expected over the incident's finished active windows (as they were when counted): negative
     * for a drop, the spend missing.
     */
    public BigDecimal excessCost() {
        return excessCost;
    }

    public int quietWindows() {
        return quietWindows;
    }

    /** End of the last window that was not quiet: when the excess spend stopped. */
    public long lastActiveWindowEnd() {
        return lastActiveWindowEnd;
    }

    void escalateTo(Severity newSeverity) {
        severity = newSeverity;
    }

    void active(BigDecimal observed, BigDecimal excess, long windowEnd) {
        peakObserved = isDrop() ? peakObserved.min(observed) : peakObserved.max(observed);
        excessCost = excessCost.add(excess);
        quietWindows = 0;
        // Windows may be counted out of order: the spend stopped at the end of the latest active one.
        lastActiveWindowEnd = Math.max(lastActiveWindowEnd, windowEnd);
    }

    void quiet() {
        quietWindows++;
    }
}
