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
 * {@link GuardedProducer} finds the first two before sending (except on changelogs), which is what makes the dead letter
 * stick under exactly-once (a send the real producer fails breaks the transaction). A broker-side refusal fails the other records
 * of its batch with a plain {@code KafkaException}: those are not dead-lettered. Every other send error fails the
 * task: retrying it is the producer's job, and dropping a record that is not itself at fault would lose money. So does
 * a refused state-store changelog write, which Kafka Streams cannot dead-letter. The input parsers' limits
 * ({@code InputLimits}) keep such records from being made at all; this handler is the backstop.
 *
 * <p>What the dead letter carries: Kafka Streams (4.3.1) frees the source record's bytes before it sends an output, so
 * a send error comes without them; the dead letter then carries the refused output's key and value (cut like any raw
 * bytes) and the source record's coordinates (topic, partition, offset, timestamp, headers), from which the source is
 * read while the input topic retains it. The message names the refused output (topic, timestamp, sizes). Refusals
 * {@link GuardedProducer} makes are reported during the send, with those coordinates; one the broker returns later
 * is reported with the record context current then: often none, under load possibly a later record's.
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
        if (reason == null || context.processorNodeId() == null) {
            // No processor: a state store's changelog write. Kafka Streams cannot send a dead letter from there
            // (4.3.1 fails with a NullPointerException), and dropping the write would leave the store and its
            // changelog different; the input limits keep such records from being made.
            return Response.fail();
        }
        if (context.sourceRawKey() == null && context.sourceRawValue() == null) {
            // Kafka Streams frees the source record's bytes before it sends an output: keep the refused output's
            // bytes instead, so that what failed is not lost; the source is at the dead letter's coordinates.
            return Response.resume(handlers.deadLetter(context, FailurePhase.PRODUCTION, reason, exception,
                    describe(record) + " (raw key and value are this output's; the source record is at the"
                            + " coordinates)", record.key(), record.value()));
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
