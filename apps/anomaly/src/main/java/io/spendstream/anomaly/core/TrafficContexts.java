package io.spendstream.anomaly.core;

import java.math.BigDecimal;
import java.math.MathContext;

import io.spendstream.anomaly.avro.DriftStateRecord;
import io.spendstream.anomaly.avro.DriftWindowRecord;
import io.spendstream.anomaly.detector.Transition;
import io.spendstream.avro.TrafficContext;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * The traffic context of a cost anomaly: its requests and cost per request in the anomaly's window against the usual
 * ones. Plain Java. For a service ({@link #of(Transition, UnitCost, DriftStateRecord)}) the usual requests per window
 * are the cost-per-request drift detector's request level (its state, store {@code anomaly-drift-state}, read only);
 * a team scope keeps its own ({@code ScopeWindows}) and calls {@link #of(Transition, double, double)}. The usual cost
 * per request is the spike's expected cost over the usual requests. The window's requests: for the window of the
 * record at hand (an OPEN on a partial window) its requests over the part its APM summaries cover
 * ({@code requestsCoveredUntil}), scaled to the window ({@link #overWholeWindow}), as its cost is over the charge time
 * its rows cover; for an older, finished window the totals the drift detector keeps for it until it settles. The cost
 * per request is the window's cost rate (the transition's {@code rate}) over those requests.
 */
public final class TrafficContexts {

    private TrafficContexts() {
    }

    /** A service's context, or null when the window's requests are not known (no APM data for it). */
    public static TrafficContext of(Transition t, UnitCost current, DriftStateRecord drift) {
        return of(t, requestsOf(t, current, drift), drift == null ? 0.0 : drift.getRequestLevel());
    }

    /**
     * The context of {@code t} whose window had {@code requests} (over the whole window) against the usual
     * {@code expectedRequests} per window (0: not known yet); null when {@code requests} is not positive (no APM data).
     */
    public static TrafficContext of(Transition t, double requests, double expectedRequests) {
        if (requests <= 0) {
            return null;
        }
        BigDecimal costPerRequest = Money.of(t.rate().divide(BigDecimal.valueOf(requests), MathContext.DECIMAL64));
        BigDecimal expectedCostPerRequest = expectedRequests > 0
                ? Money.of(t.expected().divide(BigDecimal.valueOf(expectedRequests), MathContext.DECIMAL64))
                : null;
        return TrafficContext.newBuilder().setRequests(requests).setExpectedRequests(expectedRequests)
                .setCostPerRequest(costPerRequest).setExpectedCostPerRequest(expectedCostPerRequest).build();
    }

    /**
     * A window's {@code requests} so far, over its whole size: scaled up when its APM summaries cover only its first
     * part ({@code coveredUntil}, epoch ms; null when not known: taken as they are).
     */
    public static double overWholeWindow(double requests, Long coveredUntil, long windowStart, long windowSizeMillis) {
        if (coveredUntil != null) {
            long covered = coveredUntil - windowStart;
            if (covered > 0 && covered < windowSizeMillis) {
                return requests * windowSizeMillis / covered;
            }
        }
        return requests;
    }

    private static double requestsOf(Transition t, UnitCost current, DriftStateRecord drift) {
        if (current.getWindowStart().toEpochMilli() == t.windowStart()) {
            return overWholeWindow(current.getRequests(), current.getRequestsCoveredUntil() == null ? null
                    : current.getRequestsCoveredUntil().toEpochMilli(), t.windowStart(), t.windowSizeMillis());
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
