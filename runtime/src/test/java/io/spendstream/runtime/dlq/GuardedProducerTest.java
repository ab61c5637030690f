package io.spendstream.runtime.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class GuardedProducerTest {

    private static final long NOW = Instant.parse("2026-12-06T20:00:00Z").toEpochMilli();
    private static final int MAX_REQUEST = 1024 * 1024;

    private final MockProducer<byte[], byte[]> real = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final GuardedProducer producer = new GuardedProducer(real, MAX_REQUEST, Duration.ofHours(1), () -> NOW);
    private final List<Exception> callbackErrors = new ArrayList<>();

    @Test
    void shouldPassOrdinaryRecordsToTheProducer() throws Exception {
        Future<RecordMetadata> sent = producer.send(record(new byte[100], new byte[900_000], NOW + 3_600_000L),
                (metadata, error) -> callbackErrors.add(error));

        assertThat(sent.get().topic()).isEqualTo("t");
        assertThat(real.history()).hasSize(1);
        assertThat(callbackErrors).containsExactly((Exception) null);
    }

    @Test
    void shouldRefuseARecordOverMaxRequestSizeBeforeTheProducerSeesIt() {
        // Issue 15: a 900 KB service became key and value of one repartition record.
        Future<RecordMetadata> sent = producer.send(record(new byte[921_600], new byte[921_700], NOW),
                (metadata, error) -> callbackErrors.add(error));

        assertThat(real.history()).as("records the real producer saw (its transaction stays usable)").isEmpty();
        assertThat(sent).isDone();
        assertThatThrownBy(sent::get).hasCauseInstanceOf(RecordTooLargeException.class);
        assertThat(callbackErrors).singleElement().isInstanceOfSatisfying(RecordTooLargeException.class,
                e -> assertThat(e.getMessage()).contains("at least 1843300 bytes").contains("1048576"));
    }

    @Test
    void shouldRefuseATimestampTheBrokerWouldRefuse() {
        producer.send(record(new byte[1], new byte[1], NOW + 3_600_001L), (metadata, error) -> callbackErrors.add(error));
        producer.send(record(new byte[1], new byte[1], Instant.parse("9999-12-31T23:59:59Z").toEpochMilli()),
                (metadata, error) -> callbackErrors.add(error));

        assertThat(real.history()).isEmpty();
        assertThat(callbackErrors).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOf(InvalidTimestampException.class).hasMessageContaining("ahead of the clock"));
    }

    @Test
    void shouldLeaveChangelogWritesToTheProducer() {
        // A refused changelog write cannot be dead-lettered: the transaction must fail so the task restarts cleanly.
        producer.send(new ProducerRecord<>("spendstream-attribution-unit-cost-1m-changelog", 0,
                NOW + Duration.ofHours(20).toMillis(), new byte[1], new byte[1]), (m, e) -> callbackErrors.add(e));

        assertThat(real.history()).hasSize(1);
        assertThat(callbackErrors).containsExactly((Exception) null);
    }

    @Test
    void shouldCountHeadersAndFramingInTheSize() {
        ProducerRecord<byte[], byte[]> atLimit = record(new byte[MAX_REQUEST - GuardedProducer.FRAMING_BYTES],
                null, NOW);
        assertThat(producer.refusal(atLimit)).isNull();
        ProducerRecord<byte[], byte[]> withHeader = record(new byte[MAX_REQUEST - GuardedProducer.FRAMING_BYTES],
                null, NOW);
        withHeader.headers().add("h", new byte[1]);
        assertThat(producer.refusal(withHeader)).isInstanceOf(RecordTooLargeException.class);
    }

    private static ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, long timestamp) {
        return new ProducerRecord<>("t", 0, timestamp, key, value);
    }
}
