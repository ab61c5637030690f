package io.spendstream.attribution;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;

/**
 * Forwards a processor's records from outside its {@code process}: from a store's flush at commit (no current node
 * then) or from another processor's call (that processor's node is current). The processor's node is made current
 * around the forward, as the DSL's own cache-flush listener does, so the records go to this processor's children.
 * Uses an internal of Kafka Streams 4.3.1 ({@link InternalProcessorContext#setCurrentNode}): re-check it on an upgrade
 * (the attribution topology tests fail if it breaks).
 */
final class NodeForwarder<K, V> {

    private final InternalProcessorContext<K, V> internal;
    private final ProcessorNode<?, ?, ?, ?> node;

    /** Call from the processor's {@code init}, where its node is the current one. */
    NodeForwarder(ProcessorContext<K, V> context) {
        this.internal = (InternalProcessorContext<K, V>) context;
        this.node = internal.currentNode();
    }

    void forward(Record<K, V> record) {
        ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
        internal.setCurrentNode(node);
        try {
            internal.forward(record);
        } finally {
            internal.setCurrentNode(previous);
        }
    }

    /** The record context's headers: those of the record being processed, or that a store's flush set. */
    Headers headers() {
        return internal.recordContext().headers();
    }

    /** The record context's timestamp (see {@link #headers()}). */
    long timestamp() {
        return internal.recordContext().timestamp();
    }
}
