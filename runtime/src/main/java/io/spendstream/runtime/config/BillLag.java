package io.spendstream.runtime.config;

import java.time.Duration;

/**
 * How long after its hour a metered estimate may wait for its bill before it is reported as unbilled: the provider's
 * usual billing-export lag plus a margin. One key for the pipeline, read by ingest (which counts unbilled estimate
 * hours) and attribution (which publishes them on {@code spend.reconciliation} with status {@code UNBILLED}). An
 * unbilled estimate is only reported: it stays in every total, since the bill may still come within the billing
 * horizon, and then supersedes it as usual.
 *
 * @param span time past the end of an estimate's hour after which a missing bill is reported
 */
public record BillLag(Duration span) {

    public static final String KEY = "spendstream.estimates.bill-lag";
    public static final Duration DEFAULT = Duration.ofDays(2);

    public BillLag {
        if (span == null || span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException("Setting " + KEY + "=" + span
                    + " must be positive: bills arrive hours to days after the usage they charge");
        }
    }

    public static BillLag from(SpendstreamConfig config) {
        return new BillLag(config.getDuration(KEY, DEFAULT));
    }

    /** True once {@code nowMs} is the lag or more past {@code hourEndMs}. */
    public boolean isOverdue(long hourEndMs, long nowMs) {
        return nowMs - hourEndMs >= span.toMillis();
    }
}
