package io.spendstream.ingest;

import java.time.Duration;
import java.time.Instant;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons;
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
 *       future (an upfront purchase covers a term ahead), except for a charge period short enough to be spread over
 *       windows ({@link #checkChargePeriod}).</li>
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

    /**
     * A FOCUS charge period, which attribution spreads over the windows it covers when it is at most
     * {@code spreadLimit} long: each window's part is a record stamped with that window's start, so the end of such a
     * period must not lie further after the record's timestamp than the start may ({@code timestamp-out-of-range}),
     * or the broker refuses the parts and attribution stops. A longer period (a monthly fee, a purchase) is booked
     * whole at its start, and its end may lie in the future.
     */
    public static void checkChargePeriod(InputLimits limits, Duration spreadLimit, Instant start, Instant end,
            long recordTimestamp) {
        checkRange(limits, "ChargePeriodStart", start, "ChargePeriodEnd", end, recordTimestamp);
        if (Duration.between(start, end).compareTo(spreadLimit) <= 0 && recordTimestamp >= 0
                && end.isAfter(Instant.ofEpochMilli(recordTimestamp).plus(limits.futureTolerance()))) {
            throw new RejectedRecordException(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE, "ChargePeriodEnd " + end
                    + " is more than " + limits.futureTolerance().toMinutes() + " minutes after the record's"
                    + " timestamp " + Instant.ofEpochMilli(recordTimestamp) + ": a charge period of at most "
                    + spreadLimit + " is spread over the windows it covers, and brokers refuse window records that far"
                    + " in the future; send the row when its period has (nearly) ended");
        }
    }
}
