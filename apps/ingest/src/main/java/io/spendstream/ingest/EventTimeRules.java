package io.spendstream.ingest;

import java.time.Instant;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Sanity rules for the time range a record covers (a FOCUS charge period, an APM window), applied before the range
 * becomes the record's event time on {@code spend.cost} / {@code spend.apm}:
 * <ul>
 *   <li>both ends lie in [{@link InputLimits#EARLIEST}, {@link InputLimits#LATEST}) ({@code timestamp-out-of-range});</li>
 *   <li>the end is after the start ({@code invalid-period}): an empty or inverted range cannot be spread over
 *       windows;</li>
 *   <li>the start is at most {@link InputLimits#futureTolerance()} (one hour by default) after the Kafka record's
 *       own timestamp: a charge cannot begin after it was reported, beyond clock skew, and the start becomes the
 *       output record's timestamp, which brokers refuse when it is too far in the future. The end may lie in the
 *       future (an upfront purchase covers a term ahead).</li>
 * </ul>
 */
public final class EventTimeRules {

    private EventTimeRules() {
    }

    public static void checkRange(InputLimits limits, String startField, Instant start, String endField, Instant end,
            long recordTimestamp) {
        limits.inRange(startField, start);
        limits.inRange(endField, end);
        if (!end.isAfter(start)) {
            throw new RejectedRecordException(Ingest.INVALID_PERIOD,
                    endField + " " + end + " is not after " + startField + " " + start);
        }
        limits.notAhead(startField, start, recordTimestamp);
    }
}
