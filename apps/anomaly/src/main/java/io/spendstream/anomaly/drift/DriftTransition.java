package io.spendstream.anomaly.drift;

import java.math.BigDecimal;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;

/**
 * One lifecycle event of a cost-per-request drift, in plain values ({@link DriftRecords} turns it into an Avro
 * {@code Anomaly}). Every event is about one settled window.
 *
 * @param endedAt            when the drift stopped (RESOLVED only: end of its last active window), else null
 * @param costPerRequest     the window's cost per request
 * @param expected           the baseline's cost per request for it
 * @param requests           the window's requests
 * @param requestLevel       the requests the service usually has in a window (0 when not known yet)
 * @param excessCost         sum over the drift's active windows of (cost per request - expected) x requests
 * @param excessCostPerHour  this window's excess scaled to an hour, never negative
 * @param score              the window's rarity against the cost-per-request baseline
 * @param quiet              the window counts towards resolving (UPDATE and RESOLVED): its excess is not added
 */
public record DriftTransition(AnomalyState state, String service, long startedAt, Long endedAt, long windowStart,
        long windowEnd, String currency, BigDecimal costPerRequest, BigDecimal expected, long requests,
        double requestLevel, BigDecimal peakCostPerRequest, BigDecimal excessCost, BigDecimal excessCostPerHour,
        double score, Severity severity, boolean quiet) {

    /** This window's extra spend: (cost per request - expected) x requests. */
    public BigDecimal windowExcess() {
        return costPerRequest.subtract(expected).multiply(BigDecimal.valueOf(requests));
    }
}
