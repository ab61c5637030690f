package io.spendstream.runtime.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

class DeadLettersTest {

    /** The broker's default message.max.bytes and the producer's default max.request.size are both about 1 MiB. */
    private static final int DEFAULT_MAX_RECORD = 1024 * 1024;

    private final SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
            SchemaRegistryClients.forUrl(SchemaRegistryClients.MOCK_PREFIX + "dead-letters-" + UUID.randomUUID(),
                    null));

    @Test
    void shouldKeepASmallRecordWholeWithItsSizeAndHash() throws Exception {
        byte[] key = utf8("i-1");
        byte[] value = utf8("{\"service\":12}");

        DeadLetter letter = readBack(build(key, value, "invalid-field: service is a number", new RecordHeaders()));

        assertThat(bytes(letter.getRawKey())).isEqualTo(key);
        assertThat(bytes(letter.getRawValue())).isEqualTo(value);
        assertThat(letter.getRawKeySize()).isEqualTo(key.length);
        assertThat(letter.getRawValueSize()).isEqualTo(value.length);
        assertThat(letter.getRawKeySha256()).isEqualTo(sha256(key));
        assertThat(letter.getRawValueSha256()).isEqualTo(sha256(value));
    }

    @Test
    void shouldBoundTheEnvelopeOfAHugeRecordSoThatItCanAlwaysBeWrittenAndRead() throws Exception {
        // Issue 15: the dead letter of a 900 KB tag carried the raw bytes twice and was too large itself. The worst
        // case: a key and a value each as large as a record can be, a message quoting it, large headers.
        byte[] key = filled(DEFAULT_MAX_RECORD, 'k');
        byte[] value = filled(DEFAULT_MAX_RECORD, 'v');
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < 20; i++) {
            headers.add("h" + i, filled(10_000, 'h'));
        }

        ProducerRecord<byte[], byte[]> written = build(key, value, "bad: " + "m".repeat(500_000), headers);
        int size = written.key().length + written.value().length;
        DeadLetter letter = readBack(written);

        assertThat(size).as("dead letter key + value bytes").isLessThan(700 * 1024);
        assertThat(written.key()).isEqualTo(Arrays.copyOf(key, DeadLetters.MAX_RAW_KEY_BYTES));
        assertThat(bytes(letter.getRawKey())).isEqualTo(Arrays.copyOf(key, DeadLetters.MAX_RAW_KEY_BYTES));
        assertThat(bytes(letter.getRawValue())).isEqualTo(Arrays.copyOf(value, DeadLetters.MAX_RAW_VALUE_BYTES));
        assertThat(letter.getRawKeySize()).isEqualTo(DEFAULT_MAX_RECORD);
        assertThat(letter.getRawValueSize()).isEqualTo(DEFAULT_MAX_RECORD);
        assertThat(letter.getRawKeySha256()).isEqualTo(sha256(key));
        assertThat(letter.getRawValueSha256()).isEqualTo(sha256(value));
        assertThat(letter.getMessage()).startsWith("bad: mmm").endsWith("(491813 more characters)")
                .hasSizeLessThan(DeadLetters.MAX_MESSAGE_CHARS + 100);
        assertThat(letter.getHeaders()).hasSizeBetween(1, 2);
        assertThat(letter.getReason()).isEqualTo("record-too-large");
    }

    @Test
    void shouldKeepNullKeyAndValueNull() throws Exception {
        DeadLetter letter = readBack(build(null, null, "tombstone without key", null));

        assertThat(letter.getRawKey()).isNull();
        assertThat(letter.getRawValue()).isNull();
        assertThat(letter.getRawKeySize()).isNull();
        assertThat(letter.getRawValueSha256()).isNull();
    }

    private ProducerRecord<byte[], byte[]> build(byte[] key, byte[] value, String message, RecordHeaders headers) {
        DeadLetter letter = DeadLetters.build("spendstream-anomaly", "anomaly", FailurePhase.PRODUCTION,
                "anomaly-alert-gate", "record-too-large", message, null,
                new DeadLetters.Source("spend.tags", 0, 7L, 1L, headers), key, value);
        return topics.dlq.serialize(DeadLetters.keyOf(letter), letter);
    }

    private DeadLetter readBack(ProducerRecord<byte[], byte[]> written) {
        return topics.dlq.value(new ConsumerRecord<>(written.topic(), 0, 0L, written.key(), written.value()));
    }

    private static byte[] filled(int size, char c) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
