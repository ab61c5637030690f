package io.spendstream.deploy.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.cli.SpendstreamCli;
import picocli.CommandLine;

/**
 * {@code spendstream tail} on a real in-process broker: without {@code -f} it prints what is there and stops; with
 * {@code -f} it starts at the end, and with {@code --from-beginning} too it prints what is there and then what
 * arrives. Each test tails its own raw-usage topic (renamed with {@code --set spendstream.topic.usage-raw}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TailCommandIntegrationTest {

    private EmbeddedKafkaBroker broker;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    void startBroker(@TempDir Path brokerDir) throws IOException {
        broker = EmbeddedKafkaBroker.start(brokerDir.resolve("kafka"), FreePorts.next(), FreePorts.next(), Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldPrintTheRecordsThereAndStopWithoutFollow() throws Exception {
        String topic = topicWith("line-1", "line-2");

        Run run = tail(topic, new StringWriter());

        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out.lines()).hasSize(2).anySatisfy(line -> assertThat(line).contains("line-1"))
                .anySatisfy(line -> assertThat(line).contains("line-2"));
    }

    @Test
    void shouldStartAtTheEndWhenFollowing() throws Exception {
        String topic = topicWith("old-1", "old-2");

        Run run = tail(topic, new StringWriter(), "-f", "--idle", "2s");

        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).isEmpty();
    }

    @Test
    void shouldFollowPastTheEndWithFromBeginning() throws Exception {
        String topic = topicWith("before-1", "before-2");
        StringWriter out = new StringWriter();

        CompletableFuture<Run> running = CompletableFuture.supplyAsync(
                () -> tail(topic, out, "-f", "--from-beginning", "--max", "3"));
        await("the two records already there are printed").atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().lines().count() == 2);
        send(topic, "after-3");
        Run run = running.get(30, TimeUnit.SECONDS);

        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out.lines()).hasSize(3).last().asString().contains("after-3");
    }

    private String topicWith(String... keys) throws Exception {
        String topic = "tail-it." + UUID.randomUUID().toString().substring(0, 8);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        for (String key : keys) {
            send(topic, key);
        }
        return topic;
    }

    private void send(String topic, String key) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                ("{\"ResourceId\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8))).get();
    }

    private Run tail(String topic, StringWriter out, String... flags) {
        StringWriter err = new StringWriter();
        CommandLine cli = SpendstreamCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("tail", topic, "-b", broker.bootstrapServers(),
                "-r", "mock://tail-it", "--set", "spendstream.topic.usage-raw=" + topic, "--timeout", "10s"));
        args.addAll(List.of(flags));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
