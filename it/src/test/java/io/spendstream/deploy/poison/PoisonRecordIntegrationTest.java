package io.spendstream.deploy.poison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.Counter;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Issue 15's poison records on the whole pipeline (in-process broker, registry and the four apps, as
 * {@code spendstream up --no-demo} runs them, exactly-once): tag records that used to stop enrich and anomaly for
 * good are dead-lettered with a reason, every app keeps running, and a normal tag and usage row sent after them flow
 * through to {@code spend.cost.attributed}. The text limit is widened on purpose ({@value #TEXT_LIMIT} characters)
 * so that the 900 KB service passes the edges (which refuse it by default: unit tests) and the production backstop is
 * tested on a real broker:
 * <ul>
 *   <li>{@code "validFrom":"9999-12-31T23:59:59Z"}: refused at enrich's edge ({@code timestamp-out-of-range}); it
 *       used to become the tag table's changelog timestamp, which the broker refused;</li>
 *   <li>a 900 KB {@code service}: anomaly's alert gate makes a 1.8 MB repartition record of it, which is refused
 *       before it reaches the producer and dead-lettered ({@code record-too-large}, phase PRODUCTION) with the tag's
 *       bytes, cut to 512 KiB with the size and SHA-256 of the whole. Without that guard the producer's transaction
 *       is left in an error state and the anomaly app stops (measured).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonRecordIntegrationTest {

    private static final String TEXT_LIMIT = "2000000";
    private static final int HUGE = 900 * 1024;

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;

    @BeforeAll
    void startPipeline() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0,
                true, Map.of("spendstream.application.id.prefix",
                        "poison-" + UUID.randomUUID().toString().substring(0, 8) + "-",
                        InputLimits.MAX_TEXT_LENGTH, TEXT_LIMIT)));
        topics = new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(pipeline.registryUrl(), null));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldDeadLetterPoisonTagsKeepEveryAppRunningAndLetANormalRecordThrough() throws Exception {
        Instant now = Instant.now();
        String hugeService = "s".repeat(HUGE);
        String hugeTag = "{\"service\":\"" + hugeService + "\",\"team\":\"poison\"}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.tags.name(), "i-0future",
                    "{\"service\":\"future\",\"team\":\"poison\",\"validFrom\":\"9999-12-31T23:59:59Z\"}"));
            producer.send(new ProducerRecord<>(topics.tags.name(), "i-0huge", hugeTag));
            producer.send(new ProducerRecord<>(topics.tags.name(), "i-0good",
                    "{\"service\":\"after-poison\",\"team\":\"good-team\"}"));
            producer.flush();
        }

        List<DeadLetter> deadLetters = new ArrayList<>();
        List<AttributedCost> attributed = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topics.dlq.name(), topics.costAttributed.name()));
            await("two dead letters of the poison tags").atMost(Duration.ofSeconds(60))
                    .until(() -> poll(consumer, deadLetters, attributed) && deadLetters.size() >= 2);

            // After the poison: a usage row of the normally tagged resource goes through ingest and enrich.
            Instant window = now.truncatedTo(ChronoUnit.MINUTES);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topics.usageRaw.name(), null, "{\"EffectiveCost\":\"0.125\","
                        + "\"BillingCurrency\":\"USD\",\"ChargePeriodStart\":\"" + window + "\","
                        + "\"ChargePeriodEnd\":\"" + window.plusSeconds(60) + "\",\"ResourceId\":\"i-0good\"}"));
                producer.flush();
            }
            await("the usage row attributed to after-poison on " + topics.costAttributed.name())
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> poll(consumer, deadLetters, attributed) && !attributed.isEmpty());
        }

        assertThat(deadLetters).hasSize(2).allSatisfy(
                letter -> assertThat(letter.getSourceTopic()).isEqualTo(topics.tags.name()));
        // Two apps write them: their order on spend.dlq is not fixed.
        DeadLetter future = deadLetters.stream().filter(d -> d.getStage().equals("enrich")).findFirst().orElseThrow();
        assertThat(future.getReason()).isEqualTo(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE);
        assertThat(future.getPhase()).isEqualTo(FailurePhase.VALIDATION);
        assertThat(future.getMessage()).contains("'validFrom' 9999-12-31T23:59:59Z is not before 2100");
        assertThat(bytes(future.getRawKey())).isEqualTo(utf8("i-0future"));

        // Kafka Streams no longer holds the tag's bytes when the gate's record is written: the dead letter has the
        // tag's coordinates and the refused record's bytes (key = the service), cut to fit.
        DeadLetter huge = deadLetters.stream().filter(d -> d.getStage().equals("anomaly")).findFirst().orElseThrow();
        assertThat(huge.getReason()).isEqualTo(DeadLetterReasons.Any.RECORD_TOO_LARGE);
        assertThat(huge.getPhase()).isEqualTo(FailurePhase.PRODUCTION);
        assertThat(huge.getMessage()).contains("anomaly-alert-gate-repartition").contains("max.request.size");
        assertThat(huge.getSourceOffset()).isEqualTo(1L);
        assertThat(huge.getRawKeySize()).isEqualTo(HUGE);
        assertThat(bytes(huge.getRawKey())).isEqualTo(utf8(hugeService.substring(0, DeadLetters.MAX_RAW_KEY_BYTES)));
        assertThat(huge.getRawKeySha256())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8(hugeService))));
        assertThat(huge.getRawValueSize()).isGreaterThan(HUGE);
        assertThat(huge.getRawValue().remaining()).isEqualTo(DeadLetters.MAX_RAW_VALUE_BYTES);

        assertThat(attributed).singleElement().satisfies(cost -> {
            assertThat(cost.getAttribution().getService()).isEqualTo("after-poison");
            assertThat(cost.getAttribution().getTeam()).isEqualTo("good-team");
        });
        RunningApp anomaly = pipeline.apps().stream().filter(a -> a.applicationId().endsWith("anomaly"))
                .findFirst().orElseThrow();
        Counter tooLarge = anomaly.registry().find("spendstream.records.dead.lettered")
                .tag("reason", DeadLetterReasons.Any.RECORD_TOO_LARGE).counter();
        assertThat(tooLarge).as("anomaly's dead-lettered{reason=record-too-large}").isNotNull();
        assertThat(tooLarge.count()).isEqualTo(1.0);
        assertThat(pipeline.apps()).allSatisfy(app -> {
            assertThat(app.fatalError()).as("fatal error of %s", app.applicationId()).isEmpty();
            assertThat(app.streams().state()).as("state of %s", app.applicationId())
                    .isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        });
    }

    private boolean poll(KafkaConsumer<byte[], byte[]> consumer, List<DeadLetter> deadLetters,
            List<AttributedCost> attributed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.topic().equals(topics.dlq.name())) {
                deadLetters.add(topics.dlq.value(record));
            } else {
                attributed.add(topics.costAttributed.value(record));
            }
        }
        return true;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "poison-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
