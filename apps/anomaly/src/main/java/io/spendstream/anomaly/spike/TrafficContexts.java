package io.spendstream.anomaly.spike;

import java.math.BigDecimal;
import java.math.MathContext;

import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.anomaly.avro.DriftWindowRecord;
import io.spendstream.anomaly.detector.Transition;
import io.spendstream.avro.TrafficContext;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * The traffic context of a service's cost anomaly: its requests and cost per request in the anomaly's window against
 * the usual ones. Plain Java. The usual requests per window are the cost-per-request drift detector's request level
 * (its state, store {@code anomaly-drift-state}, read only); the usual cost per request is the spike's expected cost
 * over them. The window's requests: for the window of the record at hand (an OPEN on a partial window) its requests
 * over the part its APM summaries cover ({@code requestsCoveredUntil}), scaled to the window, as its cost is over the
 * charge time its rows cover; for an older, finished window the totals the drift detector keeps for it until it
 * settles. The cost per request is the window's cost rate (the transition's {@code rate}) over those requests.
 */
final class TrafficContexts {

    private TrafficContexts() {
    }

    /** The context, or null when the window's requests are not known (no APM data for it). */
    static TrafficContext of(Transition t, UnitCost current, DriftStateRecord drift) {
        double requests = requestsOf(t, current, drift);
        if (requests <= 0) {
            return null;
        }
        double expectedRequests = drift == null ? 0.0 : drift.getRequestLevel();
        BigDecimal costPerRequest = Money.of(t.rate().divide(BigDecimal.valueOf(requests), MathContext.DECIMAL64));
        BigDecimal expectedCostPerRequest = expectedRequests > 0
                ? Money.of(t.expected().divide(BigDecimal.valueOf(expectedRequests), MathContext.DECIMAL64))
                : null;
        return TrafficContext.newBuilder().setRequests(requests).setExpectedRequests(expectedRequests)
                .setCostPerRequest(costPerRequest).setExpectedCostPerRequest(expectedCostPerRequest).build();
    }

    private static double requestsOf(Transition t, UnitCost current, DriftStateRecord drift) {
        if (current.getWindowStart().toEpochMilli() == t.windowStart()) {
            double requests = current.getRequests();
            if (current.getRequestsCoveredUntil() != null) {
                long covered = current.getRequestsCoveredUntil().toEpochMilli() - t.windowStart();
                if (covered > 0 && covered < t.windowSizeMillis()) {
                    requests = requests * t.windowSizeMillis() / covered;
                }
            }
            return requests;
        }
        if (drift != null) {
            for (DriftWindowRecord window : drift.getPending()) {
                if (window.getWindowStart() == t.windowStart()) {
                    return window.getRequests();
                }
            }
        }
        return 0;
    }
}
