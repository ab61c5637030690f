package io.spendstream.ingest;

import java.time.Duration;
import java.time.Instant;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Sanity rules for the time range a record covers (a FOCUS charge period, an APM window), applied before the range
 * becomes the record's event time on {@code spend.cost} / {@code spend.apm}:
 * <ul>
 *   <li>both ends lie in [{@link #EARLIEST}, {@link #LATEST}): older data predates cloud billing as FOCUS knows it,
 *       and later dates are typos (year 2204) or sentinel values (9999-12-31);</li>
 *   <li>the end is after the start ({@code invalid-period}): an empty or inverted range cannot be spread over
 *       windows;</li>
 *   <li>the start is at most {@link #FUTURE_TOLERANCE} (one hour) after the Kafka record's own timestamp: a charge
 *       cannot begin after it was reported, beyond clock skew. The start becomes the output record's timestamp,
 *       and brokers reject records more than {@code log.message.timestamp.after.max.ms} (default one hour since
 *       Kafka 4.0) in the future, so a larger tolerance would only move the failure to the producer. The end may
 *       lie in the future (an upfront purchase covers a term ahead). The record's timestamp is used instead of the
 *       wall clock so that replaying a topic gives the same result. Records without a timestamp (negative) skip
 *       this rule.</li>
 * </ul>
 */
public final class EventTimeRules {

    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    public static final Duration FUTURE_TOLERANCE = Duration.ofHours(1);

    private EventTimeRules() {
    }

    public static void checkRange(String startField, Instant start, String endField, Instant end,
            long recordTimestamp) {
        checkBounds(startField, start);
        checkBounds(endField, end);
        if (!end.isAfter(start)) {
            throw new RejectedRecordException(Ingest.INVALID_PERIOD,
                    endField + " " + end + " is not after " + startField + " " + start);
        }
        if (recordTimestamp >= 0) {
            Instant latestStart = Instant.ofEpochMilli(recordTimestamp).plus(FUTURE_TOLERANCE);
            if (start.isAfter(latestStart)) {
                throw new RejectedRecordException(Ingest.TIMESTAMP_OUT_OF_RANGE,
                        startField + " " + start + " is more than " + FUTURE_TOLERANCE.toMinutes()
                                + " minutes after the record's timestamp " + Instant.ofEpochMilli(recordTimestamp));
            }
        }
    }

    private static void checkBounds(String field, Instant value) {
        if (value.isBefore(EARLIEST) || !value.isBefore(LATEST)) {
            throw new RejectedRecordException(Ingest.TIMESTAMP_OUT_OF_RANGE,
                    field + " " + value + " is outside [" + EARLIEST + ", " + LATEST + ")");
        }
    }
}
