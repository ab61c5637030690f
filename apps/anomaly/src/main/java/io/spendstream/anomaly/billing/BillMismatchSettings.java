package io.spendstream.anomaly.billing;

import java.math.BigDecimal;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * When a service's bill differs enough from its metered estimate to be worth a ticket (BILL_MISMATCH).
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.anomaly.bill-mismatch.threshold}</td><td>{@code 10}</td>
 *     <td>percent: an hour of a service mismatches when its estimate (summed over its SKUs) is off its bill by at
 *     least this share of the bill. Metering priced from a list price is usually within a few percent of the bill;
 *     10% leaves room for that and still catches a wrong price, a missing discount or a meter that stopped</td></tr>
 * <tr><td>{@code spendstream.anomaly.bill-mismatch.min-difference}</td><td>{@code 1.00}</td>
 *     <td>in the reporting currency: and by at least this much, so that a few cents on a tiny hour do not open a
 *     ticket</td></tr>
 * </table>
 */
public record BillMismatchSettings(BigDecimal thresholdPercent, BigDecimal minDifference) {

    public static final String THRESHOLD = "spendstream.anomaly.bill-mismatch.threshold";
    public static final String MIN_DIFFERENCE = "spendstream.anomaly.bill-mismatch.min-difference";

    public BillMismatchSettings {
        if (thresholdPercent.signum() <= 0) {
            throw new IllegalArgumentException(THRESHOLD + " must be a positive percentage, was " + thresholdPercent);
        }
        if (minDifference.signum() < 0) {
            throw new IllegalArgumentException(MIN_DIFFERENCE + " must not be negative, was " + minDifference);
        }
    }

    public static BillMismatchSettings from(SpendstreamConfig config) {
        return new BillMismatchSettings(config.getDecimal(THRESHOLD, new BigDecimal("10")),
                config.getDecimal(MIN_DIFFERENCE, new BigDecimal("1.00")));
    }

    /** Whether an hour billed {@code billed} against an estimate of {@code estimated} is a mismatch. */
    public boolean mismatches(BigDecimal estimated, BigDecimal billed) {
        if (billed.signum() == 0) {
            return false;
        }
        BigDecimal difference = billed.subtract(estimated).abs();
        return difference.compareTo(minDifference) >= 0
                && difference.multiply(BigDecimal.valueOf(100)).compareTo(thresholdPercent.multiply(billed.abs())) >= 0;
    }
}
