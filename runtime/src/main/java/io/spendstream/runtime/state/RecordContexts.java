package io.spendstream.runtime.state;

import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Runs a store's output at commit under the record context of the record that made it (topic, partition, offset,
 * timestamp, headers), as Kafka Streams' record cache does when it flushes: what a downstream node reads from the
 * context is then that record's, not whatever the task processed last. Uses an internal of Kafka Streams 4.3.1
 * ({@link InternalProcessorContext#setRecordContext}); the write-back and coalescing tests fail if it breaks.
 */
final class RecordContexts {

    private RecordContexts() {
    }

    /**
     * Runs {@code work} with {@code changedBy} as the record context, then puts the current one back; runs it as it
     * is when either is unknown (a store used outside a task, as in unit tests).
     */
    static void runAs(InternalProcessorContext<?, ?> context, ProcessorRecordContext changedBy, Runnable work) {
        if (changedBy == null || context == null) {
            work.run();
            return;
        }
        ProcessorRecordContext current = context.recordContext();
        context.setRecordContext(changedBy);
        try {
            work.run();
        } finally {
            context.setRecordContext(current);
        }
    }
}
