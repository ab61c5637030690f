package io.spendstream.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.anomaly.contributors.ContributorStates;
import io.spendstream.anomaly.spike.CostSpikeTopology;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.deploy.TopicReads;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.topics.TopicCreator;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Issue 18, chaos safety of the anomaly app's state handling: the detectors' states kept as objects and written once
 * per commit ({@code WriteBackKeyValueStore}, {@code ReadThroughStates}), the contributor baselines in two stores
 * ({@link ContributorStates}: each pending window its own record, tombstoned unread when it settles; the state budget
 * that bounds these records is not reached by in-order data, so not exercised here). Two anomaly apps, each its own JVM ({@link AppProcess}, {@code spendstream run anomaly}, exactly_once_v2,
 * four partitions, outputs and dead letters on topics of their own), read the same {@code spend.unit-cost} while it
 * arrives at a steady pace ({@link ContributorEstate}: two hours of eight services with three resources each, a
 * resource's spike, a service's drop and another resource's spike after an hour of history, so baselines and
 * contributor baselines are learned and pending windows exist at every commit). One runs undisturbed; the other is
 * SIGKILLed four times, spread over the two hours, each once it has committed again since its restart, and restarted
 * at once (its local state wiped as unclean, restored from the changelogs): twice at a random moment (in an open
 * transaction, between commits), twice as soon as a commit has written the states back and not finished.
 *
 * <p>At the end, read_committed: both wrote the same anomaly events per dedup key, in the same order and equal in
 * every field (ids, started-at, top contributors, figures), so no OPEN twice; and each detector store's changelog
 * holds the same latest value per key, byte for byte (the alert gate's stores are left out: their times are the wall
 * clock's). Nothing is dead-lettered, neither app exits by itself, and the kills bit: the killed app left records of
 * aborted transactions behind, written-back states among them.
 */
@Isolated("kills app processes: its restart timing must not compete with another test's broker")
class AnomalyCrashTest {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyCrashTest.class);

    private static final int PARTITIONS = 4;
    private static final int KILLS = 4;
    private static final long SEED = 18;
    /** One minute of the estate (32 updates) every 400 ms: its two hours take 48 s, as long as the kills. */
    private static final Duration MINUTE_PACE = Duration.ofMillis(400);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** What the app counts at start-up: task directories an unclean stop left, wiped to restore from changelogs. */
    private static final String WIPED = "spendstream_state_tasks_wiped_unclean_total";

    @TempDir
    Path dir;
    private String bootstrap;
    private Admin admin;
    private SpendstreamTopics topics;
    /** Each app's first exit by itself, with why. */
    private final Map<String, String> exits = new LinkedHashMap<>();
    /** Per restart of the killed app, the task directories it wiped to restore them from their changelogs. */
    private final List<Double> wiped = new ArrayList<>();

    @Test
    void shouldRaiseTheSameAnomaliesAndKeepTheSameStateWhenTheAnomalyAppIsKilledMidStream() throws Exception {
        long started = System.nanoTime();
        ContributorEstate estate = new ContributorEstate(PARTITIONS);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), FreePorts.next(),
                FreePorts.next(), Map.of());
                LocalSchemaRegistry registry = LocalSchemaRegistry.start(broker.bootstrapServers(), 0,
                        LocalSchemaRegistry.DEFAULT_STORAGE_TOPIC);
                Admin cluster = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
            this.bootstrap = broker.bootstrapServers();
            this.admin = cluster;
            this.topics = new SpendstreamTopics(TopicNames.defaults(), SchemaRegistryClients.forUrl(registry.url(),
                    null));
            TopicCreator.ensureTopics(admin, topics, new SpendstreamConfig(Map.of(TopicCreator.PARTITIONS,
                    Integer.toString(PARTITIONS))));
            AppProcess reference = anomalyApp("reference", registry.url());
            AppProcess killed = anomalyApp("killed", registry.url());
            try {
                sendWhileKilling(estate, reference, killed);
                await("both apps through all of the estate and their repartition topics").atMost(TIMEOUT)
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            noteExits(reference, killed);
                            return caughtUp(reference) && caughtUp(killed);
                        });
                noteExits(reference, killed);
                wiped.add(killed.metric(WIPED));
            } finally {
                reference.close();
                killed.close();
            }
            assertThat(exits).as("exits by themselves").isEmpty();
            assertThat(killed.starts()).as("starts of the killed app").isEqualTo(KILLS + 1);
            LOG.info("Task directories wiped and restored from their changelogs at each restart: {}", wiped);
            assertThat(wiped).as("task directories wiped at each restart").hasSize(KILLS).allMatch(n -> n > 0);

            Map<String, List<Anomaly>> expected = anomalies(reference);
            assertThatTheIncidentsAreThere(estate, expected);
            assertSameAnomaliesAndState(reference, expected, killed);
            assertTheKillsBit(killed);
            LOG.info("{} kills, {} s in all", KILLS, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
    }

    /**
     * Waits (up to 20 s) until the app's detector-state changelog holds records past its last stable offset: a commit
     * has written the changed states back (in {@code flushCache}, before the transaction commits) and not finished.
     * False when none was seen in time.
     */
    private boolean awaitCommitInFlight(AppProcess app) throws Exception {
        String topic = changelog(app, CostSpikeTopology.STORE);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            // The log end first: a commit that finishes between the two reads is not taken for one in flight.
            var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            if (latest.keySet().stream().anyMatch(tp -> end.get(tp).offset() > stable.get(tp).offset())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts both apps, sends the estate at {@link #MINUTE_PACE} from another thread, and SIGKILLs and restarts
     * {@code killed} {@value #KILLS} times meanwhile; returns once all is sent.
     */
    private void sendWhileKilling(ContributorEstate estate, AppProcess reference, AppProcess killed)
            throws Exception {
        reference.start();
        killed.start();
        reference.awaitReady(TIMEOUT);
        killed.awaitReady(TIMEOUT);
        List<List<ContributorEstate.Update>> minutes = estate.minutes(SEED);
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread sender = new Thread(() -> send(estate, minutes, sent, failure), "anomaly-crash-sender");
        sender.start();
        Random random = new Random(SEED);
        long committedAtStart = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            // Killed only once it has processed and committed again after its (re)start: a kill during its start-up
            // or restoration would test nothing. Spread over the estate's two hours (not before minutes 24, 48, 72
            // and 96 were sent: with a spike open, a drop pending, another spike open), at a random moment unrelated
            // to its commits.
            long since = committedAtStart;
            int minute = ContributorEstate.MINUTES * kill / (KILLS + 1);
            await("kill " + kill + ": minute " + minute + " sent, the killed app committed input since its start")
                    .atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                        noteExits(reference, killed);
                        return sent.get() >= minute && committed(killed) > since;
                    });
            if (kill > 1) {
                wiped.add(killed.metric(WIPED));
            }
            // Odd kills at a random moment (nearly always between commits: in an open transaction), even ones as
            // soon as a commit has written the states back and not finished (mid-commit).
            boolean midCommit = kill % 2 == 0 && awaitCommitInFlight(killed);
            if (kill % 2 == 1) {
                Thread.sleep(random.nextInt(1_000));
            }
            noteExits(reference, killed);
            killed.kill();
            committedAtStart = committed(killed);
            killed.start();
            LOG.info("SIGKILL {} of the anomaly app{} at minute {} of {} sent, {} records committed; restarted", kill,
                    midCommit ? " with a commit in flight" : "", sent.get(), ContributorEstate.MINUTES,
                    committedAtStart);
        }
        sender.join(TIMEOUT.toMillis());
        assertThat(sender.isAlive()).as("sender done").isFalse();
        assertThat(failure.get()).as("sending the estate").isNull();
    }

    /**
     * The killed app wrote the same anomaly events as the reference (per dedup key, in order, equal in every field),
     * no OPEN twice, no dead letter in either, and each detector store's changelog holds the same latest value per
     * key in both. Every difference at once: which incidents and which stores' keys differ says where to look.
     */
    private void assertSameAnomaliesAndState(AppProcess reference, Map<String, List<Anomaly>> expected,
            AppProcess killed) throws Exception {
        Map<String, List<Anomaly>> actual = anomalies(killed);
        Set<String> stores = detectorStores(reference);
        Set<String> killedStores = detectorStores(killed);
        assertThat(stores).contains(CostSpikeTopology.STORE, CostSpikeTopology.CONTRIBUTOR_STORE,
                ContributorStates.pendingStore(CostSpikeTopology.CONTRIBUTOR_STORE));
        List<String> read = new ArrayList<>(List.of(topicOf(reference, "dlq"), topicOf(killed, "dlq")));
        stores.forEach(store -> read.addAll(List.of(changelog(reference, store), changelog(killed, store))));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> committed = TopicReads.readAll(bootstrap, read,
                "read_committed");
        Map<String, Integer> keys = new TreeMap<>();
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(actual.keySet()).as("dedup keys").isEqualTo(expected.keySet());
            expected.forEach((key, events) -> softly.assertThat(actual.get(key)).as("events of %s", key)
                    .containsExactlyElementsOf(events));
            actual.forEach((key, events) -> softly.assertThat(events.stream()
                    .filter(a -> a.getState() == AnomalyState.OPEN).map(Anomaly::getAnomalyId))
                    .as("OPENs of %s", key).doesNotHaveDuplicates());
            softly.assertThat(committed.get(topicOf(reference, "dlq"))).as("dead letters of the reference").isEmpty();
            softly.assertThat(committed.get(topicOf(killed, "dlq"))).as("dead letters of the killed app").isEmpty();
            softly.assertThat(killedStores).as("changelogged stores").isEqualTo(stores);
            for (String store : stores) {
                Map<String, ByteBuffer> state = latest(committed.get(changelog(reference, store)));
                keys.put(store, state.size());
                softly.assertThat(differentKeys(state, latest(committed.get(changelog(killed, store)))))
                        .as("keys of %s whose latest state differs", store).isEmpty();
            }
        });
        LOG.info("Keys per store, the same in both apps: {}", keys);
        assertThat(keys.get(ContributorStates.pendingStore(CostSpikeTopology.CONTRIBUTOR_STORE)))
                .as("pending contributor windows at the end").isPositive();
    }

    /**
     * The kills bit: the killed app died inside transactions that had records on the broker already (seen
     * read_uncommitted, not read_committed), else this test would only show clean restarts.
     */
    private void assertTheKillsBit(AppProcess killed) throws Exception {
        List<String> written = new ArrayList<>(detectorStores(killed).stream().map(s -> changelog(killed, s))
                .toList());
        written.add(topicOf(killed, "anomalies"));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> committed = TopicReads.readAll(bootstrap, written,
                "read_committed");
        Map<String, List<ConsumerRecord<byte[], byte[]>>> uncommitted = TopicReads.readAll(bootstrap, written,
                "read_uncommitted");
        Map<String, Integer> aborted = new TreeMap<>();
        written.forEach(t -> aborted.put(t, uncommitted.get(t).size() - committed.get(t).size()));
        LOG.info("Records of the killed app's aborted transactions: {}", aborted);
        assertThat(aborted.values().stream().mapToInt(Integer::intValue).sum())
                .as("records of the killed app's aborted transactions").isPositive();
        assertThat(aborted.get(changelog(killed, CostSpikeTopology.STORE)))
                .as("states written back by commits killed in flight").isPositive();
    }

    /**
     * The reference run found the estate's incidents: the spike opened naming its resource and SKU first, and the
     * drop and the later spike each opened once, naming contributors of their own service.
     */
    private static void assertThatTheIncidentsAreThere(ContributorEstate estate, Map<String, List<Anomaly>> events) {
        Anomaly spike = onlyOpen(events, "cost-spike:service:" + estate.spiking());
        assertThat(spike.getType()).isEqualTo(AnomalyType.COST_SPIKE);
        assertThat(spike.getTopContributors()).extracting(Contributor::getName).startsWith(estate.spikingResource(),
                "db.r6g.large");
        Anomaly drop = onlyOpen(events, "cost-drop:service:" + estate.dropping());
        assertThat(drop.getTopContributors()).filteredOn(c -> c.getKind().equals("resource"))
                .extracting(Contributor::getName).startsWith("db-" + estate.dropping())
                .allMatch(name -> name.contains(estate.dropping()));
        Anomaly later = onlyOpen(events, "cost-spike:service:" + estate.spikingLater());
        assertThat(later.getTopContributors()).extracting(Contributor::getName)
                .startsWith(estate.spikingLaterResource());
    }

    private static Anomaly onlyOpen(Map<String, List<Anomaly>> events, String dedupKey) {
        assertThat(events).as("anomaly events").containsKey(dedupKey);
        List<Anomaly> opens = events.get(dedupKey).stream().filter(a -> a.getState() == AnomalyState.OPEN).toList();
        assertThat(opens).as("OPENs of %s", dedupKey).hasSize(1);
        return opens.get(0);
    }

    /** An anomaly app of its own application id, state directory and output topics; not started yet. */
    private AppProcess anomalyApp(String name, String registryUrl) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spendstream.application.id.prefix", name + "-");
        settings.put("spendstream.state.dir", dir.resolve("state-" + name).toString());
        settings.put(TopicCreator.PARTITIONS, Integer.toString(PARTITIONS));
        settings.put(TopicNames.PREFIX + "anomalies", name + ".anomalies");
        settings.put(TopicNames.PREFIX + "alerts", name + ".alerts");
        settings.put(TopicNames.PREFIX + "dlq", name + ".dlq");
        // Static membership, as deploy/kubernetes runs it: a restarted instance takes its tasks back at once instead
        // of waiting out its killed member's session.
        settings.put("group.instance.id", name + "-anomaly-0");
        // Transactions open for a second instead of 100 ms, and each commit writes a second's changed states: a kill
        // lands in a transaction with records on the broker or in a commit more often. Exactly-once does not depend
        // on the interval; both apps run with it, so it cannot explain a difference.
        settings.put("commit.interval.ms", "1000");
        return new AppProcess("anomaly", name, bootstrap, registryUrl, 0, settings, dir.resolve(name + ".log"));
    }

    /** The estate minute by minute at {@link #MINUTE_PACE}, each update at its event time, on its partition. */
    private void send(ContributorEstate estate, List<List<ContributorEstate.Update>> minutes, AtomicInteger sent,
            AtomicReference<Exception> failure) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (List<ContributorEstate.Update> minute : minutes) {
                for (ContributorEstate.Update update : minute) {
                    ProducerRecord<byte[], byte[]> bytes = topics.unitCost.serialize(update.service(), update.value());
                    producer.send(new ProducerRecord<>(bytes.topic(), estate.partition(update.service()),
                            update.timestamp().toEpochMilli(), bytes.key(), bytes.value()));
                }
                producer.flush();
                sent.incrementAndGet();
                Thread.sleep(MINUTE_PACE.toMillis());
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** Records the first unplanned exit of each app (and restarts it, as a supervisor would). */
    private void noteExits(AppProcess... apps) {
        for (AppProcess app : apps) {
            app.restartIfExited().ifPresent(reason -> exits.putIfAbsent(app.name(), reason + "; see " + app.log()));
        }
    }

    /** Offsets of {@code spend.unit-cost} the app's group has committed, summed over its partitions. */
    private long committed(AppProcess app) throws Exception {
        return admin.listConsumerGroupOffsets(app.applicationId()).partitionsToOffsetAndMetadata().get().entrySet()
                .stream().filter(e -> e.getKey().topic().equals(TopicNames.defaults().name("unit-cost")))
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /**
     * Whether the app has committed every partition of {@code spend.unit-cost} and of its repartition topics up to
     * its last stable offset: all input processed, and what it wrote to itself processed too.
     */
    private boolean caughtUp(AppProcess app) throws Exception {
        Set<String> inputs = new TreeSet<>(admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(app.applicationId() + "-") && t.endsWith("-repartition")).toList());
        inputs.add(TopicNames.defaults().name("unit-cost"));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(inputs).allTopicNames().get().forEach((topic, description) -> description.partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(app.applicationId())
                .partitionsToOffsetAndMetadata().get();
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        return latest.keySet().stream().allMatch(tp -> {
            OffsetAndMetadata offset = committed.get(tp);
            return (offset == null ? 0 : offset.offset()) >= stable.get(tp).offset();
        });
    }

    /** The app's anomaly events, read_committed, per dedup key in their order. */
    private Map<String, List<Anomaly>> anomalies(AppProcess app) {
        Map<String, List<Anomaly>> events = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReads.readAll(bootstrap, topicOf(app, "anomalies"),
                "read_committed")) {
            events.computeIfAbsent(topics.anomalies.key(record), k -> new ArrayList<>())
                    .add(topics.anomalies.value(record));
        }
        return events;
    }

    /** The stores of the app's detectors with a changelog: every store but the alert gate's. */
    private Set<String> detectorStores(AppProcess app) throws Exception {
        String prefix = app.applicationId() + "-";
        return admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(prefix) && t.endsWith("-changelog"))
                .map(t -> t.substring(prefix.length(), t.length() - "-changelog".length()))
                .filter(store -> !store.startsWith("anomaly-alert-"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String changelog(AppProcess app, String store) {
        return app.applicationId() + "-" + store + "-changelog";
    }

    /** The app's own name of one of the topics it writes ({@link #anomalyApp}). */
    private static String topicOf(AppProcess app, String logical) {
        return app.name() + "." + logical;
    }

    /** A changelog's latest value per key: what a restoration builds (a tombstone deletes). */
    private static Map<String, ByteBuffer> latest(List<ConsumerRecord<byte[], byte[]>> changelog) {
        Map<String, ByteBuffer> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : changelog) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, ByteBuffer.wrap(record.value()));
            }
        }
        return latest;
    }

    /** The keys that only one of two states has, or with different values in each. */
    private static Set<String> differentKeys(Map<String, ByteBuffer> expected, Map<String, ByteBuffer> actual) {
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        keys.removeIf(key -> Objects.equals(expected.get(key), actual.get(key)));
        return keys;
    }
}
