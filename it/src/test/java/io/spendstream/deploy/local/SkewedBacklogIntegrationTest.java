package io.spendstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.runtime.RunningApp;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Issue 17's must-show on a real broker: an estate's history loaded at once raises the same anomalies on four
 * partitions, skewed on purpose, as on one partition in order, and the incident inside it is still caught. The
 * whole pipeline ({@link LocalPipeline}, the four apps as {@code spendstream up} runs them) once per partition
 * count, each on its own broker (a pipeline owns its broker), the same FOCUS rows.
 *
 * <p>Skewed on purpose: on four partitions every usage row is written to a partition of {@code spend.usage-raw}
 * chosen by weight (1 / 0.9 / 0.8 / 0.75 of the rows' pace: the partition with the most rows per minute of event
 * time falls behind the others as the tasks read their partitions at about the same record rate), and ingest
 * re-keys them by line item, so one service's rows of one minute reach attribution and the detector from several
 * partitions, interleaved. On one partition they are written in event-time order.
 *
 * <p>The consumers' default fetch size, the hard case: a partition of this backlog is about one fetch, so at the
 * detector the skew is most of the six hours. The anomaly app holds each series whose history arrives out of order
 * until no such update has come for the catch-up quiet (30 s of wall clock), then replays its windows in order
 * ({@code CostSpikeLifecycle}'s catch-up hold); so once the backlog is read the four-partition run waits that long,
 * and both send one live minute of every service, as an estate that goes on after its backlog does (the series'
 * next update ends the hold). Default settings otherwise (the new-spend rule on).
 */
class SkewedBacklogIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SERVICES = 20;
    /** Each service's resources: two rows a minute per service, each of its own line item. */
    private static final int RESOURCES = 2;
    private static final Duration HISTORY = Duration.ofHours(6);
    private static final int INCIDENT_SERVICE = 7;
    private static final Duration INCIDENT_AT = Duration.ofHours(4);
    private static final int INCIDENT_MINUTES = 15;
    private static final double[] PACE = {1.0, 0.9, 0.8, 0.75};

    @TempDir
    Path dataDir;

    @Test
    void shouldRaiseTheSameAnomaliesOnASkewedFourPartitionBacklogAsOnOnePartitionInOrder() throws Exception {
        Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(HISTORY);
        List<Row> rows = estate(0, (int) HISTORY.toMinutes());
        List<Row> live = estate((int) HISTORY.toMinutes(), (int) HISTORY.toMinutes() + 1);

        long started = System.nanoTime();
        List<Anomaly> ordered = opened(Files.createDirectory(dataDir.resolve("one")), 1, from, rows, live);
        long orderedSeconds = (System.nanoTime() - started) / 1_000_000_000L;
        started = System.nanoTime();
        List<Anomaly> skewed = opened(Files.createDirectory(dataDir.resolve("four")), 4, from, rows, live);
        long skewedSeconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf("SkewedBacklogIntegrationTest: %d services x %s, %d usage rows; one partition %d s, "
                + "four partitions %d s; opened in order %s, skewed %s%n", SERVICES, HISTORY, rows.size(),
                orderedSeconds, skewedSeconds, ids(ordered), ids(skewed));

        // In order, the incident and nothing else: service-07 and its team (which has no other service), at 04:00.
        Instant incidentStart = from.plus(INCIDENT_AT);
        assertThat(ordered).extracting(Anomaly::getDedupKey).containsExactlyInAnyOrder(
                "cost-spike:service:" + service(INCIDENT_SERVICE), "cost-spike:team:" + team(INCIDENT_SERVICE));
        assertThat(ordered).allSatisfy(a -> assertThat(a.getStartedAt()).isEqualTo(incidentStart));
        // Skewed: the same anomalies, each opened once, from the incident's first minute (the held windows are
        // judged in order).
        assertThat(skewed).extracting(Anomaly::getAnomalyId)
                .containsExactlyInAnyOrderElementsOf(ordered.stream().map(Anomaly::getAnomalyId).toList());
    }

    private static List<String> ids(List<Anomaly> anomalies) {
        return anomalies.stream().map(a -> a.getAnomalyId() + " (" + a.getSummary() + ")").toList();
    }

    /** One usage row: its resource, minute and cost. */
    private record Row(int service, int resource, int minute, BigDecimal cost) {
    }

    /** The estate's rows of minutes {@code first} (inclusive) to {@code last} (exclusive) from its start. */
    private static List<Row> estate(int first, int last) {
        Random random = new Random(17 + first);
        List<Row> rows = new ArrayList<>();
        int incidentFrom = (int) INCIDENT_AT.toMinutes();
        for (int m = first; m < last; m++) {
            double hour = m / 60.0;
            double cycle = 1 + 0.2 * Math.sin(2 * Math.PI * hour / 24);
            for (int s = 0; s < SERVICES; s++) {
                double perMinute = 0.5 + s * 0.4;
                boolean incident = s == INCIDENT_SERVICE && m >= incidentFrom && m < incidentFrom + INCIDENT_MINUTES;
                for (int r = 0; r < RESOURCES; r++) {
                    double cost = perMinute / RESOURCES * cycle * (incident ? 10 : 1)
                            * (1 + 0.05 * random.nextGaussian());
                    rows.add(new Row(s, r, m, BigDecimal.valueOf(cost).setScale(6, RoundingMode.HALF_EVEN)));
                }
            }
        }
        return rows;
    }

    /**
     * Runs the pipeline on {@code partitions}, loads the rows at once, waits until every app has drained, then the
     * catch-up quiet, and sends the {@code live} rows; the anomalies opened once that is drained too.
     */
    private static List<Anomaly> opened(Path dir, int partitions, Instant from, List<Row> rows, List<Row> live)
            throws Exception {
        try (LocalPipeline pipeline = TestPipelines.start(dir, "skew" + partitions,
                Map.of("spendstream.topics.partitions", String.valueOf(partitions)));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        pipeline.bootstrapServers()))) {
            SpendstreamTopics topics = TestPipelines.topics(pipeline);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new StringSerializer())) {
                for (int s = 0; s < SERVICES; s++) {
                    for (int r = 0; r < RESOURCES; r++) {
                        ObjectNode tag = JSON.createObjectNode().put("service", service(s)).put("team", team(s))
                                .put("validFrom", from.minus(Duration.ofDays(1)).toString());
                        producer.send(new ProducerRecord<>(topics.tags.name(), resource(s, r), tag.toString()));
                    }
                }
                producer.flush();
                awaitDrained(admin, pipeline, Set.of(topics.tags.name()));
                Random placement = new Random(4);
                Set<String> producedByUs = Set.of(topics.usageRaw.name(), topics.tags.name());
                send(producer, topics, rows, partitions, placement, from);
                awaitDrained(admin, pipeline, producedByUs);
                if (partitions > 1) {
                    // The anomaly app ends a series' catch-up hold on its first update after the quiet (wall clock).
                    // In order nothing is held (no history arrives more than a window behind its series' newest).
                    long quietUntil = System.nanoTime() + CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET.toNanos();
                    await("the catch-up quiet").atMost(CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET.plusSeconds(5))
                            .pollInterval(Duration.ofMillis(500)).until(() -> System.nanoTime() >= quietUntil);
                }
                send(producer, topics, live, partitions, placement, from);
                awaitDrained(admin, pipeline, producedByUs);
            }
            List<Anomaly> anomalies = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = TestPipelines.consumer(pipeline)) {
                Map<TopicPartition, Long> ends = lastStableOffsets(admin, topics.anomalies.name(), partitions);
                consumer.assign(ends.keySet());
                consumer.seekToBeginning(ends.keySet());
                await("read " + topics.anomalies.name() + " to its end").atMost(Duration.ofSeconds(60)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        TestPipelines.collect(r, topics.anomalies, anomalies);
                    }
                    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                });
            }
            return anomalies.stream().filter(a -> a.getState() == AnomalyState.OPEN).toList();
        }
    }

    /** Sends the usage rows: on one partition as they come (in event-time order), else to a weighted partition. */
    private static void send(KafkaProducer<String, String> producer, SpendstreamTopics topics, List<Row> rows,
            int partitions, Random placement, Instant from) {
        for (Row row : rows) {
            Integer partition = partitions == 1 ? null : weighted(placement);
            Instant start = from.plusSeconds(60L * row.minute());
            producer.send(new ProducerRecord<>(topics.usageRaw.name(), partition, start.toEpochMilli(),
                    resource(row.service(), row.resource()), usageRow(row, start)));
        }
        producer.flush();
    }

    /** A partition of four, the first with the most rows: weights 1 / pace. */
    private static int weighted(Random random) {
        double total = 0;
        for (double pace : PACE) {
            total += 1 / pace;
        }
        double pick = random.nextDouble() * total;
        for (int p = 0; p < PACE.length; p++) {
            pick -= 1 / PACE[p];
            if (pick < 0) {
                return PACE.length - 1 - p;
            }
        }
        return 0;
    }

    /**
     * Waits until every app of the pipeline has committed the end of every input partition of its tasks, twice in a
     * row. Topics written in transactions end with a commit marker: their last stable offset is one past it.
     */
    private static void awaitDrained(Admin admin, LocalPipeline pipeline, Set<String> nonTransactional) {
        int[] inARow = {0};
        await("every app has processed all its input").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    boolean drained = true;
                    for (RunningApp app : pipeline.apps()) {
                        Set<TopicPartition> inputs = app.streams().metadataForLocalThreads().stream()
                                .flatMap(thread -> thread.activeTasks().stream())
                                .flatMap(task -> task.topicPartitions().stream()).collect(Collectors.toSet());
                        drained &= !inputs.isEmpty();
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                app.applicationId()).partitionsToOffsetAndMetadata().get();
                        for (Map.Entry<TopicPartition, Long> end : ends(admin, inputs).entrySet()) {
                            long slack = nonTransactional.contains(end.getKey().topic()) ? 0 : 1;
                            OffsetAndMetadata at = committed.get(end.getKey());
                            drained &= end.getValue() == 0
                                    || (at != null && at.offset() >= end.getValue() - slack);
                        }
                    }
                    inARow[0] = drained ? inARow[0] + 1 : 0;
                    return inARow[0] >= 2;
                });
    }

    private static Map<TopicPartition, Long> lastStableOffsets(Admin admin, String topic, int partitions)
            throws Exception {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return ends(admin, all);
    }

    private static Map<TopicPartition, Long> ends(Admin admin, Collection<TopicPartition> partitions)
            throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(),
                        tp -> OffsetSpec.latest())), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> e.getValue().offset()));
    }

    private static String usageRow(Row row, Instant start) {
        String id = resource(row.service(), row.resource());
        return JSON.createObjectNode()
                .put("EffectiveCost", row.cost().toPlainString())
                .put("BilledCost", row.cost().toPlainString())
                .put("BillingCurrency", "USD")
                .put("ChargePeriodStart", start.toString())
                .put("ChargePeriodEnd", start.plusSeconds(60).toString())
                .put("ChargeCategory", "Usage")
                .put("ResourceId", id)
                .put("x_LineItemId", id + "-" + start.toEpochMilli())
                .toString();
    }

    private static String service(int s) {
        return String.format("service-%02d", s);
    }

    private static String team(int s) {
        return String.format("team-%02d", s);
    }

    private static String resource(int s, int r) {
        return String.format("i-%02d-%d", s, r);
    }
}
