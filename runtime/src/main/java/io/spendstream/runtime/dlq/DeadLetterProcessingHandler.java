package io.spendstream.runtime.dlq;

import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

import io.spendstream.avro.FailurePhase;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * An exception thrown by a processor dead-letters the source record (its raw bytes as read from the input topic)
 * and the app resumes: one poison record never stops a partition.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private final DeadLetterHandlers handlers = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        handlers.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return Response.resume(handlers.deadLetter(context, FailurePhase.PROCESSING,
                DeadLetterReasons.Any.PROCESSING_ERROR, exception, context.sourceRawKey(), context.sourceRawValue()));
    }
}
