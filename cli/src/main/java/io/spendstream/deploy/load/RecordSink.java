package io.spendstream.deploy.load;

import java.util.function.Consumer;

/** Where shaped records go: Kafka ({@link KafkaRecordSink}) or nowhere in a dry run ({@link #DRY_RUN}). */
interface RecordSink extends AutoCloseable {

    /** Accepts every record at once: a dry run validates without sending. */
    RecordSink DRY_RUN = (record, done) -> done.accept(null);

    /** Sends {@code record}; {@code done} gets null when it is stored, or the exception when it cannot be. */
    void send(OutgoingRecord record, Consumer<Exception> done);

    /** Waits until every record sent so far is acknowledged or failed. */
    @Override
    default void close() {
    }
}
