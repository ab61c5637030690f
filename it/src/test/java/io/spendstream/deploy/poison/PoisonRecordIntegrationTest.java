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
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Issue 15's poison records on the whole pipeline (in-process broker, registry and the four apps, as
 * {@code spendstream up --no-demo} runs them, exactly-once): two tag records that used to stop enrich and anomaly for
 * good are dead-lettered at enrich's edge with a reason, every app keeps running, and a normal tag and usage row sent
 * after them flow through to {@code spend.cost.attributed}.
 * <ul>
 *   <li>{@code "validFrom":"9999-12-31T23:59:59Z"} ({@code timestamp-out-of-range}): it used to become the tag
 *       table's changelog timestamp, which the broker refused;</li>
 *   <li>a 900 KB {@code service} ({@code field-too-long}): it used to become a 1.8 MB record on anomaly's alert gate
 *       repartition topic, which the producer refused. Its dead letter keeps the first 512 KiB plus the size and
 *       SHA-256 of the whole; anomaly's gate skips the tag and counts it.</li>
 * </ul>
 * Under exactly-once a refused send cannot be dead-lettered after the fact (the producer's transaction is then in an
 * error state and the app stops), which is why these records must be stopped before they are written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonRecordIntegrationTest {

    private static final int HUGE = 900 * 1024;

    @TempDir
    static Path dataDir;

    private LocalPipeline pipeline;
    private SpendstreamTopics topics;

    @BeforeAll
    void startPipeline() throws IOException {
        pipeline = LocalPipeline.start(new LocalPipeline.Settings(dataDir, FreePorts.next(), FreePorts.next(), 0,
                true, Map.of("spendstream.application.id.prefix",
                        "poison-" + UUID.randomUUID().toString().substring(0, 8) + "-")));
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

        assertThat(deadLetters).extracting(DeadLetter::getReason).containsExactly(
                DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE, DeadLetterReasons.Any.FIELD_TOO_LONG);
        assertThat(deadLetters).allSatisfy(letter -> {
            assertThat(letter.getStage()).isEqualTo("enrich");
            assertThat(letter.getPhase()).isEqualTo(FailurePhase.VALIDATION);
            assertThat(letter.getSourceTopic()).isEqualTo(topics.tags.name());
        });
        DeadLetter future = deadLetters.get(0);
        assertThat(future.getMessage()).contains("'validFrom' 9999-12-31T23:59:59Z is not before 2100");
        assertThat(bytes(future.getRawKey())).isEqualTo(utf8("i-0future"));

        DeadLetter huge = deadLetters.get(1);
        byte[] hugeBytes = utf8(hugeTag);
        assertThat(huge.getMessage()).startsWith("'service' is " + HUGE + " characters long");
        assertThat(bytes(huge.getRawKey())).isEqualTo(utf8("i-0huge"));
        assertThat(huge.getRawValueSize()).isEqualTo(hugeBytes.length);
        assertThat(bytes(huge.getRawValue())).isEqualTo(Arrays.copyOf(hugeBytes, DeadLetters.MAX_RAW_VALUE_BYTES));
        assertThat(huge.getRawValueSha256())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(hugeBytes)));

        assertThat(attributed).singleElement().satisfies(cost -> {
            assertThat(cost.getAttribution().getService()).isEqualTo("after-poison");
            assertThat(cost.getAttribution().getTeam()).isEqualTo("good-team");
        });
        RunningApp anomaly = pipeline.apps().stream().filter(a -> a.applicationId().endsWith("anomaly"))
                .findFirst().orElseThrow();
        await("anomaly's alert gate to skip the 900 KB tag").atMost(Duration.ofSeconds(30)).until(() -> {
            Counter skipped = anomaly.registry().find("spendstream.anomaly.alerts.tags.unreadable").counter();
            return skipped != null && skipped.count() == 1.0;
        });
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
