package io.spendstream.runtime.dlq;

import java.time.Instant;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

import io.spendstream.avro.FailurePhase;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * Output that cannot be serialized, or that the broker refuses for good because of that one record, is
 * dead-lettered with the source record's bytes and the app goes on:
 * <ul>
 *   <li>{@link RecordTooLargeException}: larger than {@code max.request.size} or the topic's
 *       {@code max.message.bytes} ({@code record-too-large});</li>
 *   <li>{@link InvalidTimestampException}: a timestamp outside the broker's {@code log.message.timestamp.*} bounds,
 *       e.g. more than an hour in the future ({@code invalid-record-timestamp});</li>
 *   <li>{@link InvalidRecordException}: a record the broker's validation refuses, e.g. no key on a compacted topic
 *       ({@code invalid-record}).</li>
 * </ul>
 * The producer reports these per record (a batch holding one such record fails only that record; its batch mates
 * fail with a plain {@code KafkaException} and are not dead-lettered). Every other send error fails the task:
 * retrying it is the producer's job, and dropping a record that is not itself at fault would lose money. The input
 * parsers' limits ({@code InputLimits}) keep such records from being produced at all; this handler is the backstop.
 *
 * <p>Kafka Streams (4.3) reports a send error the broker returns from the producer's callback, with the record context
 * current at that moment: often none (then the dead letter has no source coordinates and carries the refused
 * output's bytes instead), and under load possibly a later record's. The message always names the refused output
 * (topic, timestamp, sizes). Errors the producer finds itself (a record over {@code max.request.size}) are reported
 * during the send, with the source record's context.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    private final DeadLetterHandlers handlers = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        handlers.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        String reason = reasonOf(exception);
        if (reason == null) {
            return Response.fail();
        }
        if (context.sourceRawKey() == null && context.sourceRawValue() == null) {
            // Reported from the producer's callback after the task moved on: the source record is no longer known.
            // Keep the refused output's bytes instead, so that what failed is not lost.
            return Response.resume(handlers.deadLetter(context, FailurePhase.PRODUCTION, reason, exception,
                    describe(record) + " (the source record is unknown; the raw key and value are the output's)",
                    record.key(), record.value()));
        }
        return Response.resume(handlers.deadLetter(context, FailurePhase.PRODUCTION, reason, exception,
                describe(record), context.sourceRawKey(), context.sourceRawValue()));
    }

    /** The output the broker refused: the dead letter carries the source record, this says what it became. */
    static String describe(ProducerRecord<byte[], byte[]> output) {
        return "Writing to " + output.topic() + " (timestamp "
                + (output.timestamp() == null ? "none" : Instant.ofEpochMilli(output.timestamp()).toString())
                + ", key " + (output.key() == null ? 0 : output.key().length) + " bytes, value "
                + (output.value() == null ? 0 : output.value().length) + " bytes) failed";
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return Response.resume(handlers.deadLetter(context, FailurePhase.PRODUCTION,
                DeadLetterReasons.Any.SERIALIZATION_ERROR, exception, context.sourceRawKey(),
                context.sourceRawValue()));
    }

    /** The reason of a send error that is this record's own fault, or null when it is not (fail the task). */
    static String reasonOf(Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            return DeadLetterReasons.Any.RECORD_TOO_LARGE;
        }
        if (exception instanceof InvalidTimestampException) {
            return DeadLetterReasons.Any.INVALID_RECORD_TIMESTAMP;
        }
        if (exception instanceof InvalidRecordException) {
            return DeadLetterReasons.Any.INVALID_RECORD;
        }
        return null;
    }
}
