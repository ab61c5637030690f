package io.spendstream.deploy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.AnomalyState;
import io.spendstream.deploy.AppLogLines;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.dlq.GuardedClientSupplier;
import io.spendstream.runtime.topics.TopicCreator;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * One benchmark run, every phase on the same broker (see docs/performance.md for what each figure means):
 * <ol>
 *   <li>pre-load the {@link Workload} into the raw and reference topics (not timed);</li>
 *   <li>the {@link PassThroughApp} over the raw topics; each Spendstream app alone over its real input (ingest over
 *       the raw topics, then enrich over what ingest wrote, and so on: {@link Phase#ALONE}); the full pipeline, four
 *       apps at once ({@link Phase#FULL}). The pass-through is one JVM, each app another ({@link ChildApp}), which
 *       runs its alone phase, then its part of the full pipeline. Every phase at steady state ({@link #steady}):
 *       under load for a warm-up, its input topped up as its rate needs, then measured over consecutive windows,
 *       its rate from its consumer groups' committed offsets;</li>
 *   <li>latency at half the full pipeline's median rate: first the pass-through, in its JVM, on topics of its own,
 *       then the pipeline in its JVMs, on raw topics of its own, with unit-cost probes and alert spikes
 *       ({@link LatencyRun}).</li>
 * </ol>
 * Topics of a phase are named {@code <bench id>.<phase>.<logical>} (e.g. {@code bench-x.alone.cost}) through the
 * {@code spendstream.topic.*} overrides, so phases never read each other's output except where meant (an app alone
 * reads what the app before it wrote alone); the raw and reference topics {@code <bench id>.<logical>} are shared.
 */
public final class Bench {

    /** Logical topics every phase shares: the pre-loaded inputs. */
    static final List<String> SHARED = List.of("usage-raw", "apm-raw", "tags", "budgets", "fx-rates", "prices",
            "silences");

    enum Phase { PASSTHROUGH, ALONE, FULL }

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** Starts the line that says the apps logged ERRORs while benchmarked. */
    static final String APP_ERRORS_WARNING = "WARNING: the apps logged ERROR lines while benchmarked";
    /** How far ahead of the clock the bench's records may lie: its topics accept any time (see aheadOfTheClock). */
    private static final String BENCH_TIMESTAMP_AFTER_MAX = "3650d";
    /** How long the latency pipeline may take over the alert services' history before the load starts. */
    private static final Duration HISTORY_TIMEOUT = Duration.ofMinutes(5);
    /** How often the warm-up looks at a phase's rate and what is left of its input. */
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    private static final Duration MIN_CHECK = Duration.ofSeconds(1);
    /** How much longer than the warm-up top-ups may make it before the bench measures anyway. */
    private static final Duration MAX_TOP_UP_EXTENSION = Duration.ofMinutes(3);
    /**
     * The JIT compiler's share of a phase's CPU between two looks at or above which its warm-up goes on after its
     * time, for up to one more warm-up: its hot code is still being compiled, and a measurement then would count the
     * compiler (the steady-state verdict wants it below {@value BenchReport#STEADY_JIT_PERCENT}% while measured; half
     * of that at the warm-up's end leaves room for what compiles late).
     */
    static final double WARM_JIT_SHARE = BenchReport.STEADY_JIT_PERCENT / 200;
    private static final Duration DRAIN = Duration.ofSeconds(30);
    /** Records the pass-through's loop holds (see {@link #fillLoop}). */
    static final long LOOP_RECORDS = 200_000;
    private static final long BENCH_PID = ProcessHandle.current().pid();
    /** The CPU time of this JVM (the embedded broker, the registry, the clock) while a phase is measured. */
    static final String BENCH_CPU = "broker-and-bench";

    private final BenchSettings settings;
    private final PrintStream log;
    private final String run;
    private final Path logDir;
    private String bootstrap;
    private String registryUrl;
    private Workload workload;
    private ChildApp.Launch launch;
    private final BenchResults results = new BenchResults();
    private WallTime wallTime;
    /** When the last throughput phase's clock stopped (or the pre-load ended): where the next phase's time starts. */
    private long phaseBoundary;
    /** The next minute of regular traffic to write into the shared raw topics (after the pre-load's). */
    private volatile long nextMinute;

    public Bench(BenchSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
        this.run = "bench-" + Long.toString(System.currentTimeMillis(), 36);
        this.logDir = settings.dataDir().resolve("logs");
    }

    /** Runs every phase and returns the figures; progress goes to the log stream. */
    public BenchResults run() throws Exception {
        wallTime = new WallTime(System.nanoTime());
        resetDataDir();
        EmbeddedKafkaBroker broker = null;
        LocalSchemaRegistry registry = null;
        try {
            if (settings.embeddedBroker()) {
                broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"), FreePorts.next(),
                        FreePorts.next(), Map.of());
                bootstrap = broker.bootstrapServers();
            } else {
                bootstrap = settings.bootstrapServers();
            }
            if (settings.registryUrl() == null) {
                registry = LocalSchemaRegistry.start(bootstrap, 0, run + "-schemas");
                registryUrl = registry.url();
            } else {
                registryUrl = settings.registryUrl();
            }
            launch = new ChildApp.Launch(settings.appHeap(), settings.appJavaOptions(), settings.flightRecorder(),
                    logDir, System.getProperty("java.class.path"));
            log.printf("Benchmark %s on %s (registry %s); logs in %s%n", run, bootstrap, registryUrl, logDir);
            workload = new Workload(settings.resources(), settings.services(), 42,
                    Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(12)));
            createPhaseTopics();
            preload();
            phaseBoundary = wallTime.since(WallTime.SET_UP, wallTime.startedNanos());
            measure();
            warnOfAppErrors();
            return results;
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (broker != null) {
                broker.close();
            }
            log.println(wallTime.summary(System.nanoTime()));
        }
    }

    /**
     * An app that logs ERRORs while measured is measuring its error handling (a dead letter per record, a retry loop),
     * not its work: said at the end, per app, so that nobody quotes such figures.
     */
    private void warnOfAppErrors() throws IOException {
        Map<String, Long> errors = new TreeMap<>();
        try (var logs = Files.list(logDir)) {
            for (Path appLog : logs.filter(p -> p.toString().endsWith(".log") && !p.toString().endsWith(".gc.log"))
                    .toList()) {
                try (var lines = Files.lines(appLog, StandardCharsets.ISO_8859_1)) {
                    long count = lines.filter(AppLogLines::isError).count();
                    if (count > 0) {
                        errors.put(appLog.getFileName().toString(), count);
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            log.printf("%s %s: their figures may measure error handling, not work; see %s%n", APP_ERRORS_WARNING,
                    errors, logDir);
        }
    }

    private void resetDataDir() throws IOException {
        if (Files.exists(settings.dataDir())) {
            try (var files = Files.walk(settings.dataDir())) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(logDir);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pre-load

    private void preload() throws Exception {
        SpendstreamTopics shared = topics(names("shared"));
        createSharedTopics(shared);
        long started = System.nanoTime();
        long sent = 0;
        try (KafkaProducer<String, String> producer = loadProducer()) {
            List<ProducerRecord<String, String>> reference = new ArrayList<>();
            reference.addAll(workload.prices(shared));
            reference.addAll(workload.fxRates(shared));
            reference.addAll(workload.tags(shared));
            reference.addAll(workload.budgets(shared));
            reference.forEach(producer::send);
            // Reference data first: tags valid before the first cost row, prices there before rows need them.
            producer.flush();
            sent += reference.size();
            for (ProducerRecord<String, String> record : workload.alertHistory(shared, settings.alertServices(),
                    settings.partitions())) {
                producer.send(record);
                sent++;
            }
            for (int m = 0; m < settings.minutes(); m++) {
                for (ProducerRecord<String, String> record : workload.interval(shared, m)) {
                    producer.send(record);
                    sent++;
                }
            }
            producer.flush();
        }
        nextMinute = settings.minutes();
        long loop = fillLoop(topics(ownRawNames("passthrough")));
        // The top-ups' templates, rendered now, not while a phase runs.
        workload.repeatedInterval(shared, nextMinute);
        try (CatchUp catchUp = new CatchUp(bootstrap)) {
            results.inputEvents = catchUp.count(List.of(shared.usageRaw.name(), shared.apmRaw.name()));
        }
        log.printf("Pre-loaded %,d records in %.1f s: %,d input events (FOCUS rows and APM summaries) over %,d "
                + "resources, %,d services, %d minutes; %d warmed-up alert services%n", sent,
                seconds(System.nanoTime() - started), results.inputEvents, settings.resources(), settings.services(),
                settings.minutes(), settings.alertServices());
        log.printf("Pass-through input: %,d records of the same estate in its own raw topics, a loop (each record it "
                + "reads it appends again)%n", loop);
    }

    /** The shared topics, with the settings the apps would give them (raw topics: the broker's append time). */
    private void createSharedTopics(SpendstreamTopics topics) {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(TopicCreator.PARTITIONS,
                Integer.toString(settings.partitions())));
        Map<String, String> names = names("shared");
        List<String> sharedNames = SHARED.stream().map(names::get).toList();
        List<String> raw = List.of(topics.usageRaw.name(), topics.apmRaw.name());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> plan = new ArrayList<>();
            // The same topic settings the apps would create (compaction for reference topics), shared topics only.
            for (NewTopic topic : TopicCreator.plan(topics, config, Set.of())) {
                if (!sharedNames.contains(topic.name())) {
                    continue;
                }
                plan.add(raw.contains(topic.name()) ? withAppendTime(topic) : topic);
            }
            TopicCreator.awaitCreated(admin.createTopics(plan).values());
        }
    }

    /**
     * Every throughput phase's topics, in one request before the first phase, with the settings the apps would give
     * them: no app start-up waits for topic creation (not measured either way, but part of every start on a busy
     * broker). The apps still check that their topics exist. Kafka Streams' internal topics are the apps' own.
     */
    private void createPhaseTopics() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(TopicCreator.PARTITIONS,
                Integer.toString(settings.partitions())));
        Map<String, String> shared = names("shared");
        Set<String> planned = new HashSet<>(SHARED.stream().map(shared::get).toList());
        List<NewTopic> plan = new ArrayList<>();
        List<Map<String, String>> phases = List.of(ownRawNames("passthrough"), names("alone"), names("full"),
                ownRawNames("latency.full"), ownRawNames("latency.passthrough"));
        for (Map<String, String> names : phases) {
            List<String> raw = List.of(names.get("usage-raw"), names.get("apm-raw"));
            for (NewTopic topic : TopicCreator.plan(topics(names), config, planned)) {
                plan.add(aheadOfTheClock(raw.contains(topic.name()) ? withAppendTime(topic) : topic));
                planned.add(topic.name());
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.awaitCreated(admin.createTopics(plan).values());
        }
    }

    /** Raw topics take the broker's append time, so a probe's append time is what the producer gets back. */
    private static NewTopic withAppendTime(NewTopic topic) {
        return with(topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    }

    /**
     * Event times in the bench run ahead of the clock where the phases' top-ups need hours of traffic (a small estate
     * that a phase works through in many minutes per second, and the shifted copies, hours after the original): the
     * broker would refuse their records (message.timestamp.after.max.ms, one hour by default). For the apps' internal
     * topics the same through Kafka Streams' {@code topic.} prefix ({@link #settings}).
     */
    private static NewTopic aheadOfTheClock(NewTopic topic) {
        return with(topic, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.toString(Long.MAX_VALUE));
    }

    private static NewTopic with(NewTopic topic, String key, String value) {
        Map<String, String> configs = new LinkedHashMap<>(topic.configs() == null ? Map.of() : topic.configs());
        configs.put(key, value);
        return topic.configs(configs);
    }

    private KafkaProducer<String, String> loadProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Throughput phases

    /**
     * Every phase at steady state ({@link #steady}): the pass-through in its JVM; each app alone, then the full
     * pipeline, in one JVM per app that runs them one after the other (so the full pipeline finds its code compiled
     * by the alone phase); then latency, in the same JVMs. Memory is read from those JVMs when they stop.
     */
    private void measure() throws Exception {
        log.printf("Throughput: each phase runs under load for %s (warm-up, not counted), then is measured for %s "
                + "in %d consecutive window%s of %s (the table: medians)%n", settings.warmUp(), settings.measure(),
                settings.repeats(), settings.repeats() > 1 ? "s" : "", settings.window());
        ChildApp passThrough = null;
        Map<String, ChildApp> apps = new LinkedHashMap<>();
        try (CatchUp catchUp = new CatchUp(bootstrap)) {
            passThrough = passThrough(catchUp);
            if (stopsHere(BenchSettings.PASS_THROUGH)) {
                return;
            }
            for (String app : Apps.names()) {
                apps.put(app, ChildApp.launch(app, app, launch));
                alone(catchUp, app, apps.get(app));
                if (stopsHere(app)) {
                    return;
                }
            }
            full(catchUp, apps);
            if (stopsHere(BenchSettings.FULL)) {
                return;
            }
            latency(catchUp, passThrough, apps);
            wallTime.since(WallTime.LATENCY, phaseBoundary);
        } finally {
            long stopping = System.nanoTime();
            List<ChildApp> last = new ArrayList<>(apps.values());
            if (passThrough != null) {
                last.add(passThrough);
            }
            List<ChildApp.Memory> memory = ChildApp.stopAll(last);
            for (int i = 0; i < apps.size(); i++) {
                results.addMemory(Phase.FULL, appOf(last.get(i)), memory.get(i));
            }
            if (passThrough != null) {
                results.addMemory(Phase.PASSTHROUGH, PassThroughApp.NAME, memory.get(memory.size() - 1));
            }
            wallTime.since(WallTime.BETWEEN, stopping);
        }
    }

    /** True (and said) when the run ends after {@code phase} ({@code --stop-after}). */
    private boolean stopsHere(String phase) {
        if (settings.stopsAfter(phase)) {
            log.printf("Stopping after %s (--stop-after): the phases after it and the latency phase do not run%n",
                    phase);
            return true;
        }
        return false;
    }

    /**
     * The pass-through in a loop over raw topics of its own ({@link PassThroughApp#LOOP}): filled in the pre-load
     * with {@link #LOOP_RECORDS} records of the same estate (same generator, so the same record sizes; same
     * partitions, same broker), each record it reads appended again to its own topic. Its input never runs out, at
     * any rate, and owes nothing to the clock or to a generator beside it: no top-ups. Returns its JVM, idle, for the
     * latency phase.
     */
    private ChildApp passThrough(CatchUp catchUp) throws Exception {
        ChildApp app = ChildApp.launch("passthrough", PassThroughApp.NAME, launch);
        try {
            String phase = "passthrough";
            Map<String, String> names = ownRawNames(phase);
            SpendstreamTopics topics = topics(names);
            app.startRun(settings(phase, names, Map.of(PassThroughApp.LOOP, "true", TopicCreator.CREATE, "false")));
            long t0 = app.awaitReady(START_TIMEOUT);
            Stage stage = stage(catchUp, PassThroughApp.NAME, app, phase,
                    List.of(topics.usageRaw.name(), topics.apmRaw.name()));
            steady(catchUp, Phase.PASSTHROUGH, PassThroughApp.NAME, "pass-through", "records/s", List.of(stage),
                    null, app.launchedAtNanos(), t0);
            app.measureLiveHeap();
            app.stopRun();
            return app;
        } catch (RuntimeException | InterruptedException e) {
            app.stop();
            throw e;
        }
    }

    /**
     * Fills the pass-through's own raw topics with whole minutes of the estate, at least {@link #LOOP_RECORDS}: in
     * the loop, what is readable is this less what the running transactions hold (the rate times the commit
     * interval, 100 ms under exactly-once: 25,000 records at 250,000 records/s).
     */
    private long fillLoop(SpendstreamTopics topics) {
        long sent = 0;
        try (KafkaProducer<String, String> producer = loadProducer()) {
            for (long minute = 0; sent < LOOP_RECORDS; minute++) {
                for (ProducerRecord<String, String> record : workload.repeatedInterval(topics, minute)) {
                    producer.send(record);
                    sent++;
                }
            }
            producer.flush();
        }
        return sent;
    }

    /**
     * {@code appName} alone in its JVM: ingest over the shared raw topics; the others over what the app before them
     * wrote in its alone phase, topped up with {@link ShiftedCopies} of it where the phase needs more.
     */
    private void alone(CatchUp catchUp, String appName, ChildApp child) throws Exception {
        String phase = "alone";
        Map<String, String> names = names(phase);
        TopUp topUp = appName.equals("ingest") ? this::topUpRaw : copies(catchUp, appName, names)::add;
        child.startRun(settings(phase, names, Map.of()));
        long t0 = child.awaitReady(START_TIMEOUT);
        Stage stage = stage(catchUp, appName, child, phase, inputs(appName, names));
        steady(catchUp, Phase.ALONE, appName, appName + " alone", "records/s", List.of(stage), topUp,
                child.launchedAtNanos(), t0);
        child.measureLiveHeap();
        child.stopRun();
    }

    /**
     * Copies of what the app before {@code appName} wrote: its inputs that are neither shared (the bench wrote those)
     * nor its own outputs (attribution reads back its unit costs), each round {@link #copyShift} later.
     */
    private ShiftedCopies copies(CatchUp catchUp, String appName, Map<String, String> names) {
        StreamsApp app = Apps.create(appName);
        AppTopics declared = app.topics(topics(names));
        Set<String> shared = new HashSet<>(SHARED.stream().map(names::get).toList());
        Set<String> own = new HashSet<>(declared.outputNames());
        List<Topic<?, ?>> copied = declared.inputs().stream()
                .filter(t -> !shared.contains(t.name()) && !own.contains(t.name())).toList();
        return new ShiftedCopies(bootstrap, copied, copyShift(),
                catchUp.ends(copied.stream().map(Topic::name).toList()));
    }

    /**
     * How far each round of copies moves time: whole hours beyond every event time so far (the workload's minutes
     * from its start, plus an hour for the windows that end after their last row).
     */
    private Duration copyShift() {
        return Duration.ofHours(nextMinute / 60 + 2);
    }

    /**
     * The four apps at once in their JVMs (warm from their alone phases) over the shared raw topics. Downstream apps
     * start first and idle until ingest, started last, is RUNNING: the warm-up starts then.
     */
    private void full(CatchUp catchUp, Map<String, ChildApp> apps) throws Exception {
        String phase = "full";
        Map<String, String> names = names(phase);
        long started = startPipeline(phase, names, apps);
        ChildApp ingest = apps.get("ingest");
        long t0 = ingest.awaitReady(START_TIMEOUT);
        // Each app's inputs as the apps before it write them: the shared topics (tags, budgets, silences) are read
        // once, at the start, and would count as input events of the app's (ingest's raw topics are the events).
        List<String> shared = SHARED.stream().map(names::get).toList();
        List<Stage> stages = new ArrayList<>();
        for (Map.Entry<String, ChildApp> app : apps.entrySet()) {
            List<String> inputs = new ArrayList<>(inputs(app.getKey(), names));
            if (!stages.isEmpty()) {
                inputs.removeAll(shared);
            }
            stages.add(stage(catchUp, app.getKey(), app.getValue(), phase, inputs));
        }
        steady(catchUp, Phase.FULL, "pipeline", "full pipeline", "input events/s", stages, this::topUpRaw,
                started, t0);
        apps.values().forEach(ChildApp::measureLiveHeap);
        apps.values().forEach(ChildApp::stopRun);
    }

    /** Starts a run of the pipeline in {@code apps}: downstream apps first, RUNNING, then ingest; returns when. */
    private long startPipeline(String phase, Map<String, String> names, Map<String, ChildApp> apps) {
        long started = System.nanoTime();
        List<ChildApp> downstream = new ArrayList<>(apps.values()).subList(1, apps.size());
        downstream.forEach(app -> app.startRun(settings(phase, names, Map.of())));
        downstream.forEach(app -> app.awaitReady(START_TIMEOUT));
        apps.get("ingest").startRun(settings(phase, names, Map.of()));
        return started;
    }

    /** Appends at least {@code records} more input to a phase's input topics; returns how many it appended. */
    @FunctionalInterface
    private interface TopUp {
        long add(long records);
    }

    /** Regular traffic of the minutes after the last one written, into the shared raw topics (fast: templates). */
    private long topUpRaw(long records) {
        SpendstreamTopics shared = topics(names("shared"));
        long sent = 0;
        try (KafkaProducer<String, String> producer = loadProducer()) {
            // Ingest dead-letters rows that start more than an hour after their append (its future tolerance): the
            // estate's minutes stop at the clock (a small estate that a phase works through in many minutes a second
            // can get there; then the input runs out, and says so).
            while (sent < records && workload.minute(nextMinute).isBefore(Instant.now())) {
                for (ProducerRecord<String, String> record : workload.repeatedInterval(shared, nextMinute)) {
                    producer.send(record);
                    sent++;
                }
                nextMinute++;
            }
            producer.flush();
        }
        return sent;
    }

    /** One app of a measured phase: its JVM, its consumer group and the partitions of its declared inputs. */
    private record Stage(String app, ChildApp jvm, String group, List<TopicPartition> inputs) {
    }

    private Stage stage(CatchUp catchUp, String app, ChildApp jvm, String phase, List<String> inputs) {
        return new Stage(app, jvm, applicationId(phase, app), catchUp.partitions(inputs));
    }

    /**
     * What the bench sees of a phase at one moment: per stage the offsets its group committed and the end offsets
     * of its inputs (sums over partitions), and the CPU time of its JVM; the CPU time of this JVM.
     */
    private record Sample(long nanos, long[] committed, long[] ends, List<Optional<CpuTime>> cpu,
            Optional<CpuTime> bench) {

        long lag(int stage) {
            return ends[stage] - committed[stage];
        }
    }

    private static Sample sample(CatchUp catchUp, List<Stage> stages) {
        long nanos = System.nanoTime();
        List<Optional<CpuTime>> cpu = stages.stream().map(s -> s.jvm().cpu()).toList();
        Optional<CpuTime> bench = CpuTime.of(BENCH_PID);
        long[] committed = new long[stages.size()];
        long[] ends = new long[stages.size()];
        for (int i = 0; i < stages.size(); i++) {
            committed[i] = catchUp.committedSum(stages.get(i).group(), stages.get(i).inputs());
            ends[i] = catchUp.endSum(stages.get(i).inputs());
        }
        return new Sample(nanos, committed, ends, cpu, bench);
    }

    /**
     * One phase at steady state, its apps RUNNING since {@code t0}: under load for the warm-up (not counted), then
     * {@code --repeats} consecutive windows, each a sample of the rate from the apps' committed offsets (read from
     * outside, as a lag monitor would) and of the CPU time of their JVMs. Every few seconds throughout, a
     * {@link Feeder} looks at the phase and tops its input up as {@link TopUpPlan} says (in the warm-up, for the
     * whole measurement ahead; {@code topUp} null: the input feeds itself, the pass-through's loop). A window in
     * which a look found the input run out is said loudly and left out of the medians (its rate would be the
     * input's, not the app's).
     */
    private void steady(CatchUp catchUp, Phase phase, String app, String what, String unit, List<Stage> stages,
            TopUp topUp, long startedNanos, long t0) throws InterruptedException {
        Sample atStart = sample(catchUp, stages);
        try (Feeder feeder = new Feeder(catchUp, stages, topUp, atStart, t0)) {
            warmUpAndMeasure(phase, app, what, unit, stages, startedNanos, t0, atStart, feeder);
        }
    }

    private void warmUpAndMeasure(Phase phase, String app, String what, String unit, List<Stage> stages,
            long startedNanos, long t0, Sample atStart, Feeder feeder) throws InterruptedException {
        CatchUp catchUp = feeder.catchUp;
        long warmEnd = t0 + settings.warmUp().toNanos();
        long compileUntil = warmEnd + settings.warmUp().toNanos();
        Sample previous = atStart;
        long compilingSince = -1;
        double jitShare;
        while (true) {
            Thread.sleep(Math.max(MIN_CHECK.toMillis(), Math.min(CHECK_EVERY.toMillis(),
                    (warmEnd - System.nanoTime()) / 1_000_000)));
            boolean fed = feeder.feed(feeder.plan.mayExtend(System.nanoTime()));
            Sample latest = feeder.latest;
            jitShare = CpuTime.jitShare(previous.cpu(), latest.cpu());
            previous = latest;
            boolean compiling = jitShare >= WARM_JIT_SHARE && latest.nanos() < compileUntil;
            if (feeder.plan.warm(latest.nanos(), fed)) {
                if (!compiling) {
                    break;
                }
                compilingSince = compilingSince < 0 ? latest.nanos() : compilingSince;
            }
        }
        // A top-up still running when the warm-up's time is up finishes first (the loop waits for it, bounded).
        feeder.finish();
        long warmUpTopUps = feeder.added;
        long warmUpTopUpNanos = feeder.nanos;
        List<Sample> samples = new ArrayList<>();
        samples.add(sample(catchUp, stages));
        long measureStart = samples.get(0).nanos();
        feeder.plan.measuring(measureStart, samples.get(0).committed()[0]);
        wallTime.add(WallTime.BETWEEN, startedNanos - phaseBoundary);
        wallTime.add(WallTime.START_UP, t0 - startedNanos);
        wallTime.add(WallTime.WARM_UP, measureStart - t0 - warmUpTopUpNanos);
        wallTime.add(WallTime.TOP_UP, warmUpTopUpNanos);
        results.setWarmUpSeconds(phase, app, seconds(measureStart - t0));
        log.printf("  %-20s %-10s start-up %.1f s, under load %.1f s before measuring%s%s%n", what, "warm-up",
                seconds(t0 - startedNanos), seconds(measureStart - t0), warmUpTopUps == 0 ? ""
                        : String.format(" (input topped up by %,d records in %.1f s: %,.0f records/s beside the "
                                + "app)", warmUpTopUps, seconds(warmUpTopUpNanos), feeder.plan.generatorRate()),
                compilingSince < 0 ? "" : String.format("; %.1f s of it waiting for the JIT (%.0f%% of the CPU at "
                        + "the last look%s)", seconds(measureStart - compilingSince), 100 * jitShare,
                        jitShare >= WARM_JIT_SHARE ? ": still compiling, measured anyway" : ""));
        double lasts = feeder.plan.lastsSeconds();
        if (feeder.topUp != null && lasts < seconds(settings.measure().toNanos())) {
            log.printf("  %-20s %-10s WARNING: the input left lasts ~%.0f s of the %.0f s measurement at %,.0f "
                    + "records/s%s: windows that run out are left out of the medians%n", what, "", lasts,
                    seconds(settings.measure().toNanos()), feeder.plan.rate(), feeder.plan.generatorDry()
                            ? " and the generator has no more (raw rows stop at the clock)"
                            : String.format(" (the generator made %,.0f records/s beside the app)",
                                    feeder.plan.generatorRate()));
        }
        long window = settings.window().toNanos();
        List<Boolean> ranOut = new ArrayList<>();
        feeder.plan.mark();
        for (int w = 1; w <= settings.repeats(); w++) {
            long boundary = measureStart + w * window;
            while (true) {
                long sleep = boundary - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(Math.min(CHECK_EVERY.toMillis(), sleep / 1_000_000), (int) (sleep % 1_000_000));
                }
                if (System.nanoTime() >= boundary) {
                    break;
                }
                feeder.feed(true);
            }
            alive(stages);
            Sample end = sample(catchUp, stages);
            samples.add(end);
            feeder.plan.look(end.nanos(), end.committed(), end.lag(0));
            ranOut.add(feeder.plan.ranOutSinceMark());
        }
        phaseBoundary = samples.get(samples.size() - 1).nanos();
        wallTime.add(WallTime.MEASURED, phaseBoundary - measureStart);
        feeder.finish();
        results.addTopUp(phase, app, feeder.added);
        if (feeder.added > warmUpTopUps) {
            log.printf("  %-20s %-10s input topped up by %,d records while measured (over %.1f s, beside the app)%n",
                    what, "", feeder.added - warmUpTopUps, seconds(feeder.nanos - warmUpTopUpNanos));
        }
        book(phase, app, what, unit, stages, atStart, samples, ranOut);
    }

    /**
     * Keeps a phase's input ahead of its app as its {@link TopUpPlan} says: at every look, a sample of the phase, and
     * a top-up when the plan asks for one. A top-up runs on a thread of its own, so that the looks and the windows'
     * samples keep their times; one at a time.
     */
    private final class Feeder implements AutoCloseable {

        private final CatchUp catchUp;
        private final List<Stage> stages;
        /** Null where the input feeds itself (the pass-through's loop): looks only, to see it never runs out. */
        private final TopUp topUp;
        final TopUpPlan plan;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-top-up");
            t.setDaemon(true);
            return t;
        });
        private Future<TopUpDone> pending;
        /** The phase as the last look saw it. */
        Sample latest;
        long added;
        long nanos;

        Feeder(CatchUp catchUp, List<Stage> stages, TopUp topUp, Sample first, long t0) {
            this.catchUp = catchUp;
            this.stages = stages;
            this.topUp = topUp;
            this.latest = first;
            this.plan = new TopUpPlan(t0, settings.warmUp().toNanos(), settings.measure().toNanos(),
                    MAX_TOP_UP_EXTENSION.toNanos(), CHECK_EVERY.toNanos(), ranOutBelow(stages), first.committed(),
                    first.lag(0));
        }

        /** Looks, and starts a top-up if the plan asks for one and it is {@code allowed}; returns whether one runs. */
        boolean feed(boolean allowed) throws InterruptedException {
            alive(stages);
            Sample now = sample(catchUp, stages);
            latest = now;
            long records = plan.look(now.nanos(), now.committed(), now.lag(0));
            if (pending != null) {
                if (!pending.isDone()) {
                    return true;
                }
                collect();
            }
            if (records <= 0 || !allowed || topUp == null) {
                return false;
            }
            pending = thread.submit(() -> {
                long from = System.nanoTime();
                long more = topUp.add(records);
                return new TopUpDone(more, System.nanoTime() - from);
            });
            return true;
        }

        /** Waits for a running top-up to end (at the end of the phase: nothing is appended after it). */
        void finish() throws InterruptedException {
            if (pending != null) {
                collect();
            }
        }

        private void collect() throws InterruptedException {
            try {
                TopUpDone done = pending.get();
                added += done.records();
                nanos += done.nanos();
                plan.toppedUp(done.records(), done.nanos());
            } catch (ExecutionException e) {
                throw new IllegalStateException("Topping up the input failed: " + e.getCause(), e.getCause());
            } finally {
                pending = null;
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    /** What a top-up appended, and how long it took. */
    private record TopUpDone(long records, long nanos) {
    }

    /** Below this lag, a phase's input has run out: a few transaction markers are all that is left. */
    private static long ranOutBelow(List<Stage> stages) {
        return 2L * stages.get(0).inputs().size();
    }

    /**
     * Books and says each window of a phase: rate, what it processed, CPU while measured. A window in which the input
     * ran out ({@code ranOut}) is said loudly and not booked: its rate is the input's, not the app's, and would pull
     * the median down (a phase whose every window ran out has no rate: n/a in the table).
     */
    private void book(Phase phase, String app, String what, String unit, List<Stage> stages, Sample atStart,
            List<Sample> samples, List<Boolean> ranOut) {
        // Ratios over the whole phase, warm-up included: steadier than over the measurement alone.
        Sample end = samples.get(samples.size() - 1);
        double[] perEvent = offsetsPerEvent(atStart.committed(), end.committed(), atStart.ends(), end.ends());
        int last = stages.size() - 1;
        for (int w = 1; w < samples.size(); w++) {
            Sample a = samples.get(w - 1);
            Sample b = samples.get(w);
            double secs = seconds(b.nanos() - a.nanos());
            // One stage: its input records. The pipeline: input events through its last stage (see offsetsPerEvent).
            double records = (b.committed()[last] - a.committed()[last]) / perEvent[last];
            boolean counted = !ranOut.get(w - 1);
            if (counted) {
                results.addRate(phase, app, records / secs);
                results.addMeasuredSeconds(phase, app, secs);
                results.addRecords(phase, app, records);
                if (stages.size() > 1) {
                    // Each app's own progress in input events: an app running ahead of the last one spent its CPU
                    // on events the last one has not reached, so its cost per event is over its own progress.
                    for (int i = 0; i < stages.size(); i++) {
                        results.addRecords(phase, stages.get(i).app(),
                                (b.committed()[i] - a.committed()[i]) / perEvent[i]);
                    }
                }
            } else {
                results.addInputRanOut(phase, app);
            }
            CpuTime sum = new CpuTime(0, 0, 0);
            boolean cpuKnown = true;
            for (int i = 0; i < stages.size(); i++) {
                Optional<CpuTime> from = a.cpu().get(i);
                Optional<CpuTime> to = b.cpu().get(i);
                if (from.isEmpty() || to.isEmpty()) {
                    cpuKnown = false;
                    continue;
                }
                CpuTime used = to.get().minus(from.get());
                if (counted) {
                    results.addCpu(phase, stages.get(i).app(), used);
                }
                sum = sum.plus(used);
            }
            String cpu = cpuKnown ? "; " + sum.describe() : "";
            if (a.bench().isPresent() && b.bench().isPresent()) {
                CpuTime bench = b.bench().get().minus(a.bench().get());
                if (counted) {
                    results.addCpu(phase, BENCH_CPU, bench);
                }
                cpu += String.format("; broker and bench %.1f s", bench.totalSeconds());
            }
            StringBuilder each = new StringBuilder();
            if (stages.size() > 1) {
                // Where a pipeline's events were: each app's own progress (records of its inputs) in the window.
                each.append("; offsets committed:");
                for (int i = 0; i < stages.size(); i++) {
                    each.append(String.format(" %s %,d", stages.get(i).app(), b.committed()[i] - a.committed()[i]));
                }
            }
            String note = !counted ? " INPUT RAN OUT in this window: the rate is the input's, LEFT OUT of the median"
                    : records <= 0 ? " NOTHING THROUGH THE LAST APP in this window (counted: the pipeline stalled)"
                    : "";
            log.printf("  %-20s %-10s %,10.0f %-15s (%,.0f %s in %.2f s%s%s)%s%n", what, "window " + w,
                    records / secs, unit, records, phase == Phase.FULL ? "input events" : "records", secs, cpu, each,
                    note);
        }
    }

    /**
     * Input offsets per input event of each stage, from its committed offsets and its inputs' end offsets at the
     * start and the end of the measurement: 1 for the first stage (its input is the input events); for each next
     * stage, the offsets the stages before appended to its inputs over the input events they processed, so that a
     * stage's progress converts to input events: how many input events have gone through it. The pipeline's rate is
     * its last stage's, so an app that falls behind (its lag growing) bounds it. A stage that reads its own output
     * too (attribution reads back its unit costs) counts that as input: the ratio holds as long as the mix does. NaN
     * from a stage on whose stage before processed nothing.
     */
    static double[] offsetsPerEvent(long[] committedFrom, long[] committedTo, long[] endsFrom, long[] endsTo) {
        double[] perEvent = new double[committedFrom.length];
        perEvent[0] = 1;
        double events = committedTo[0] - committedFrom[0];
        for (int i = 1; i < perEvent.length; i++) {
            perEvent[i] = events > 0 ? (endsTo[i] - endsFrom[i]) / events : Double.NaN;
            events = (committedTo[i] - committedFrom[i]) / perEvent[i];
        }
        return perEvent;
    }

    private static void alive(List<Stage> stages) {
        for (Stage stage : stages) {
            if (!stage.jvm().isAlive()) {
                throw new IllegalStateException(stage.jvm().label() + " died; see " + stage.jvm().outputLog());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Latency

    private void latency(CatchUp catchUp, ChildApp passThroughJvm, Map<String, ChildApp> apps) throws Exception {
        double rate = Stats.median(results.rates(Phase.FULL, "pipeline")) / 2;
        results.offeredLoad = rate;
        Duration duration = settings.latencyDuration();
        long liveMinute = Math.max(settings.minutes(), Workload.ALERT_HISTORY_MINUTES + 1);
        int perInterval = workload.recordsPerInterval();
        int unitCostProbes = (int) Math.max(1, duration.toMillis() / settings.probeEvery().toMillis());
        log.printf("Latency at %,.0f input events/s (half the full pipeline's median) for %s%n", rate, duration);

        // The pass-through, on raw topics of its own (the pipeline's inputs must only get the pipeline's load).
        String phase = "latency.passthrough";
        Map<String, String> names = ownRawNames(phase);
        SpendstreamTopics ptTopics = topics(names);
        String output = run + "." + phase + ".out";
        createTopic(output);
        // In the pass-through's JVM, warm as the pipeline's are.
        passThroughJvm.startRun(settings(phase, names, Map.of(PassThroughApp.OUTPUT, output,
                TopicCreator.CREATE, "false")));
        passThroughJvm.awaitReady(START_TIMEOUT);
        LatencyRun.ProbeStream probes = new LatencyRun.ProbeStream("passthrough", settings.probeEvery(),
                unitCostProbes, n -> workload.probeRow(ptTopics, n, liveMinute), n -> "res-"
                + Workload.PROBE_SERVICE_PREFIX + n, List.of(new LatencyRun.Effect("passthrough", output,
                        record -> Optional.ofNullable(record.key()).map(k -> new String(k,
                                java.nio.charset.StandardCharsets.UTF_8)))));
        List<LatencyRun.Result> passThrough = LatencyRun.run(bootstrap,
                n -> workload.record(ptTopics, liveMinute + n / perInterval, (int) (n % perInterval)), rate,
                duration, DRAIN, List.of(probes), () -> { }, () -> { });
        results.latencies.put("passthrough", passThrough.get(0));
        report(passThrough.get(0));
        passThroughJvm.stopRun();

        // The full pipeline, in its warm JVMs, on raw topics of its own (the shared ones still hold the backlog of
        // the throughput phases): the alert services' history first, processed before the load starts, so that
        // their detectors are warm; then probes that show on spend.unit-cost, spikes that show on spend.alerts.
        String fullPhase = "latency.full";
        Map<String, String> fullNames = ownRawNames(fullPhase);
        SpendstreamTopics topics = topics(fullNames);
        try (KafkaProducer<String, String> producer = loadProducer()) {
            workload.alertHistory(topics, settings.alertServices(), settings.partitions()).forEach(producer::send);
            producer.flush();
        }
        startPipeline(fullPhase, fullNames, apps);
        apps.get("ingest").awaitReady(START_TIMEOUT);
        for (Map.Entry<String, ChildApp> app : apps.entrySet()) {
            catchUp.await(applicationId(fullPhase, app.getKey()), inputs(app.getKey(), fullNames), HISTORY_TIMEOUT,
                    app.getValue()::isAlive);
        }
        // A probe is timed where each app hands it on (ingest's spend.cost, enrich's spend.cost.attributed,
        // attribution's spend.unit-cost), so the table says which app's hops its latency is spent in.
        LatencyRun.ProbeStream unitCost = new LatencyRun.ProbeStream("unit-cost", settings.probeEvery(),
                unitCostProbes, n -> workload.probeRow(topics, n, liveMinute),
                n -> Workload.PROBE_SERVICE_PREFIX + n, List.of(
                        new LatencyRun.Effect("cost", topics.cost.name(), record -> probeOfCostLine(topics, record)),
                        new LatencyRun.Effect("cost.attributed", topics.costAttributed.name(),
                                record -> Optional.ofNullable(topics.costAttributed.key(record))),
                        new LatencyRun.Effect("unit-cost", topics.unitCost.name(),
                                record -> Optional.ofNullable(topics.unitCost.key(record)))));
        Duration spikeEvery = duration.dividedBy(settings.alertServices());
        // A spike's anomaly, then its alert: the difference is the alert gate's group wait, on purpose.
        LatencyRun.ProbeStream spikes = new LatencyRun.ProbeStream("spikes", spikeEvery, settings.alertServices(),
                n -> workload.alertSpike(topics, (int) n, settings.partitions()),
                n -> Workload.ALERT_SERVICE_PREFIX + n,
                List.of(new LatencyRun.Effect("anomalies", topics.anomalies.name(),
                                record -> openedService(topics, record)),
                        new LatencyRun.Effect("alerts", topics.alerts.name(), record -> firedService(topics, record))));
        LongFunction<ProducerRecord<String, String>> load =
                n -> workload.record(topics, liveMinute + n / perInterval, (int) (n % perInterval));
        List<ChildApp> pipeline = List.copyOf(apps.values());
        for (ChildApp app : pipeline) {
            if (!app.isAlive()) {
                throw new IllegalStateException(app.label() + " died; see " + app.outputLog());
            }
        }
        Runnable lag = () -> reportLag(catchUp, fullPhase, fullNames, pipeline);
        List<KafkaTimes> beforeLoad = pipeline.stream().map(ChildApp::kafkaTimes).toList();
        long loadStart = System.nanoTime();
        List<KafkaTimes> whileLoaded = new ArrayList<>();
        double[] loadedSeconds = new double[1];
        Runnable afterLoad = () -> {
            loadedSeconds[0] = (System.nanoTime() - loadStart) / 1e9;
            for (int i = 0; i < pipeline.size(); i++) {
                whileLoaded.add(pipeline.get(i).kafkaTimes().minus(beforeLoad.get(i)));
            }
            lag.run();
        };
        List<LatencyRun.Result> pipelineResults = LatencyRun.run(bootstrap, load, rate, duration, DRAIN,
                List.of(unitCost, spikes), afterLoad, lag);
        for (LatencyRun.Result result : pipelineResults) {
            results.latencies.put(result.name(), result);
            report(result);
        }
        reportHops(results.latencies);
        log.printf("  each app while loaded (Kafka's own counters over the %.1f s of load):%n", loadedSeconds[0]);
        for (int i = 0; i < pipeline.size(); i++) {
            log.printf("    %-12s %s%n", appOf(pipeline.get(i)), whileLoaded.get(i).describe(loadedSeconds[0]));
        }
    }

    /**
     * Each app's share of a unit-cost probe's latency: per probe, the time from one app's output to the next one's
     * (ingest's from the append), as percentiles over the probes.
     */
    private void reportHops(Map<String, LatencyRun.Result> byEffect) {
        LatencyRun.Result cost = byEffect.get("cost");
        LatencyRun.Result attributed = byEffect.get("cost.attributed");
        LatencyRun.Result unitCost = byEffect.get("unit-cost");
        results.latencyHops.put("ingest: input append -> spend.cost", cost);
        results.latencyHops.put("enrich: spend.cost -> spend.cost.attributed", cost.until(attributed, "enrich"));
        results.latencyHops.put("attribution: spend.cost.attributed -> spend.unit-cost",
                attributed.until(unitCost, "attribution"));
        log.println("  by app (per probe, the time from the app before's output to its own):");
        results.latencyHops.forEach((hop, result) -> log.printf("    %-55s p50 %,.0f ms  p95 %,.0f ms  p99 %,.0f ms%n",
                hop, result.percentile(50), result.percentile(95), result.percentile(99)));
    }

    /** The probe service a cost line on spend.cost belongs to (its resource is {@code res-bench-probe-N}), if any. */
    private static Optional<String> probeOfCostLine(SpendstreamTopics topics,
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        String probePrefix = "res-" + Workload.PROBE_SERVICE_PREFIX;
        if (record.value() == null) {
            return Optional.empty();
        }
        CharSequence resource = topics.cost.value(record).getResourceId();
        return resource != null && resource.toString().startsWith(probePrefix)
                ? Optional.of(resource.toString().substring("res-".length())) : Optional.empty();
    }

    /** A phase's topic names with raw topics of its own ({@code <run>.<phase>.usage-raw}, ...). */
    private Map<String, String> ownRawNames(String phase) {
        Map<String, String> names = names(phase);
        names.put("usage-raw", run + "." + phase + ".usage-raw");
        names.put("apm-raw", run + "." + phase + ".apm-raw");
        return names;
    }

    /**
     * How far behind each app of the running pipeline is: where the time goes when a probe's effect comes late or
     * never (printed when the load stops and when the drain ends).
     */
    private void reportLag(CatchUp catchUp, String phase, Map<String, String> names, List<ChildApp> pipeline) {
        StringBuilder line = new StringBuilder("  behind (offsets not yet committed as processed):");
        for (ChildApp child : pipeline) {
            String app = appOf(child);
            long lag = catchUp.lag(applicationId(phase, app), inputs(app, names));
            line.append(String.format(" %s %,d", app, lag));
        }
        log.println(line);
    }

    private static Optional<String> openedService(SpendstreamTopics topics,
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        String key = topics.anomalies.key(record);
        if (key == null || !key.startsWith(CostSpikeLifecycle.DEDUP_PREFIX)) {
            return Optional.empty();
        }
        return topics.anomalies.value(record).getState() == AnomalyState.OPEN
                ? Optional.of(key.substring(CostSpikeLifecycle.DEDUP_PREFIX.length())) : Optional.empty();
    }

    private static Optional<String> firedService(SpendstreamTopics topics,
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        String key = topics.alerts.key(record);
        if (key == null || !key.startsWith(CostSpikeLifecycle.DEDUP_PREFIX)) {
            return Optional.empty();
        }
        Alert alert = topics.alerts.value(record);
        return alert.getStatus() == AlertStatus.FIRING
                ? Optional.of(key.substring(CostSpikeLifecycle.DEDUP_PREFIX.length())) : Optional.empty();
    }

    private void report(LatencyRun.Result result) {
        if (result.latenciesMs().isEmpty()) {
            log.printf("  %-20s no effect seen within the drain (0 of %d probes)%n", "-> " + result.name(),
                    result.sent());
            return;
        }
        log.printf("  %-20s p50 %,.0f ms  p95 %,.0f ms  p99 %,.0f ms  (%d of %d probes seen)%n",
                "-> " + result.name(), result.percentile(50), result.percentile(95), result.percentile(99),
                result.latenciesMs().size(), result.sent());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Names and children

    /** Topic names of a phase: shared inputs, and {@code <run>.<phase>.<logical>} for everything else. */
    private Map<String, String> names(String phase) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String logical : TopicNames.DEFAULTS.keySet()) {
            names.put(logical, SHARED.contains(logical) ? run + "." + logical : run + "." + phase + "." + logical);
        }
        return names;
    }

    private SpendstreamTopics topics(Map<String, String> names) {
        Map<String, String> config = new LinkedHashMap<>();
        names.forEach((logical, name) -> config.put(TopicNames.PREFIX + logical, name));
        return new SpendstreamTopics(TopicNames.from(config),
                SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryClients.URL, registryUrl)));
    }

    /**
     * The topics {@code app}'s consumer group reads under a phase's names: its declared inputs
     * ({@code StreamsApp.topics}; global tables are restored, not consumed, so they are not waited for).
     */
    private List<String> inputs(String app, Map<String, String> names) {
        return Apps.create(app).topics(topics(names)).inputNames();
    }

    private String applicationId(String phase, String app) {
        return run + "-" + phase.replace('.', '-') + "-" + app;
    }

    /** A run's settings: the phase's topics, application ids and state directory, and the bench's overrides. */
    private Map<String, String> settings(String phase, Map<String, String> names, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>(settings.overrides());
        config.put("bootstrap.servers", bootstrap);
        config.put(SchemaRegistryClients.URL, registryUrl);
        config.put(TopicCreator.PARTITIONS, Integer.toString(settings.partitions()));
        config.put("spendstream.application.id.prefix", run + "-" + phase.replace('.', '-') + "-");
        config.put("spendstream.state.dir", stateDir(phase).toString());
        config.put("spendstream.metrics.port", "0");
        config.put(StreamsConfig.TOPIC_PREFIX + TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                Long.toString(Long.MAX_VALUE));
        // And the apps' producers must not refuse those records before sending (GuardedProducer's own check of the
        // brokers' limit): they dead-lettered every shifted copy more than an hour ahead, with an ERROR line each,
        // so the alone phases measured dead-lettering (enrich's and anomaly's logs grew to 1.6 and 1.1 GB).
        config.put(GuardedClientSupplier.TIMESTAMP_AFTER_MAX, BENCH_TIMESTAMP_AFTER_MAX);
        names.forEach((logical, name) -> config.put(TopicNames.PREFIX + logical, name));
        config.putAll(extra);
        return config;
    }

    /**
     * The phase's state directory, created here: the apps of the full pipeline start at once, and Kafka Streams
     * fails when another JVM creates its base directory between its own check and its mkdirs.
     */
    private Path stateDir(String phase) {
        Path dir = settings.dataDir().resolve("state").resolve(phase).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the state directory " + dir, e);
        }
        return dir;
    }

    private static String appOf(ChildApp app) {
        return app.label().substring(app.label().lastIndexOf('.') + 1);
    }

    private void createTopic(String name) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            NewTopic topic = aheadOfTheClock(new NewTopic(name, Optional.of(settings.partitions()), Optional.empty()));
            TopicCreator.awaitCreated(admin.createTopics(List.of(topic)).values());
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
