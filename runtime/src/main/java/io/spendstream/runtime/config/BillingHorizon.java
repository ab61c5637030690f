package io.spendstream.runtime.config;

import java.time.Duration;
import java.time.Instant;

import io.spendstream.schemas.DeadLetterReasons;

/**
 * How far behind the newest cost a pipeline has seen (in event time) money may still arrive and be counted: the
 * billing horizon. Bills arrive a day or more after usage and providers restate line items for weeks through and
 * after month close, so money is never "late" inside the horizon: it lands in every hourly, daily and monthly money
 * output and in burn rate. Only data older than the horizon is refused, with the dead-letter reason
 * {@value DeadLetterReasons.Attribution#OUTSIDE_BILLING_HORIZON}. One key for the whole pipeline, so that ingest
 * remembers charge identities (restatements), enrich keeps tag versions, and attribution keeps ledger state, for the
 * same span.
 *
 * <p>The default, {@value #DEFAULT_TEXT}, covers the open billing month (up to 31 days), the previous one (31) and
 * the providers' usual restatement tail after month close (a few days).
 *
 * @param span how far behind the newest event time a record may be and still count
 */
public record BillingHorizon(Duration span) {

    public static final String KEY = "spendstream.billing.horizon";
    public static final String DEFAULT_TEXT = "65d";
    public static final Duration DEFAULT = Duration.ofDays(65);

    public BillingHorizon {
        if (span == null || span.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("Setting " + KEY + "=" + span
                    + " must be at least 1h: bills arrive hours to weeks after the usage they charge");
        }
    }

    public static BillingHorizon from(SpendstreamConfig config) {
        return new BillingHorizon(config.getDuration(KEY, DEFAULT));
    }

    /** Whether an event at {@code eventTimeMs} is too old to count once the newest event seen is at {@code newestMs}. */
    public boolean isOutside(long eventTimeMs, long newestMs) {
        return newestMs != Long.MIN_VALUE && eventTimeMs < newestMs - span.toMillis();
    }

    /** The oldest event time that still counts when the newest seen is {@code newestMs}. */
    public Instant floor(long newestMs) {
        return Instant.ofEpochMilli(newestMs - span.toMillis());
    }

    /** The dead-letter message for a record that is outside: what, how far, and how to widen the horizon. */
    public String outsideMessage(String what, long eventTimeMs, long newestMs) {
        return what + " is outside the billing horizon: its time " + Instant.ofEpochMilli(eventTimeMs)
                + " is before " + floor(newestMs) + ", " + Durations.format(span) + " behind the newest cost seen ("
                + Instant.ofEpochMilli(newestMs) + "). Set " + KEY + " (now " + Durations.format(span)
                + ") wider on every app to accept older data, see docs/operations.md#billing-horizon";
    }
}
