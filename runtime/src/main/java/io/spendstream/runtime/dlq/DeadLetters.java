package io.spendstream.runtime.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;

/** Builds the dead-letter envelope, whichever path a failure takes (handler or in-topology validation). */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /** Where a record came from; coordinates are null when unknown (e.g. punctuation). */
    public record Source(String topic, Integer partition, Long offset, Long timestamp, Headers headers) {

        public static Source of(Optional<RecordMetadata> metadata, long timestamp, Headers headers) {
            return metadata.map(m -> new Source(m.topic(), m.partition(), m.offset(), timestamp, headers))
                    .orElse(new Source(null, null, null, timestamp, headers));
        }
    }

    /**
     * The envelope of one failed record, logged once here at WARN with its coordinates, processor and reason (as
     * key-value pairs too, for JSON logs), never its payload or the error message, which may quote it.
     */
    public static DeadLetter build(String applicationId, String stage, FailurePhase phase, String processor,
            String reason, String message, Throwable error, Source source, byte[] rawKey, byte[] rawValue) {
        LOG.atWarn()
                .addKeyValue("application", applicationId)
                .addKeyValue("topic", source.topic())
                .addKeyValue("partition", source.partition())
                .addKeyValue("offset", source.offset())
                .addKeyValue("processor", processor)
                .addKeyValue("phase", phase)
                .addKeyValue("reason", reason)
                .log("Dead-lettered {}[{}]@{} in {} of {} ({}): {}", source.topic(), source.partition(),
                        source.offset(), processor, applicationId, phase, reason);
        return DeadLetter.newBuilder()
                .setApplicationId(applicationId)
                .setStage(stage)
                .setPhase(phase)
                .setProcessor(processor)
                .setReason(reason)
                .setMessage(message == null ? String.valueOf(error) : message)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setSourceTimestamp(source.timestamp() == null || source.timestamp() < 0 ? null
                        : Instant.ofEpochMilli(source.timestamp()))
                .setFailedAt(Instant.now())
                .setRawKey(rawKey == null ? null : java.nio.ByteBuffer.wrap(rawKey))
                .setRawValue(rawValue == null ? null : java.nio.ByteBuffer.wrap(rawValue))
                .setHeaders(headers(source.headers()))
                .build();
    }

    /** A rejected record from in-topology validation. */
    public static DeadLetter rejected(String applicationId, String stage, String processor, RejectedRecordException e,
            Source source, byte[] rawKey, byte[] rawValue) {
        return build(applicationId, stage, FailurePhase.VALIDATION, processor, e.reason(), e.getMessage(),
                e.getCause(), source, rawKey, rawValue);
    }

    private static Map<String, String> headers(Headers headers) {
        Map<String, String> map = new HashMap<>();
        if (headers != null) {
            for (Header h : headers) {
                map.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return map;
    }
}
