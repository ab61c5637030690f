package io.spendstream.anomaly.burn;

import io.spendstream.avro.Severity;

/**
 * The rule that fires for one evaluation: its severity and the two windows whose burn rates both exceeded its
 * threshold (the long one first), with those rates for the summary.
 */
public record BurnRuleMatch(Severity severity, String longWindow, double longRate, String shortWindow,
        double shortRate) {
}
