package io.spendstream.runtime.dlq;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

import io.spendstream.avro.FailurePhase;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * Output that cannot be serialized, or that the broker refuses for good (e.g. too large), is dead-lettered with
 * the source record's bytes. Other send errors fail the task: retrying them is the producer's job, and dropping
 * them would lose money.
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
        if (exception instanceof RecordTooLargeException) {
            return Response.resume(handlers.deadLetter(context, FailurePhase.PRODUCTION,
                    DeadLetterReasons.Any.RECORD_TOO_LARGE, exception, context.sourceRawKey(),
                    context.sourceRawValue()));
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return Response.resume(handlers.deadLetter(context, FailurePhase.PRODUCTION,
                DeadLetterReasons.Any.SERIALIZATION_ERROR, exception, context.sourceRawKey(),
                context.sourceRawValue()));
    }
}
