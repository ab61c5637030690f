package io.spendstream.deploy.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.gate.AlertGateTopology;
import io.spendstream.anomaly.burn.BurnRateRecords;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * A service's page held for the group wait when the anomaly app stops, restarted without local state (the gate's
 * store comes back from its changelog): the restarted app sends it once when the wait ends, and after a second
 * restart it is not sent again.
 */
class AlertGateRestartIntegrationTest {

    private static final String HELD = "service:shop";

    @TempDir
    Path dataDir;

    @Test
    void shouldSendAPageHeldAcrossRestartsExactlyOnce() throws Exception {
        // A closed Kafka Streams member does not leave its group: the restarted one waits out the session timeout.
        Map<String, String> settings = Map.of(AlertGateSettings.GROUP_WAIT, "20s", "session.timeout.ms", "6000");
        try (GateOnBroker gate = GateOnBroker.start(dataDir, settings);
                KafkaConsumer<byte[], byte[]> consumer = gate.consumer()) {
            SpendstreamTopics topics = gate.topics;
            consumer.subscribe(List.of(topics.alerts.name()));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            gate.producer.send(topics.burnRate.serialize(HELD, GateOnBroker.paging(HELD, now))).get();
            await("the page held for its group wait").atMost(Duration.ofSeconds(60))
                    .until(() -> gate.counter(AlertGateTopology.WAITED) >= 1);
            assertThat(gate.counter(AlertGateTopology.EMITTED)).isZero();

            gate.restartFromChangelogs();

            List<ConsumerRecord<byte[], byte[]>> sent = new ArrayList<>();
            await("the held page sent by the restarted app").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(sent::add);
                        return !sent.isEmpty();
                    });
            assertThat(gate.counter(AlertGateTopology.WAITED)).as("restored, not raised again").isZero();

            // Restarted again after it went out; then another page held on the same gate task, sent after it: a
            // second copy of the first, if the store had not kept that it was sent, would come before it.
            gate.restartFromChangelogs();
            String marker = sameGateTask(topics.alerts.key(sent.get(0)));
            gate.producer.send(topics.burnRate.serialize(marker, GateOnBroker.paging(marker, now))).get();
            await("the second page sent after its group wait").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(sent::add);
                        return sent.size() >= 2 && sent.stream().anyMatch(r -> topics.alerts.value(r).getScope()
                                .equals(marker));
                    });

            List<Alert> alerts = sent.stream().map(topics.alerts::value).toList();
            assertThat(alerts).extracting(Alert::getScope, Alert::getStatus).containsExactly(
                    tuple(HELD, AlertStatus.FIRING), tuple(marker, AlertStatus.FIRING));
            assertThat(alerts.get(0).getStartsAt()).isEqualTo(now);
        }
    }

    /** A budget scope whose alert's dedup key is owned by the same gate task as this one. */
    private static String sameGateTask(String dedupKey) {
        int partition = GateOnBroker.gatePartition(dedupKey);
        return IntStream.range(0, 1000).mapToObj(i -> "service:shop-" + i)
                .filter(scope -> GateOnBroker.gatePartition(BurnRateRecords.dedupKey(scope)) == partition)
                .findFirst().orElseThrow();
    }
}
