package io.spendstream.runtime.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsProperties;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.SpendstreamTopics;

class DeadLetterDeserializationHandlerTest {

    /** Reads Avro cost records from spend.cost and writes their charge ids, as text, to spend.apm.raw. */
    static final class ChargeIdsApp implements StreamsApp {
        @Override
        public String name() {
            return "charge-ids";
        }

        @Override
        public AppTopics topics(SpendstreamTopics topics) {
            return new AppTopics(List.of(topics.cost), List.of(), List.of(topics.apmRaw), topics.dlq);
        }

        @Override
        public void buildTopology(StreamsBuilder builder, AppContext context) {
            var topics = context.topics();
            builder.stream(topics.cost.name(), topics.cost.consumed("cost-source"))
                    .map((key, cost) -> org.apache.kafka.streams.KeyValue.pair(key.getBytes(StandardCharsets.UTF_8),
                            cost.getChargeId().getBytes(StandardCharsets.UTF_8)), Named.as("charge-id"))
                    .to(topics.apmRaw.name(), topics.apmRaw.produced("charge-id-sink"));
        }
    }

    @Test
    void shouldDeadLetterUndeserializableBytesAndKeepProcessingGoodRecords() {
        // At-least-once only in this test: under exactly-once, TopologyTestDriver clears its MockProducer (open
        // transaction included) after each piped record, and a record that fails deserialization triggers no
        // commit of its own, so the driver drops the dead letter before any commit could keep it. In production the
        // dead letter rides in the task's open transaction: the broker-backed integration test must cover that.
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger deadLetterLog = (Logger) LoggerFactory.getLogger(DeadLetters.class);
        deadLetterLog.addAppender(log);
        try (TopologyFixture fixture = TopologyFixture.of(new ChargeIdsApp(),
                Map.of(StreamsProperties.PROCESSING_GUARANTEE, StreamsConfig.AT_LEAST_ONCE))) {
            var cost = fixture.topics().cost;
            TestInputTopic<String, CostRecord> good = fixture.input(cost);
            // Same topic, raw bytes: what a producer without the Avro serializer would write.
            TestInputTopic<byte[], byte[]> raw = fixture.driver().createInputTopic(cost.name(),
                    Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), TopologyFixture.START,
                    java.time.Duration.ZERO);
            byte[] key = keyBytes(cost, "line-2");
            byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

            good.pipeInput("line-1", costRecord("line-1"));
            raw.pipeInput(key, garbage);
            good.pipeInput("line-3", costRecord("line-3"));

            List<String> chargeIds = fixture.output(fixture.topics().apmRaw).readValuesToList().stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();

            assertThat(chargeIds).containsExactly("line-1", "line-3");
            assertThat(dead).singleElement().satisfies(letter -> {
                assertThat(letter.getPhase()).isEqualTo(FailurePhase.DESERIALIZATION);
                assertThat(letter.getReason()).isEqualTo("deserialization-error");
                assertThat(letter.getStage()).isEqualTo("charge-ids");
                assertThat(letter.getApplicationId()).isEqualTo("spendstream-charge-ids");
                assertThat(letter.getSourceTopic()).isEqualTo("spend.cost");
                assertThat(letter.getSourcePartition()).isZero();
                assertThat(letter.getSourceOffset()).isEqualTo(1L);
                assertThat(letter.getErrorClass()).isNotBlank();
                assertThat(bytes(letter.getRawValue())).isEqualTo(garbage);
                assertThat(bytes(letter.getRawKey())).isEqualTo(key);
            });
            assertThat(fixture.count("spendstream.records.dead.lettered", "stage", "charge-ids", "reason",
                    "deserialization-error")).isEqualTo(1.0);
            // Logged once at WARN with coordinates, processor and reason, never the payload.
            assertThat(log.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).hasToString("WARN");
                assertThat(event.getFormattedMessage()).startsWith("Dead-lettered spend.cost[0]@1 in ")
                        .contains("DESERIALIZATION").endsWith("deserialization-error")
                        .doesNotContain("not\":\"avro");
                assertThat(event.getKeyValuePairs()).extracting(kv -> kv.key + "=" + kv.value)
                        .contains("topic=spend.cost", "partition=0", "offset=1", "reason=deserialization-error");
            });
        } finally {
            deadLetterLog.detachAppender(log);
        }
    }

    private static byte[] keyBytes(io.spendstream.schemas.Topic<String, CostRecord> cost, String key) {
        ProducerRecord<byte[], byte[]> record = cost.serialize(key, costRecord(key));
        return record.key();
    }

    private static CostRecord costRecord(String chargeId) {
        Instant start = TopologyFixture.START;
        return CostRecord.newBuilder()
                .setChargeId(chargeId)
                .setChargePeriodStart(start)
                .setChargePeriodEnd(start.plusSeconds(3600))
                .setEffectiveCost(Money.of("1.25"))
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of("1.25"))
                .setOriginalCurrency("USD")
                .build();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
