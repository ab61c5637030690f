package io.spendstream.runtime.dlq;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * What the three Kafka Streams exception handlers share: turning a failure into a dead-letter record that Kafka
 * Streams itself produces (KIP-1034), inside the task's transaction under exactly-once, so a dead letter is written
 * if and only if the input offset is committed.
 */
final class DeadLetterHandlers {

    /** Config key carrying the app's stage name (ingest, enrich, ...) into the handlers. */
    static final String STAGE = io.spendstream.runtime.StreamsProperties.STAGE;

    private String applicationId;
    private String stage;
    private Topic<byte[], DeadLetter> dlq;
    private PipelineMetrics metrics;

    void configure(Map<String, ?> configs) {
        applicationId = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
        Object configuredStage = configs.get(STAGE);
        stage = configuredStage == null ? applicationId : configuredStage.toString();
        // The app's own topics, which AppTopology passes (the runner registers their dead-letter schema id at
        // start-up, so a dead letter never needs the registry); properties built without it get their own.
        dlq = configs.get(io.spendstream.runtime.StreamsProperties.TOPICS) instanceof SpendstreamTopics topics
                ? topics.dlq
                : new SpendstreamTopics(TopicNames.from(configs), SchemaRegistryClients.fromConfig(configs)).dlq;
        // Absent when the properties were built without metrics: dead letters are then only visible on the topic.
        metrics = configs.get(io.spendstream.runtime.StreamsProperties.PIPELINE_METRICS) instanceof PipelineMetrics m
                ? m : null;
    }

    List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, FailurePhase phase, String reason,
            Exception error, byte[] rawKey, byte[] rawValue) {
        return deadLetter(context, phase, reason, error, null, rawKey, rawValue);
    }

    /** {@code detail}, when not null, is said before the error's own message (e.g. which output failed). */
    List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, FailurePhase phase, String reason,
            Exception error, String detail, byte[] rawKey, byte[] rawValue) {
        DeadLetters.Source source = new DeadLetters.Source(context.topic(), context.partition(), context.offset(),
                context.timestamp(), context.headers());
        String message = detail == null ? describe(error) : detail + ": " + describe(error);
        DeadLetter letter = DeadLetters.build(applicationId, stage, phase, context.processorNodeId(), reason,
                message, error, source, rawKey, rawValue);
        if (metrics != null) {
            metrics.deadLettered(stage, reason);
        }
        // Stamped with the failure time (not the source's event time), like DeadLetterRoute does.
        return List.of(new ProducerRecord<>(dlq.name(), null, letter.getFailedAt().toEpochMilli(),
                dlq.keySerde().serializer().serialize(dlq.name(), DeadLetters.keyOf(letter)),
                dlq.valueSerde().serializer().serialize(dlq.name(), letter)));
    }

    private static String describe(Exception error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = error.getMessage();
        return root == error ? message : message + " (caused by " + root + ")";
    }
}
