package io.spendstream.deploy.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spendstream.anomaly.gate.AlertGateTopology;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The anomaly app's alert gate on a real broker with four partitions, where the TopologyTestDriver's single
 * partition cannot show it: a silence read from one partition of {@code spend.silences} must reach the gate task of
 * every partition (the gate's repartition topic copies it to all), and its deletion must release the alerts held on
 * each of them.
 */
class AlertGateIntegrationTest {

    private static final int SCOPES = 12;

    @TempDir
    Path dataDir;

    @Test
    void shouldSilenceAlertsOnEveryPartitionAndReleaseThemAllWhenTheSilenceIsDeleted() throws Exception {
        try (GateOnBroker gate = GateOnBroker.start(dataDir, Map.of());
                KafkaConsumer<byte[], byte[]> consumer = gate.consumer()) {
            SpendstreamTopics topics = gate.topics;
            consumer.subscribe(List.of(topics.alerts.name()));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

            String silence = "{\"scopeType\":\"all\",\"startsAt\":\"" + now.minusSeconds(60) + "\",\"endsAt\":\""
                    + now.plusSeconds(3600) + "\",\"reason\":\"failover drill\",\"createdBy\":\"it\"}";
            gate.producer.send(topics.silences.serialize("drill", silence.getBytes(StandardCharsets.UTF_8))).get();
            // Once the silence has been read, its copies are in every gate partition ahead of any later alert.
            await("the silence read by the anomaly app").atMost(Duration.ofSeconds(60))
                    .until(() -> gate.counter("spendstream.records.in") >= 1);

            for (int i = 0; i < SCOPES; i++) {
                gate.producer.send(topics.burnRate.serialize("service:svc-" + i,
                        GateOnBroker.paging("service:svc-" + i, now)));
            }
            gate.producer.flush();
            // Each is a service's page: it waits out the group wait, then meets the silence.
            await("every page held by the silence").atMost(Duration.ofSeconds(60))
                    .until(() -> gate.counter(AlertGateTopology.SUPPRESSED, "reason", "silenced") >= SCOPES);
            assertThat(gate.counter(AlertGateTopology.EMITTED)).isZero();

            gate.producer.send(topics.silences.serialize("drill", null)).get();

            List<ConsumerRecord<byte[], byte[]>> fired = new ArrayList<>();
            await("a FIRING for each of the " + SCOPES + " scopes after the silence was deleted")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(fired::add);
                        return fired.size() >= SCOPES;
                    });
            List<Alert> alerts = fired.stream().map(topics.alerts::value).toList();
            assertThat(alerts).extracting(Alert::getStatus).containsOnly(AlertStatus.FIRING);
            assertThat(alerts).extracting(Alert::getDedupKey).doesNotHaveDuplicates().hasSize(SCOPES);
            Set<Integer> partitions = new HashSet<>();
            fired.forEach(r -> partitions.add(r.partition()));
            // The alerts topic is keyed like the gate's repartition topic: several gate tasks released them.
            assertThat(partitions).hasSizeGreaterThanOrEqualTo(3);
        }
    }
}
