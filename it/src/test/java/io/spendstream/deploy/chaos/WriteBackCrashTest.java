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
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

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
import org.junit.jupiter.api.parallel.Isolated;

import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.runtime.state.WriteBackKeyValueStore;

/**
 * Issue 18, chaos safety of {@link WriteBackKeyValueStore} (the anomaly detectors' and attribution's allocation
 * stores keep hot values as objects and write them into RocksDB and the changelog once per commit): a counter app
 * ({@link WriteBackCounterApp}, its own JVM, exactly_once_v2) is SIGKILLed three times while records of 20 keys
 * arrive (8,000 or more), each once it has committed new counts since its restart, at a random moment unrelated to
 * its 100 ms commits, and restarted at once. Read read_committed, each key's counts must be exactly 1, 2, ..., n: a
 * lost update (objects not written before the commit) repeats a count, an update applied twice (a stale object after
 * the abort) skips one.
 */
@Isolated("kills app processes: its restart timing must not compete with another test's broker")
class WriteBackCrashTest {

    private static final int KEYS = 20;
    private static final int RECORDS = 8_000;
    private static final int KILLS = 3;

    @TempDir
    Path dir;
    private long perKey;

    @Test
    void shouldCountEveryRecordExactlyOnceWhenTheAppIsKilledMidStream() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), FreePorts.next(),
                FreePorts.next(), Map.of())) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("in", 4, (short) 1), new NewTopic("out", 4, (short) 1)))
                        .all().get();
            }
            Map<String, List<Long>> counts = new HashMap<>();
            Process app = start(bootstrap);
            AtomicBoolean killing = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Thread sender = new Thread(() -> send(bootstrap, killing, sent), "write-back-crash-sender");
            sender.start();
            Random random = new Random(18);
            int kills = 0;
            try (KafkaConsumer<String, String> consumer = committedReader(bootstrap)) {
                consumer.subscribe(List.of("out"));
                for (; kills < KILLS; kills++) {
                    // Killed only once it processes and commits again after its restart: a kill during its start-up
                    // would test nothing. Then at a random moment, unrelated to its 100 ms commits.
                    int before = read(consumer, counts);
                    await("kill " + (kills + 1) + ": the app committed new counts since its start")
                            .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                            .until(() -> read(consumer, counts) >= before + 300);
                    Thread.sleep(random.nextInt(300));
                    app.destroyForcibly().waitFor();
                    app = start(bootstrap);
                }
                killing.set(false);
                sender.join();
                perKey = sent.get() / KEYS;
                await("every key counted to " + perKey + " (read_committed)").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(200)).until(() -> {
                            read(consumer, counts);
                            // A count repeated or skipped will not mend: stop waiting, the assertion says which.
                            return counts.size() == KEYS && counts.values().stream()
                                    .allMatch(c -> c.get(c.size() - 1) >= perKey) || !countingUp(counts);
                        });
            } finally {
                app.destroyForcibly().waitFor();
            }
            assertThat(kills).isEqualTo(KILLS);
            assertThat(perKey).isGreaterThanOrEqualTo(RECORDS / KEYS);
            List<Long> expected = LongStream.rangeClosed(1, perKey).boxed().toList();
            assertThat(counts).hasSize(KEYS).allSatisfy((key, seen) ->
                    assertThat(seen).as("counts of %s", key).isEqualTo(expected));
        }
    }

    /**
     * Records of 20 keys in turn, 80 every 100 ms, at least 8,000 and on while the kills go on (a restarted app must
     * find input to process), ending after a whole round of keys: each key gets {@code sent / 20}.
     */
    private static void send(String bootstrap, AtomicBoolean killing, AtomicInteger sent) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS || killing.get() || i % KEYS != 0; i++) {
                sent.set(i + 1);
                producer.send(new ProducerRecord<>("in", "key-" + (i % KEYS), Integer.toString(i)));
                if (i % 80 == 79) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every key's counts so far are 1, 2, 3, ... */
    private static boolean countingUp(Map<String, List<Long>> counts) {
        for (List<Long> seen : counts.values()) {
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i) != i + 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Adds what the output has now to {@code counts}; returns how many counts were read in all. */
    private static int read(KafkaConsumer<String, String> consumer, Map<String, List<Long>> counts) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
            counts.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(record.value()));
        }
        return counts.values().stream().mapToInt(List::size).sum();
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
