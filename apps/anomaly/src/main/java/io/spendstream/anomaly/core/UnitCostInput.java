package io.spendstream.anomaly.core;

import io.spendstream.avro.UnitCost;

/**
 * Which {@code spend.unit-cost} updates the detectors on that stream (cost spikes, drift, scopes) learn from.
 */
public final class UnitCostInput {

    /** The unit-cost window size the detectors learn from (ISO-8601, as attribution writes it). */
    public static final String DETECTOR_WINDOW = "PT1M";

    private UnitCostInput() {
    }

    /**
     * A one-minute window (attribution also writes hourly windows to the same topic) that has cost lines: a window
     * with only APM data so far says nothing about cost. The cost-spike processor counts the others.
     */
    public static boolean isLearnable(UnitCost cost) {
        return cost != null && DETECTOR_WINDOW.equals(cost.getWindowSize()) && cost.getCostRecords() != 0;
    }
}
