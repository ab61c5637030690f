package io.spendstream.runtime.input;

import java.time.Duration;
import java.time.Instant;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * What every input parser checks at the edge so that a record it accepts cannot fail later, when the pipeline writes
 * what it made of it (a key, a label, a record timestamp) to a topic, a changelog or a repartition topic:
 * <ul>
 *   <li><b>text length</b>: every text field and record key of the JSON inputs is at most {@link #maxTextLength()}
 *       characters ({@code field-too-long}). Text fields become keys and labels downstream (service, team, resource,
 *       scope), often twice in one record (key and value), and a 900 KB service name made a repartition record of
 *       1.8 MB that the broker refused. Free-form parts (FOCUS {@code x_} columns, JSON-object columns) are bounded by
 *       the record size limit instead.</li>
 *   <li><b>time</b>: a time that becomes a record timestamp lies in [{@link #EARLIEST}, {@link #LATEST}) and at
 *       most {@link #futureTolerance()} after the input record's own timestamp ({@code timestamp-out-of-range}).
 *       Brokers refuse records more than {@code log.message.timestamp.after.max.ms} (one hour by default since Kafka
 *       4.0) ahead of their clock with {@code InvalidTimestampException}, so a later time would only move the
 *       failure to the producer. The input's timestamp is used rather than the wall clock so that a replay gives the
 *       same result; an input without a timestamp (negative) skips that rule.</li>
 * </ul>
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@value #MAX_TEXT_LENGTH}</td><td>2048</td><td>longest text field or record key, in characters (an AWS
 *     ARN is at most 2048)</td></tr>
 * <tr><td>{@value #FUTURE_TOLERANCE}</td><td>{@code 1h}</td><td>how far after its input record a time that becomes
 *     a record timestamp may lie; at most the brokers' {@code log.message.timestamp.after.max.ms}</td></tr>
 * </table>
 */
public record InputLimits(int maxTextLength, Duration futureTolerance) {

    public static final String MAX_TEXT_LENGTH = "spendstream.input.max-text-length";
    public static final String FUTURE_TOLERANCE = "spendstream.input.future-tolerance";

    /** Older data predates cloud billing as FOCUS knows it. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** Later dates are typos (year 2204) or sentinel values (9999-12-31). */
    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    public static final InputLimits DEFAULTS = new InputLimits(2048, Duration.ofHours(1));

    public InputLimits {
        if (maxTextLength < 1) {
            throw new IllegalArgumentException(MAX_TEXT_LENGTH + " must be at least 1, was " + maxTextLength);
        }
        if (futureTolerance.isNegative()) {
            throw new IllegalArgumentException(FUTURE_TOLERANCE + " must not be negative, was " + futureTolerance);
        }
    }

    public static InputLimits from(SpendstreamConfig config) {
        return new InputLimits(config.getInt(MAX_TEXT_LENGTH, DEFAULTS.maxTextLength()),
                config.getDuration(FUTURE_TOLERANCE, DEFAULTS.futureTolerance()));
    }

    /** {@code text} (null passes) if it is at most {@link #maxTextLength()} characters, else {@code field-too-long}. */
    public String text(String field, String text) {
        if (text != null && text.length() > maxTextLength) {
            throw new RejectedRecordException(DeadLetterReasons.Any.FIELD_TOO_LONG, field + " is " + text.length()
                    + " characters long; text fields and keys are limited to " + maxTextLength + " ("
                    + MAX_TEXT_LENGTH + ") because they become keys and labels downstream");
        }
        return text;
    }

    /** {@code time} if it lies in [{@link #EARLIEST}, {@link #LATEST}), else {@code timestamp-out-of-range}. */
    public Instant inRange(String field, Instant time) {
        if (time.isBefore(EARLIEST) || !time.isBefore(LATEST)) {
            throw new RejectedRecordException(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE,
                    field + " " + time + " is outside [" + EARLIEST + ", " + LATEST + ")");
        }
        return time;
    }

    /**
     * {@code time}, which will become a record timestamp, if it is in range ({@link #inRange}) and at most
     * {@link #futureTolerance()} after {@code recordTimestamp}; else {@code timestamp-out-of-range}.
     */
    public Instant recordTime(String field, Instant time, long recordTimestamp) {
        inRange(field, time);
        return notAhead(field, time, recordTimestamp);
    }

    /**
     * {@code time} if it is before {@link #LATEST} and at most {@link #futureTolerance()} after
     * {@code recordTimestamp} (negative: unknown, only {@link #LATEST} applies); else {@code timestamp-out-of-range}.
     * For times with no lower bound, such as a tag's {@code validFrom} (an early one means "since always").
     */
    public Instant notAhead(String field, Instant time, long recordTimestamp) {
        if (!time.isBefore(LATEST)) {
            throw new RejectedRecordException(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE,
                    field + " " + time + " is not before " + LATEST);
        }
        if (recordTimestamp >= 0) {
            Instant latest = Instant.ofEpochMilli(recordTimestamp).plus(futureTolerance);
            if (time.isAfter(latest)) {
                throw new RejectedRecordException(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE, field + " " + time
                        + " is more than " + describe(futureTolerance) + " after the record's timestamp "
                        + Instant.ofEpochMilli(recordTimestamp) + " (" + FUTURE_TOLERANCE
                        + "): brokers refuse record timestamps that far in the future");
            }
        }
        return time;
    }

    private static String describe(Duration duration) {
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " minutes" : duration.toMillis() + " ms";
    }
}
