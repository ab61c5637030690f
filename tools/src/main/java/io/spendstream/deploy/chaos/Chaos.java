package io.spendstream.deploy.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.deploy.statesize.StoreSizes;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.topics.TopicCreator;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * The crash test ({@code spendstream chaos}, and its small CI version in the it module): an embedded broker and schema
 * registry in this JVM, each app as {@code instances} separate JVMs ({@link AppProcess}, {@code spendstream run},
 * static membership, standby replicas, exactly-once), a known workload ({@link ChaosWorkload}) sent at an even pace
 * while random instances are SIGKILLed every {@code interval} and restarted at once, as a supervisor (Kubernetes)
 * would; every instance that exits by itself is restarted too, and counted. Optionally a registry outage and a broker
 * restart in between. At the end, read_committed ({@link ChaosOutputs}): every money output must equal the input total
 * exactly.
 *
 * <p><b>Recovery time of a kill</b>: from the SIGKILL until (1) every instance of the killed app answers
 * {@code /ready} 200 again (Kafka Streams RUNNING: the group is stable and every active task restored) and (2) every
 * input partition the killed instance owned at the kill (the group's assignment of its members) has a committed offset
 * past the one it had at the kill, or at least at the partition's last stable offset at the kill: its partitions are
 * processed again (a partition with nothing to read at the kill counts at once). A kill is only aimed at an app with
 * no kill still recovering, so that each time is one kill's.
 *
 * <p>A <b>failover kill</b> keeps its instance down past the session timeout: its partitions move to the other
 * instances, which hold standbys of its tasks; it recovers once those process them (its own readiness is not waited
 * for), and the report says whether they own all of them then.
 *
 * <p><b>Manual steps</b>: an instance that is not RUNNING within {@code recoveryTimeout} although it was restarted
 * whenever it exited needs a person; the run stops there and reports it.
 */
public final class Chaos {

    /** What the run does. {@code registryOutage} null: none. {@code corruptEvery} 0: never. */
    public record Settings(int rows, List<String> apps, int instances, int partitions, int kills, Duration interval,
            Duration registryOutage, boolean brokerRestart, int corruptEvery, int failoverEvery,
            Duration sessionTimeout, int standbys, Duration recoveryTimeout, Duration settleTimeout, long seed,
            Path dataDir) {

        /**
         * How long a failover kill keeps its instance down: past the session timeout, with time for the rebalance
         * that moves its partitions and for the other instance to take them over.
         */
        Duration failoverDown() {
            return sessionTimeout.plusSeconds(15);
        }
    }

    /** One SIGKILL and its recovery (null while recovering, or when it never recovered). */
    public static final class Kill {
        final int number;
        final AppProcess victim;
        final long atNanos;
        final Map<TopicPartition, Long> committedAtKill;
        final Map<TopicPartition, Long> endAtKill;
        final boolean corrupted;
        /** Kept down past the session timeout: recovered once the other instances process its partitions. */
        final boolean failover;
        volatile Duration ready;
        volatile Duration recovered;
        /** Failover kills: whether the other instances owned all of its partitions when it recovered. */
        volatile boolean movedToOthers;

        Kill(int number, AppProcess victim, long atNanos, Map<TopicPartition, Long> committedAtKill,
                Map<TopicPartition, Long> endAtKill, boolean corrupted, boolean failover) {
            this.number = number;
            this.victim = victim;
            this.atNanos = atNanos;
            this.committedAtKill = committedAtKill;
            this.endAtKill = endAtKill;
            this.corrupted = corrupted;
            this.failover = failover;
        }

        public boolean failover() {
            return failover;
        }

        public boolean movedToOthers() {
            return movedToOthers;
        }

        public Duration recovered() {
            return recovered;
        }

        public String instance() {
            return victim.name();
        }
    }

    /** What the run found. */
    public record Report(BigDecimal inputTotal, int rows, List<ChaosOutputs.Figure> outputs, boolean allEqual,
            long deadLetters, List<Kill> kills, Map<String, Integer> unplannedExits, int storesHealed,
            int uncleanStarts, int manualSteps, Duration median, Duration elapsed) {

        public boolean passed() {
            return allEqual && deadLetters == 0 && manualSteps == 0
                    && kills.stream().allMatch(k -> k.recovered != null && (!k.failover || k.movedToOthers));
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final String PREFIX = "chaos-";

    private final Settings settings;
    private final PrintStream out;
    private final Random random;
    private final List<AppProcess> instances = new ArrayList<>();
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> unplannedExits = new LinkedHashMap<>();
    private final AtomicReference<String> manualStep = new AtomicReference<>();
    private volatile boolean stopping;
    private EmbeddedKafkaBroker broker;
    private LocalSchemaRegistry registry;
    private int brokerPort;
    private int controllerPort;
    private int registryPort;

    public Chaos(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
    }

    public Report run() throws Exception {
        long started = System.nanoTime();
        // Ctrl-C: the instances go with this JVM instead of running on.
        Thread cleanUp = new Thread(this::killAll, "chaos-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            return runAll(started);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
    }

    private Report runAll(long started) throws Exception {
        StoreSizes.deleteRecursively(settings.dataDir());
        Files.createDirectories(settings.dataDir().resolve("logs"));
        brokerPort = FreePorts.next();
        controllerPort = FreePorts.next();
        registryPort = FreePorts.next();
        startBroker();
        registry = LocalSchemaRegistry.start(broker.bootstrapServers(), registryPort,
                LocalSchemaRegistry.DEFAULT_STORAGE_TOPIC);
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
                SchemaRegistryClients.forUrl(registry.url(), null));
        ChaosWorkload workload = new ChaosWorkload(settings.rows(), settings.seed(),
                ChaosWorkload.startFor(settings.rows(), Instant.now()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
                ChaosOutputs outputs = new ChaosOutputs(broker.bootstrapServers(), topics)) {
            SpendstreamConfig topicConfig = new SpendstreamConfig(Map.of(TopicCreator.PARTITIONS,
                    Integer.toString(settings.partitions())));
            TopicCreator.ensureTopics(admin, topics, topicConfig);
            try (KafkaProducer<String, String> producer = producer()) {
                Stream.concat(workload.tags(topics).stream(), workload.budgets(topics).stream())
                        .forEach(producer::send);
                producer.flush();
            }
            startInstances();
            out.printf("%d apps x %d instances RUNNING after %d s; sending %,d rows over %d s, %d SIGKILLs every %d s"
                    + "%n",
                    settings.apps().size(), settings.instances(), seconds(System.nanoTime() - started),
                    settings.rows(), sendDuration().toSeconds(), settings.kills(), settings.interval().toSeconds());

            Thread supervisor = daemon("chaos-supervisor", this::supervise);
            Thread monitor = daemon("chaos-recovery", () -> watchRecoveries(admin));
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            Thread sender = daemon("chaos-sender", () -> send(topics, workload, sendFailure));
            try {
                killAndDisrupt(admin);
                sender.join();
                if (sendFailure.get() != null) {
                    throw sendFailure.get();
                }
                settle(outputs, workload);
            } finally {
                stopping = true;
                supervisor.join(5_000);
                monitor.join(5_000);
            }
            Report report = report(workload, outputs, started);
            print(report);
            return report;
        } finally {
            closeAll();
        }
    }

    private void startBroker() {
        broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"), brokerPort, controllerPort, Map.of());
    }

    private Duration sendDuration() {
        return settings.interval().multipliedBy(Math.max(1, settings.kills()));
    }

    private void startInstances() throws InterruptedException, IOException {
        for (String app : settings.apps()) {
            for (int i = 0; i < settings.instances(); i++) {
                String name = app + "-" + i;
                Map<String, String> set = new LinkedHashMap<>();
                set.put("spendstream.application.id.prefix", PREFIX);
                set.put("spendstream.state.dir", settings.dataDir().resolve("state").resolve(name).toString());
                set.put(TopicCreator.PARTITIONS, Integer.toString(settings.partitions()));
                // As the StatefulSets of deploy/kubernetes run: static membership (a restarted instance gets its own
                // tasks back without a rebalance), a standby of every task on the other instance.
                set.put("group.instance.id", PREFIX + name);
                set.put("session.timeout.ms", Long.toString(settings.sessionTimeout().toMillis()));
                set.put("num.standby.replicas", Integer.toString(settings.standbys()));
                // Every cost row re-evaluates its budget scope, so the latest burn rate holds every row.
                set.put("spendstream.burn-rate.emit-interval", "0s");
                AppProcess instance = new AppProcess(app, name, broker.bootstrapServers(), registry.url(), 0, set,
                        settings.dataDir().resolve("logs").resolve(name + ".log"));
                instances.add(instance);
                unplannedExits.put(name, new AtomicInteger());
            }
        }
        instances.forEach(AppProcess::start);
        for (AppProcess instance : instances) {
            instance.awaitReady(READY_TIMEOUT);
        }
    }

    /** Sends the rows evenly over the kills' time, batch by batch every 100 ms. */
    private void send(SpendstreamTopics topics, ChaosWorkload workload, AtomicReference<Exception> failure) {
        long started = System.nanoTime();
        long durationNanos = sendDuration().toNanos();
        try (KafkaProducer<String, String> producer = producer()) {
            int sent = 0;
            while (sent < workload.rows()) {
                long elapsed = System.nanoTime() - started;
                int due = (int) Math.min(workload.rows(), (double) workload.rows() * elapsed / durationNanos + 1);
                for (; sent < due; sent++) {
                    producer.send(workload.row(topics, sent));
                }
                Thread.sleep(100);
            }
            producer.flush();
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** The kills, and the registry outage and broker restart at a third and two thirds of them. */
    private void killAndDisrupt(Admin admin) throws Exception {
        long next = System.nanoTime();
        for (int k = 1; k <= settings.kills(); k++) {
            next += settings.interval().toNanos();
            sleepUntil(next);
            // Each outage alone: no kill still recovering (a kill's time would be the outage's, and a static member's
            // session restarts with a restarted broker's coordinator).
            if (settings.registryOutage() != null && k == Math.max(1, settings.kills() / 3)) {
                awaitRecoveries(settings.recoveryTimeout());
                registryOutage();
            }
            if (settings.brokerRestart() && k == Math.max(1, settings.kills() * 2 / 3)) {
                awaitRecoveries(settings.recoveryTimeout());
                brokerRestart();
                next = System.nanoTime();
            }
            AppProcess victim = nextVictim();
            if (victim == null) {
                throw new IllegalStateException(manualStep.get());
            }
            Map<TopicPartition, Long> committed = new HashMap<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            offsetsOwnedBy(admin, victim, committed, end);
            boolean failover = settings.failoverEvery() > 0 && k % settings.failoverEvery() == 0;
            boolean corrupt = !failover && settings.corruptEvery() > 0 && k % settings.corruptEvery() == 0;
            long at = System.nanoTime();
            if (failover) {
                victim.killAndHold();
                daemon("chaos-release-" + victim.name(), () -> {
                    sleep(settings.failoverDown().toMillis());
                    victim.release();
                });
            } else {
                victim.killAndRestart(corrupt ? () -> corruptOneStore(victim) : () -> { });
            }
            kills.add(new Kill(k, victim, at, committed, end, corrupt, failover));
            out.printf("  kill %2d: SIGKILL %s%s (%d partitions)%n", k, victim.name(),
                    corrupt ? ", one store's MANIFEST deleted before its restart"
                            : failover ? ", kept down " + settings.failoverDown().toSeconds() + " s" : "",
                    committed.size());
        }
        awaitRecoveries(settings.recoveryTimeout());
        // Instances kept down come back, every one must be RUNNING again by itself.
        for (AppProcess instance : instances) {
            if (!instance.awaitRunning(settings.recoveryTimeout())) {
                manualStep.compareAndSet(null, instance.name() + " not RUNNING within "
                        + settings.recoveryTimeout().toSeconds() + " s after the last kill");
            }
        }
    }

    /**
     * A random instance of an app with no kill recovering; waits for one up to the recovery timeout. Null when none
     * came (the manual step is recorded).
     */
    private AppProcess nextVictim() throws InterruptedException {
        long deadline = System.nanoTime() + settings.recoveryTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            List<AppProcess> candidates = instances.stream().filter(i -> !i.isHeld() && kills.stream()
                    .noneMatch(k -> k.recovered == null && k.victim.app().equals(i.app()))).toList();
            if (!candidates.isEmpty()) {
                return candidates.get(random.nextInt(candidates.size()));
            }
            Thread.sleep(200);
        }
        manualStep.compareAndSet(null, "No app recovered from its kill within " + settings.recoveryTimeout());
        return null;
    }

    private void awaitRecoveries(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (kills.stream().anyMatch(k -> k.recovered == null) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        kills.stream().filter(k -> k.recovered == null).forEach(k -> manualStep.compareAndSet(null,
                k.victim.name() + " did not recover from kill " + k.number + " within " + timeout.toSeconds() + " s"));
    }

    /** Deletes the MANIFEST of one RocksDB store of the killed instance, as a kill during Kafka Streams' wipe can. */
    private void corruptOneStore(AppProcess victim) {
        Path state = settings.dataDir().resolve("state").resolve(victim.name());
        try (Stream<Path> files = Files.walk(state)) {
            List<Path> manifests = files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).sorted()
                    .toList();
            if (!manifests.isEmpty()) {
                Files.delete(manifests.get(random.nextInt(manifests.size())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void registryOutage() throws InterruptedException {
        out.printf("  registry down for %d s%n", settings.registryOutage().toSeconds());
        registry.close();
        Thread.sleep(settings.registryOutage().toMillis());
        registry = LocalSchemaRegistry.start(broker.bootstrapServers(), registryPort,
                LocalSchemaRegistry.DEFAULT_STORAGE_TOPIC);
        out.println("  registry back");
    }

    private void brokerRestart() throws InterruptedException {
        out.println("  broker restart");
        long at = System.nanoTime();
        broker.close();
        startBroker();
        for (AppProcess instance : instances) {
            instance.awaitRunning(settings.recoveryTimeout());
        }
        out.printf("  broker back; every instance RUNNING %d s after the restart began%n",
                seconds(System.nanoTime() - at));
    }

    /** Restarts every instance that exited by itself, as Kubernetes restarts a crashed container. */
    private void supervise() {
        while (!stopping) {
            for (AppProcess instance : instances) {
                instance.restartIfExited().ifPresent(reason -> {
                    unplannedExits.get(instance.name()).incrementAndGet();
                    out.printf("  %s exited by itself (%s); restarted (see %s)%n", instance.name(), reason,
                            instance.log());
                });
            }
            sleep(500);
        }
    }

    /** Marks each kill recovered once its app's instances are RUNNING and its partitions processed again. */
    private void watchRecoveries(Admin admin) {
        while (!stopping) {
            try {
                checkRecoveries(admin);
            } catch (RuntimeException e) {
                // The broker restarting, say: the next round asks again.
                out.println("  (recovery check failed: " + e + ")");
            }
            sleep(250);
        }
    }

    private void checkRecoveries(Admin admin) {
        for (Kill kill : kills) {
            if (kill.recovered != null) {
                continue;
            }
            long now = System.nanoTime();
            if (kill.ready == null && kill.victim.isReady()) {
                kill.ready = Duration.ofNanos(now - kill.atNanos);
            }
            // A failover kill's instance is down on purpose: it recovers once the others own its partitions (the
            // group rebalanced after the session timeout), run and process them. Back before that, it is a kill like
            // any other, and the report says its partitions did not move.
            boolean awaitingFailover = kill.failover && kill.victim.isHeld();
            boolean othersRunning = instances.stream()
                    .filter(i -> i.app().equals(kill.victim.app()) && (i != kill.victim || !awaitingFailover))
                    .allMatch(AppProcess::isReady);
            if ((kill.ready != null || awaitingFailover) && othersRunning
                    && (!awaitingFailover || ownedByOthers(admin, kill)) && processedAgain(admin, kill)) {
                kill.movedToOthers = awaitingFailover;
                kill.recovered = Duration.ofNanos(now - kill.atNanos);
                out.printf("  kill %2d: %s recovered in %s (RUNNING after %s)%n", kill.number,
                        kill.victim.name(), secondsText(kill.recovered), secondsText(kill.ready));
            }
        }
    }

    /** Whether the other instances of the app own every partition the killed instance owned at the kill. */
    private static boolean ownedByOthers(Admin admin, Kill kill) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(kill.victim.applicationId()))
                    .describedGroups().get(kill.victim.applicationId()).get(10, TimeUnit.SECONDS);
            Set<TopicPartition> others = new HashSet<>();
            for (MemberDescription member : group.members()) {
                if (member.groupInstanceId().filter(id -> !id.startsWith(PREFIX + kill.victim.name() + "-"))
                        .isPresent()) {
                    others.addAll(member.assignment().topicPartitions());
                }
            }
            return !kill.committedAtKill.isEmpty() && others.containsAll(kill.committedAtKill.keySet());
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean processedAgain(Admin admin, Kill kill) {
        if (kill.committedAtKill.isEmpty()) {
            return true;
        }
        Map<TopicPartition, Long> committed;
        try {
            committed = committed(admin, kill.victim.applicationId());
        } catch (RuntimeException e) {
            return false;
        }
        return kill.committedAtKill.entrySet().stream().allMatch(e -> {
            long end = kill.endAtKill.get(e.getKey());
            long now = committed.getOrDefault(e.getKey(), e.getValue());
            return e.getValue() >= end || now > e.getValue() || now >= end;
        });
    }

    /**
     * The partitions the instance's members own now, their committed offsets (the log start offset where none was
     * committed: nothing read yet) and their last stable offsets (the end a read_committed consumer can reach: an
     * upstream transaction still open at the kill is not waited for).
     */
    private static void offsetsOwnedBy(Admin admin, AppProcess instance, Map<TopicPartition, Long> committed,
            Map<TopicPartition, Long> end) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(instance.applicationId()))
                    .describedGroups().get(instance.applicationId()).get(10, TimeUnit.SECONDS);
            Set<TopicPartition> owned = new HashSet<>();
            for (MemberDescription member : group.members()) {
                if (member.groupInstanceId().filter(id -> id.startsWith(PREFIX + instance.name() + "-")).isPresent()) {
                    owned.addAll(member.assignment().topicPartitions());
                }
            }
            Map<TopicPartition, Long> start = offsets(admin, owned, OffsetSpec.earliest());
            Map<TopicPartition, Long> all = committed(admin, instance.applicationId());
            end.putAll(offsets(admin, owned, OffsetSpec.latest()));
            owned.forEach(tp -> committed.put(tp, all.getOrDefault(tp, start.get(tp))));
        } catch (ExecutionException | TimeoutException e) {
            // No assignment known (the group is rebalancing): the kill's recovery is then its instances' readiness.
            committed.clear();
            end.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS).forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> committed = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    committed.put(tp, o.offset());
                }
            });
            return committed;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the offsets of " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads the outputs until every one equals the input, or the settle timeout. */
    private void settle(ChaosOutputs outputs, ChaosWorkload workload) {
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        do {
            outputs.poll(Duration.ofMillis(500));
        } while (!outputs.allEqual(workload.total(), workload.rows()) && System.nanoTime() < deadline);
        // A last look: whatever else committed (a doubled record would show now).
        long quiet = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < quiet) {
            outputs.poll(Duration.ofMillis(500));
        }
    }

    private Report report(ChaosWorkload workload, ChaosOutputs outputs, long started) {
        List<Duration> times = kills.stream().map(k -> k.recovered).filter(java.util.Objects::nonNull).sorted()
                .toList();
        Duration median = times.isEmpty() ? null : times.size() % 2 == 1 ? times.get(times.size() / 2)
                : times.get(times.size() / 2 - 1).plus(times.get(times.size() / 2)).dividedBy(2);
        Map<String, Integer> exits = new LinkedHashMap<>();
        unplannedExits.forEach((name, count) -> exits.put(name, count.get()));
        int manual = manualStep.get() == null && instances.stream().allMatch(AppProcess::isReady) ? 0 : 1;
        return new Report(workload.total(), workload.rows(), outputs.figures(),
                outputs.allEqual(workload.total(), workload.rows()), outputs.deadLetters(), List.copyOf(kills), exits,
                logLines("cannot be opened", "wiping task"), logLines("did not stop cleanly", "wiping"), manual, median,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Lines of the instances' logs with both texts: StateHealer's, one per unopenable store wiped, one per start that
     * wiped the state an unclean stop left.
     */
    private int logLines(String text, String alsoText) {
        int count = 0;
        for (AppProcess instance : instances) {
            try (Stream<String> lines = Files.lines(instance.log())) {
                count += (int) lines.filter(l -> l.contains(text) && l.contains(alsoText)).count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return count;
    }

    private void print(Report report) {
        out.println();
        out.printf("Input: %,d FOCUS rows, total %s USD%n", report.rows(), report.inputTotal().toPlainString());
        out.printf("%-40s %22s %9s  %s%n", "output (read_committed)", "total", "records", "equal");
        for (ChaosOutputs.Figure figure : report.outputs()) {
            out.printf("%-40s %22s %9d  %s%n", figure.output(), figure.total().stripTrailingZeros().toPlainString(),
                    figure.count(), figure.total().compareTo(report.inputTotal()) == 0 ? "yes" : "NO");
        }
        out.printf("dead letters: %d%n", report.deadLetters());
        out.println();
        out.println("Recovery per kill (SIGKILL -> the app's instances RUNNING and the killed instance's partitions "
                + "committed past their offsets at the kill):");
        for (Kill kill : report.kills()) {
            out.printf("  kill %2d  %-16s RUNNING %6s  recovered %6s%s%n", kill.number, kill.victim.name(),
                    secondsText(kill.ready), secondsText(kill.recovered),
                    kill.corrupted ? "  (store made unopenable: healed at start-up)"
                            : kill.failover ? "  (kept down " + settings.failoverDown().toSeconds() + " s: its partitions "
                                    + (kill.movedToOthers ? "moved to the other instance" : "did NOT move") + ")"
                            : "");
        }
        out.printf("median %s, max %s over %d kills%n", secondsText(report.median()),
                secondsText(report.kills().stream().map(k -> k.recovered).filter(java.util.Objects::nonNull)
                        .max(Duration::compareTo).orElse(null)), report.kills().size());
        out.printf("unopenable stores healed at start-up: %d; starts that wiped what an unclean stop left: %d; exits "
                + "by themselves (restarted by the supervisor): %s; manual steps: %d%s%n", report.storesHealed(),
                report.uncleanStarts(), report.unplannedExits(), report.manualSteps(),
                manualStep.get() == null ? "" : " (" + manualStep.get() + ")");
        out.printf("%s in %d s%n", report.passed() ? "PASSED" : "FAILED", report.elapsed().toSeconds());
    }

    private static String secondsText(Duration d) {
        return d == null ? "-" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // Rides out a broker restart: retries, idempotent, so nothing is sent twice.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(10).toMillis());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private void killAll() {
        for (AppProcess instance : instances) {
            try {
                instance.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeAll() {
        stopping = true;
        for (AppProcess instance : instances) {
            try {
                instance.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }
}
