package io.spendstream.runtime.dlq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;

/**
 * Builds the dead-letter envelope, whichever path a failure takes (handler or in-topology validation).
 *
 * <p>The envelope is bounded so that it can always be written, whatever the record it replaces: the raw key and
 * value are kept whole up to {@link #MAX_RAW_KEY_BYTES} and {@link #MAX_RAW_VALUE_BYTES} and cut beyond (their
 * original size and SHA-256 are always recorded, so a cut record is still identified), the message is cut at
 * {@link #MAX_MESSAGE_CHARS} and the headers kept up to {@link #MAX_HEADER_CHARS} in all. With the dead letter's own
 * key (the kept raw key) the largest envelope is about 600 KiB, under the 1 MiB that brokers and producers accept by
 * default; a record the broker refused as too large (up to that 1 MiB) therefore still gets a dead letter.
 */
public final class DeadLetters {

    /** Bytes of the raw key kept in the envelope (and as the dead letter's key). */
    public static final int MAX_RAW_KEY_BYTES = 16 * 1024;
    /** Bytes of the raw value kept in the envelope: whole for any input under ingest's limits but the largest. */
    public static final int MAX_RAW_VALUE_BYTES = 512 * 1024;
    /** Characters of the error message kept (an exception's message may quote the record). */
    public static final int MAX_MESSAGE_CHARS = 8 * 1024;
    /** Characters of header keys and values kept in all; later headers are dropped. */
    public static final int MAX_HEADER_CHARS = 16 * 1024;

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
                .setMessage(cut(message == null ? String.valueOf(error) : message, MAX_MESSAGE_CHARS))
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setSourceTimestamp(source.timestamp() == null || source.timestamp() < 0 ? null
                        : Instant.ofEpochMilli(source.timestamp()))
                .setFailedAt(Instant.now())
                .setRawKey(head(rawKey, MAX_RAW_KEY_BYTES))
                .setRawKeySize(rawKey == null ? null : rawKey.length)
                .setRawKeySha256(sha256(rawKey))
                .setRawValue(head(rawValue, MAX_RAW_VALUE_BYTES))
                .setRawValueSize(rawValue == null ? null : rawValue.length)
                .setRawValueSha256(sha256(rawValue))
                .setHeaders(headers(source.headers()))
                .build();
    }

    /** The key a dead letter is written under: its raw key as kept in the envelope (null when there was none). */
    public static byte[] keyOf(DeadLetter deadLetter) {
        if (deadLetter.getRawKey() == null) {
            return null;
        }
        ByteBuffer buffer = deadLetter.getRawKey().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static ByteBuffer head(byte[] raw, int limit) {
        if (raw == null) {
            return null;
        }
        return ByteBuffer.wrap(raw.length <= limit ? raw : Arrays.copyOf(raw, limit));
    }

    static String sha256(byte[] raw) {
        if (raw == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text
                : text.substring(0, limit) + "... (" + (text.length() - limit) + " more characters)";
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
            int left = MAX_HEADER_CHARS;
            for (Header h : headers) {
                String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
                left -= h.key().length() + value.length();
                if (left < 0) {
                    break;
                }
                map.put(h.key(), value);
            }
        }
        return map;
    }
}
