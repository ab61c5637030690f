package io.spendstream.anomaly.detector;

import java.math.BigDecimal;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;

/**
 * One lifecycle event of a cost anomaly, a spike or a drop, in plain values (the app turns it into an Avro
 * {@code Anomaly}).
 *
 * @param type              {@code COST_SPIKE} or {@code COST_DROP}
 * @param observedAt        event time of the window (OPEN: of the update) that produced this event
 * @param endedAt           when the excess spend stopped (RESOLVED only), else null
 * @param windowStart       start of the window the values are about
 * @param partial           true when that window is still open (OPEN on a partial window)
 * @param observed          cost of that window (so far, when partial)
 * @param rate              observed projected to a whole window (equal to observed when not partial)
 * @param expected          baseline cost of a window
 * @param peakObserved      the highest window cost while open; for a drop the lowest
 * @param excessCost        sum of observed - expected over the incident's windows, including a partial one
 *                          (negative for a drop: the spend missing)
 * @param excessCostPerHour the window's (projected) excess scaled to one hour: for a spike never negative, for a drop
 *                          never positive
 * @param escalated         true on an UPDATE whose severity is higher than before
 */
public record Transition(AnomalyType type, AnomalyState state, String scope, String anomalyId, long startedAt, long observedAt,
        Long endedAt, long windowStart, long windowSizeMillis, boolean partial, String currency, BigDecimal observed,
        BigDecimal rate, BigDecimal expected, BigDecimal peakObserved, BigDecimal excessCost,
        BigDecimal excessCostPerHour, double score, Severity severity, boolean escalated) {
}
