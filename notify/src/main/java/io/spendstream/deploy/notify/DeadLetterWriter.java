package io.spendstream.deploy.notify;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.schemas.Topic;

/**
 * Writes the dead letter of a {@code spend.alerts} record the notifier could not deliver (not an Alert, or refused
 * by a target), in the envelope every stage uses, and waits until it is stored: only then may the record's offset
 * be committed.
 */
final class DeadLetterWriter implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final Topic<byte[], DeadLetter> topic;
    private final String applicationId;

    DeadLetterWriter(Producer<byte[], byte[]> producer, Topic<byte[], DeadLetter> topic, String applicationId) {
        this.producer = producer;
        this.topic = topic;
        this.applicationId = applicationId;
    }

    String topicName() {
        return topic.name();
    }

    void write(ConsumerRecord<byte[], byte[]> record, FailurePhase phase, String reason, String message,
            Throwable error) throws InterruptedException {
        DeadLetter letter = DeadLetters.build(applicationId, AlertNotifier.STAGE, phase, AlertNotifier.STAGE, reason,
                message, error, new DeadLetters.Source(record.topic(), record.partition(), record.offset(),
                        record.timestamp(), record.headers()), record.key(), record.value());
        try {
            producer.send(topic.serialize(DeadLetters.keyOf(letter), letter)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot write the dead letter of " + record.topic() + "-"
                    + record.partition() + "@" + record.offset() + " to " + topic.name(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
