package io.spendstream.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.runtime.state.WriteBackKeyValueStore;

/**
 * Issue 18, chaos safety of {@link WriteBackKeyValueStore} (the anomaly detectors' and attribution's allocation
 * stores keep hot values as objects and write them into RocksDB and the changelog once per commit): a counter app
 * ({@link WriteBackCounterApp}, its own JVM, exactly_once_v2) is SIGKILLed four times while 8,000 records of 20 keys
 * arrive, at moments unrelated to its 100 ms commits (so some kills land while a commit is written), and restarted at
 * once. Read read_committed, each key's counts must be exactly 1, 2, ..., n: a lost update (objects not written before
 * the commit) repeats a count, an update applied twice (a stale object after the abort) skips one.
 */
class WriteBackCrashTest {

    private static final int KEYS = 20;
    private static final int RECORDS = 8_000;
    private static final int KILLS = 4;

    @TempDir
    Path dir;

    @Test
    void shouldCountEveryRecordExactlyOnceWhenTheAppIsKilledMidStream() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), FreePorts.next(),
                FreePorts.next(), Map.of())) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("in", 4, (short) 1), new NewTopic("out", 4, (short) 1)))
                        .all().get();
            }
            Process app = start(bootstrap);
            int kills = 0;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                    new StringSerializer())) {
                // 8,000 records over ~10 s, a kill every ~2 s.
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("in", "key-" + (i % KEYS), Integer.toString(i)));
                    if (i % 80 == 79) {
                        producer.flush();
                        Thread.sleep(100);
                    }
                    if (i % (RECORDS / (KILLS + 1)) == RECORDS / (KILLS + 1) - 1 && kills < KILLS) {
                        app.destroyForcibly().waitFor();
                        kills++;
                        app = start(bootstrap);
                    }
                }
            }
            assertThat(kills).isEqualTo(KILLS);

            Map<String, List<Long>> counts = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = committedReader(bootstrap)) {
                consumer.subscribe(List.of("out"));
                await("every key counted to " + RECORDS / KEYS + " (read_committed)").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(200)).until(() -> {
                            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                                counts.computeIfAbsent(record.key(), k -> new ArrayList<>())
                                        .add(Long.parseLong(record.value()));
                            }
                            return counts.size() == KEYS && counts.values().stream()
                                    .allMatch(c -> c.get(c.size() - 1) >= RECORDS / KEYS);
                        });
            } finally {
                app.destroyForcibly().waitFor();
            }
            List<Long> expected = java.util.stream.LongStream.rangeClosed(1, RECORDS / KEYS).boxed().toList();
            assertThat(counts).hasSize(KEYS).allSatisfy((key, seen) ->
                    assertThat(seen).as("counts of %s", key).isEqualTo(expected));
        }
    }

    private Process start(String bootstrap) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), WriteBackCounterApp.class.getName(),
                bootstrap, dir.resolve("state").toString(), "in", "out")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("app.log").toFile()))
                .start();
    }

    private static KafkaConsumer<String, String> committedReader(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "write-back-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
