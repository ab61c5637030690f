package io.spendstream.runtime.dlq;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import io.spendstream.avro.FailurePhase;
import io.spendstream.schemas.DeadLetterReasons;

/** A record whose bytes cannot be deserialized goes to the dead-letter topic as received; the app resumes. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private final DeadLetterHandlers handlers = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        handlers.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return Response.resume(handlers.deadLetter(context, FailurePhase.DESERIALIZATION,
                DeadLetterReasons.Any.DESERIALIZATION_ERROR, exception, record.key(), record.value()));
    }
}
