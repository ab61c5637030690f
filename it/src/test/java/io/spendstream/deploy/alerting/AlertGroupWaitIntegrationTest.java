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
import io.spendstream.avro.Severity;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The alert gate's group wait on a real broker with four partitions: services' pages that reach their gate tasks
 * before their teams' pages (whose FIRINGs reach every task as copies, in no order with them) are held, and go out
 * grouped under their teams' pages (TICKET, label {@code group}) when the copies arrive, not as pages of their own.
 */
class AlertGroupWaitIntegrationTest {

    private static final int TEAMS = 8;
    /**
     * Long enough that no child's wait ends before its parent's copy arrives on a loaded machine: the test sends the
     * parents only once every child is held, and shows that they are released by the parents, not by the wait.
     */
    private static final String GROUP_WAIT = "90s";

    @TempDir
    Path dataDir;

    @Test
    void shouldGroupChildrenHeldOnSeveralPartitionsUnderTheirTeamsPagesThatArriveAfterThem() throws Exception {
        try (GateOnBroker gate = GateOnBroker.start(dataDir, Map.of(AlertGateSettings.GROUP_WAIT, GROUP_WAIT));
                KafkaConsumer<byte[], byte[]> consumer = gate.consumer()) {
            SpendstreamTopics topics = gate.topics;
            consumer.subscribe(List.of(topics.alerts.name()));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < TEAMS; i++) {
                String tag = "{\"service\":\"shop-" + i + "\",\"team\":\"team-" + i + "\"}";
                gate.producer.send(topics.tags.serialize("i-" + i, tag.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < TEAMS; i++) {
                gate.producer.send(topics.burnRate.serialize("service:shop-" + i,
                        GateOnBroker.paging("service:shop-" + i, now)));
            }
            gate.producer.flush();
            await("every service's page held by its gate task").atMost(Duration.ofSeconds(60))
                    .until(() -> gate.counter(AlertGateTopology.WAITED) >= TEAMS);
            assertThat(gate.counter(AlertGateTopology.EMITTED)).as("nothing sent while held").isZero();

            for (int i = 0; i < TEAMS; i++) {
                gate.producer.send(topics.burnRate.serialize("team:team-" + i,
                        GateOnBroker.paging("team:team-" + i, now.plusSeconds(1))));
            }
            gate.producer.flush();

            List<ConsumerRecord<byte[], byte[]>> sent = new ArrayList<>();
            await("a FIRING for each team and each service").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(sent::add);
                        return sent.size() >= 2 * TEAMS;
                    });
            List<Alert> alerts = sent.stream().map(topics.alerts::value).toList();
            assertThat(alerts).extracting(Alert::getStatus).containsOnly(AlertStatus.FIRING);
            assertThat(alerts).extracting(Alert::getDedupKey).doesNotHaveDuplicates().hasSize(2 * TEAMS);
            for (int i = 0; i < TEAMS; i++) {
                String parent = parent(i);
                Alert child = only(alerts, child(i));
                assertThat(child.getSeverity()).as("%s under its paging team", child.getDedupKey())
                        .isEqualTo(Severity.TICKET);
                assertThat(child.getLabels()).containsEntry("group", parent).containsEntry("team", "team-" + i);
                assertThat(only(alerts, parent).getSeverity()).isEqualTo(Severity.PAGE);
            }
            assertThat(gate.counter(AlertGateTopology.GROUPED)).isEqualTo(TEAMS);
            Set<Integer> childTasks = new HashSet<>();
            IntStream.range(0, TEAMS).forEach(i -> childTasks.add(GateOnBroker.gatePartition(child(i))));
            long heldAwayFromTheirParent = IntStream.range(0, TEAMS)
                    .filter(i -> GateOnBroker.gatePartition(child(i)) != GateOnBroker.gatePartition(parent(i))).count();
            // The children were held on several gate tasks, and some not on their parent's: its FIRING reached them
            // as a copy.
            assertThat(childTasks).hasSizeGreaterThanOrEqualTo(3);
            assertThat(heldAwayFromTheirParent).isPositive();
        }
    }

    private static String child(int i) {
        return BurnRateRecords.dedupKey("service:shop-" + i);
    }

    private static String parent(int i) {
        return BurnRateRecords.dedupKey("team:team-" + i);
    }

    private static Alert only(List<Alert> alerts, String dedupKey) {
        return alerts.stream().filter(a -> a.getDedupKey().equals(dedupKey)).findFirst().orElseThrow(
                () -> new AssertionError("no alert " + dedupKey + " in " + alerts.stream().map(Alert::getDedupKey)
                        .toList()));
    }
}
