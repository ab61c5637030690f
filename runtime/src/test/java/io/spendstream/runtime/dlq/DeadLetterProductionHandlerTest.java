package io.spendstream.runtime.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.StreamsProperties;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

class DeadLetterProductionHandlerTest {

    private static final byte[] SOURCE_KEY = "i-0poison".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SOURCE_VALUE = "{\"validFrom\":\"2026-12-09T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
    private static final long FAR_FUTURE = Instant.parse("2026-12-09T00:00:00Z").toEpochMilli();

    private final Map<String, Object> configs = Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "spendstream-enrich",
            StreamsProperties.STAGE, "enrich",
            SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + "production-" + UUID.randomUUID());

    static List<Object[]> recordsOwnFaults() {
        return List.of(
                new Object[] {new RecordTooLargeException("The message is 1800120 bytes when serialized"),
                    DeadLetterReasons.Any.RECORD_TOO_LARGE},
                new Object[] {new InvalidTimestampException("Timestamp 1796774400000 of message with offset 0 is out"
                        + " of range"), DeadLetterReasons.Any.INVALID_RECORD_TIMESTAMP},
                new Object[] {new InvalidRecordException("Compacted topic cannot accept message without key"),
                    DeadLetterReasons.Any.INVALID_RECORD});
    }

    @ParameterizedTest
    @MethodSource("recordsOwnFaults")
    void shouldDeadLetterTheSourceRecordWhenTheBrokerRefusesThatOneRecordForGood(Exception error, String reason) {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);

        Response response = handler.handleError(context(), output(), error);

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
                    SchemaRegistryClients.fromConfig(configs));
            assertThat(record.topic()).isEqualTo(topics.dlq.name());
            assertThat(record.key()).isEqualTo(SOURCE_KEY);
            DeadLetter letter = topics.dlq.value(new ConsumerRecord<>(record.topic(), 0, 0L, record.key(),
                    record.value()));
            assertThat(letter.getReason()).isEqualTo(reason);
            assertThat(letter.getPhase()).isEqualTo(FailurePhase.PRODUCTION);
            assertThat(letter.getStage()).isEqualTo("enrich");
            assertThat(letter.getSourceTopic()).isEqualTo("spend.tags");
            assertThat(letter.getSourceOffset()).isEqualTo(41L);
            assertThat(letter.getErrorClass()).isEqualTo(error.getClass().getName());
            assertThat(letter.getMessage()).startsWith("Writing to spendstream-enrich-resource-tags-changelog"
                    + " (timestamp 2026-12-09T00:00:00Z, key 9 bytes, value 3 bytes) failed: ")
                    .contains(error.getMessage());
            assertThat(DeadLetters.keyOf(letter)).isEqualTo(SOURCE_KEY);
            assertThat(letter.getRawValueSize()).isEqualTo(SOURCE_VALUE.length);
        });
    }

    static List<Exception> notTheRecordsFault() {
        return List.of(new TimeoutException("Expiring 3 record(s)"), new NotEnoughReplicasException("isr 1 < 2"),
                new KafkaException("Failed to append record because it was part of a batch which had one more more"
                        + " invalid records"));
    }

    @ParameterizedTest
    @MethodSource("notTheRecordsFault")
    void shouldFailTheTaskOnErrorsThatAreNotTheRecordsOwnFault(Exception error) {
        // Dropping a record that is not itself at fault (a batch mate, a timeout) would lose money: fail, so the
        // task restarts from its last commit and the record is produced again.
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);

        Response response = handler.handleError(context(), output(), error);

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldFailOnARefusedChangelogWriteWhichKafkaStreamsCannotDeadLetter() {
        // A state store's changelog write reaches the handler without a processor or source record, and Kafka
        // Streams 4.3.1 throws a NullPointerException sending a dead letter from there.
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);

        Response response = handler.handleError(context(null, null, null),
                output(), new InvalidTimestampException("refused"));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldKeepTheRefusedOutputsBytesWhenTheSourceRecordIsNoLongerKnown() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);

        Response response = handler.handleError(context("anomaly-alert-gate-repartition-sink", null, null),
                output(), new RecordTooLargeException("too large"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            DeadLetter letter = new SpendstreamTopics(TopicNames.defaults(), SchemaRegistryClients.fromConfig(configs))
                    .dlq.value(new ConsumerRecord<>(record.topic(), 0, 0L, record.key(), record.value()));
            assertThat(letter.getMessage()).contains("raw key and value are this output's");
            assertThat(DeadLetters.keyOf(letter)).isEqualTo(SOURCE_KEY);
            assertThat(letter.getRawValueSize()).isEqualTo(3);
        });
    }

    @Test
    void shouldDeadLetterSerializationErrors() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs);

        Response response = handler.handleSerializationError(context(), output(),
                new org.apache.kafka.common.errors.SerializationException("no schema"),
                org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
    }

    private static ProducerRecord<byte[], byte[]> output() {
        return new ProducerRecord<>("spendstream-enrich-resource-tags-changelog", 0, FAR_FUTURE, SOURCE_KEY,
                new byte[] {0, 1, 2});
    }

    private static ErrorHandlerContext context() {
        return context("tags-to-table", SOURCE_KEY, SOURCE_VALUE);
    }

    private static ErrorHandlerContext context(String processor, byte[] rawKey, byte[] rawValue) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "spend.tags";
            }

            @Override
            public int partition() {
                return 2;
            }

            @Override
            public long offset() {
                return 41L;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return processor;
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 2);
            }

            @Override
            public long timestamp() {
                return Instant.parse("2026-12-06T20:00:00Z").toEpochMilli();
            }

            @Override
            public byte[] sourceRawKey() {
                return rawKey;
            }

            @Override
            public byte[] sourceRawValue() {
                return rawValue;
            }
        };
    }
}
