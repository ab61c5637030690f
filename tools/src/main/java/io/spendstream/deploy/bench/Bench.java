package io.spendstream.deploy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
import java.util.function.LongFunction;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.AnomalyState;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.topics.TopicCreator;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * One benchmark run, every phase on the same broker (see docs/performance.md for what each figure means):
 * <ol>
 *   <li>pre-load the {@link Workload} into the raw and reference topics (not timed);</li>
 *   <li>the {@link PassThroughApp} over the raw topics; each Spendstream app alone over its real input (ingest over
 *       the raw topics, then enrich over what ingest wrote, and so on: {@link Phase#ALONE}); the full pipeline, four
 *       apps at once ({@link Phase#FULL}). Each app is its own JVM ({@link ChildApp}), which runs the phase's warm-ups
 *       (not counted) and then its measured repeats, one after the other ({@link Run}); a run's clock runs from the
 *       moment it reported RUNNING to the moment {@link CatchUp} sees its input processed;</li>
 *   <li>latency at half the full pipeline's median rate: first the pass-through, in its JVM, on topics of its own,
 *       then the last full pipeline, still running, with unit-cost probes and alert spikes ({@link LatencyRun}).</li>
 * </ol>
 * Topics of a run of a phase are named {@code <bench id>.<run>.<phase>.<logical>} (e.g. {@code bench-x.r1.alone.cost})
 * through the {@code spendstream.topic.*} overrides, so runs never read each other's output; the raw and reference
 * topics {@code <bench id>.<logical>} are shared.
 */
public final class Bench {

    /** Logical topics every phase shares: the pre-loaded inputs. */
    static final List<String> SHARED = List.of("usage-raw", "apm-raw", "tags", "budgets", "fx-rates", "prices",
            "silences");

    enum Phase { PASSTHROUGH, ALONE, FULL }

    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final long BENCH_PID = ProcessHandle.current().pid();
    /** The CPU time of this JVM (the embedded broker, the registry, the clock) while a phase is measured. */
    static final String BENCH_CPU = "broker-and-bench";

    private final BenchSettings settings;
    private final PrintStream log;
    private final String run;
    private final Path logDir;
    /** Every run of each phase, in order: the warm-ups, then the measured repeats. */
    private final List<Run> runs;
    private String bootstrap;
    private String registryUrl;
    private Workload workload;
    private ChildApp.Launch launch;
    private final BenchResults results = new BenchResults();
    private WallTime wallTime;
    /** When the last throughput phase's clock stopped (or the pre-load ended): where the next phase's time starts. */
    private long phaseBoundary;

    public Bench(BenchSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
        this.run = "bench-" + Long.toString(System.currentTimeMillis(), 36);
        this.logDir = settings.dataDir().resolve("logs");
        this.runs = runs(settings);
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
                    logDir, System.getProperty("java.class.path"), settings.dataDir().resolve("class-archives"));
            log.printf("Benchmark %s on %s (registry %s); logs in %s%n", run, bootstrap, registryUrl, logDir);
            workload = new Workload(settings.resources(), settings.services(), 42,
                    Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(6)));
            preload();
            createPhaseTopics();
            phaseBoundary = wallTime.since(WallTime.SET_UP, wallTime.startedNanos());
            measure();
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
        try (CatchUp catchUp = new CatchUp(bootstrap)) {
            results.inputEvents = catchUp.count(List.of(shared.usageRaw.name(), shared.apmRaw.name()));
        }
        log.printf("Pre-loaded %,d records in %.1f s: %,d input events (FOCUS rows and APM summaries) over %,d "
                + "resources, %,d services, %d minutes; %d warmed-up alert services%n", sent,
                seconds(System.nanoTime() - started), results.inputEvents, settings.resources(), settings.services(),
                settings.minutes(), settings.alertServices());
    }

    /** Raw topics take the broker's append time, so a probe's append time is what the producer gets back. */
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
                if (raw.contains(topic.name())) {
                    Map<String, String> configs = new LinkedHashMap<>(topic.configs() == null ? Map.of()
                            : topic.configs());
                    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
                    topic.configs(configs);
                }
                plan.add(topic);
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
        for (Run r : runs) {
            for (String phase : List.of(r.name() + ".alone", r.name() + ".full")) {
                for (NewTopic topic : TopicCreator.plan(topics(names(phase)), config, planned)) {
                    plan.add(topic);
                    planned.add(topic.name());
                }
            }
            plan.add(new NewTopic(passThroughOutput(r), Optional.of(settings.partitions()), Optional.empty()));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.awaitCreated(admin.createTopics(plan).values());
        }
    }

    private String passThroughOutput(Run r) {
        return run + "." + r.name() + ".passthrough.out";
    }

    /**
     * One run of a phase's apps in their JVMs: warm-ups ({@code w1}, ...) first, not counted, then the measured
     * repeats ({@code r1}, ...). Each has topics, application ids and state of its own.
     */
    record Run(String name, boolean warmUp, String label) {
    }

    private static List<Run> runs(BenchSettings settings) {
        List<Run> runs = new ArrayList<>();
        for (int w = 1; w <= settings.warmUps(); w++) {
            runs.add(new Run("w" + w, true, settings.warmUps() == 1 ? "warm-up" : "warm-up " + w));
        }
        for (int r = 1; r <= settings.repeats(); r++) {
            runs.add(new Run("r" + r, false, "run " + r));
        }
        return List.copyOf(runs);
    }

    /** The last measured run: the full pipeline stays up after it for the latency phase. */
    private Run lastRun() {
        return runs.get(runs.size() - 1);
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
     * Each phase in JVMs of its own, which run the phase's warm-ups and then its measured repeats one after the
     * other ({@link ChildApp#startRun}), so that the clock runs over compiled code as in a long-running deployment.
     * The pass-through's JVM and the last full pipeline stay up for the latency phase.
     */
    private void measure() throws Exception {
        String warmUps = settings.warmUps() == 0 ? "no warm-up"
                : settings.warmUps() + " warm-up run" + (settings.warmUps() > 1 ? "s" : "") + " (not counted)";
        log.printf("Throughput: each phase in JVMs of its own, %s then %d measured run%s (the table: medians)%n",
                warmUps, settings.repeats(), settings.repeats() > 1 ? "s" : "");
        ChildApp passThrough = null;
        List<ChildApp> pipeline = List.of();
        try (CatchUp catchUp = new CatchUp(bootstrap)) {
            passThrough = passThrough(catchUp);
            alone(catchUp);
            pipeline = full(catchUp);
            latency(catchUp, passThrough, pipeline);
            wallTime.since(WallTime.LATENCY, phaseBoundary);
        } finally {
            long stopping = System.nanoTime();
            List<ChildApp> last = new ArrayList<>(pipeline);
            if (passThrough != null) {
                last.add(passThrough);
            }
            List<ChildApp.Memory> memory = ChildApp.stopAll(last);
            addMemory(Phase.FULL, pipeline, memory.subList(0, pipeline.size()));
            if (passThrough != null) {
                results.addMemory(Phase.PASSTHROUGH, PassThroughApp.NAME, memory.get(memory.size() - 1));
            }
            wallTime.since(WallTime.BETWEEN, stopping);
        }
    }

    /** The pass-through's runs, in one JVM; returns it, idle, for the latency phase. */
    private ChildApp passThrough(CatchUp catchUp) throws Exception {
        ChildApp app = ChildApp.launch("passthrough", PassThroughApp.NAME, launch);
        try {
            for (Run r : runs) {
                String phase = r.name() + ".passthrough";
                Map<String, String> names = names(phase);
                SpendstreamTopics topics = topics(names);
                app.startRun(settings(phase, names, Map.of(PassThroughApp.OUTPUT, passThroughOutput(r),
                        TopicCreator.CREATE, "false")));
                long t0 = app.awaitReady(START_TIMEOUT);
                Optional<CpuTime> benchAtStart = CpuTime.of(BENCH_PID);
                long t1 = catchUp.await(applicationId(phase, PassThroughApp.NAME),
                        List.of(topics.usageRaw.name(), topics.apmRaw.name()), PHASE_TIMEOUT, app::isAlive);
                String cpu = cpu(r, Phase.PASSTHROUGH, List.of(app), benchAtStart);
                app.stopRun();
                rate(r, Phase.PASSTHROUGH, PassThroughApp.NAME, "pass-through", "records/s", results.inputEvents,
                        app, t0, t1, cpu);
            }
            return app;
        } catch (RuntimeException | InterruptedException e) {
            app.stop();
            throw e;
        }
    }

    /** Each app alone on its real input: all runs of ingest, then of enrich over what each ingest run wrote, ... */
    private void alone(CatchUp catchUp) throws Exception {
        for (String appName : Apps.names()) {
            try (ChildApp child = ChildApp.launch("alone." + appName, appName, launch)) {
                for (Run r : runs) {
                    String phase = r.name() + ".alone";
                    Map<String, String> names = names(phase);
                    List<String> inputs = inputs(appName, names);
                    // Ingest's input is the pre-load, already counted; the others' is what the app before them wrote.
                    long records = appName.equals("ingest") ? results.inputEvents : catchUp.count(inputs);
                    child.startRun(settings(phase, names, Map.of()));
                    long t0 = child.awaitReady(START_TIMEOUT);
                    Optional<CpuTime> benchAtStart = CpuTime.of(BENCH_PID);
                    long t1 = catchUp.await(applicationId(phase, appName), inputs, PHASE_TIMEOUT, child::isAlive);
                    String cpu = cpu(r, Phase.ALONE, List.of(child), benchAtStart);
                    child.stopRun();
                    rate(r, Phase.ALONE, appName, appName + " alone", "records/s", records, child, t0, t1,
                            cpu);
                }
                results.addMemory(Phase.ALONE, appName, child.stop());
            }
        }
    }

    /**
     * The four apps at once, each in its JVM, run after run. Downstream apps start first and idle until ingest,
     * started last, is RUNNING: the clock starts then and stops when anomaly has processed everything the others
     * wrote ({@link CatchUp}, stage by stage). The last run stays up for the latency phase.
     */
    private List<ChildApp> full(CatchUp catchUp) throws Exception {
        List<ChildApp> apps = new ArrayList<>();
        try {
            for (String app : Apps.names()) {
                apps.add(ChildApp.launch("full." + app, app, launch));
            }
            for (Run r : runs) {
                String phase = r.name() + ".full";
                Map<String, String> names = names(phase);
                ChildApp ingest = apps.get(0);
                for (ChildApp app : apps.subList(1, apps.size())) {
                    app.startRun(settings(phase, names, Map.of()));
                }
                for (ChildApp app : apps.subList(1, apps.size())) {
                    app.awaitReady(START_TIMEOUT);
                }
                ingest.startRun(settings(phase, names, Map.of()));
                long t0 = ingest.awaitReady(START_TIMEOUT);
                Optional<CpuTime> benchAtStart = CpuTime.of(BENCH_PID);
                long t1 = t0;
                for (ChildApp child : apps) {
                    String app = appOf(child);
                    t1 = catchUp.await(applicationId(phase, app), inputs(app, names), PHASE_TIMEOUT, child::isAlive);
                }
                String cpu = cpu(r, Phase.FULL, apps, benchAtStart);
                if (!r.equals(lastRun())) {
                    apps.forEach(ChildApp::stopRun);
                }
                rate(r, Phase.FULL, "pipeline", "full pipeline", "input events/s", results.inputEvents, apps.get(1),
                        t0, t1, cpu);
            }
            return apps;
        } catch (RuntimeException | InterruptedException e) {
            ChildApp.stopAll(apps);
            throw e;
        }
    }

    /**
     * Books one run's rate (a measured run's; a warm-up's is only said) and its wall time, and says it: rate, records
     * and time, start-up (of the JVM too for its first run), CPU while measured. {@code first}: the app whose start
     * the run waited for first.
     */
    private void rate(Run r, Phase phase, String app, String what, String unit, long records, ChildApp first,
            long t0, long t1, String cpu) {
        double rate = records / seconds(t1 - t0);
        if (!r.warmUp()) {
            results.addRate(phase, app, rate);
            results.addMeasuredSeconds(phase, app, seconds(t1 - t0));
        }
        long started = r.equals(runs.get(0)) ? first.launchedAtNanos() : first.runStartedAtNanos();
        log.printf("  %-20s %-10s %,10.0f %-15s (%,d records in %.2f s%s%s)%n", what, r.label(), rate, unit,
                records, seconds(t1 - t0), account(started, t0, t1, r.warmUp()), cpu);
    }

    /**
     * Books the CPU time each of {@code apps} used while measured (called as the measurement ends) and says their
     * sum for the progress line, then what this JVM used meanwhile (from {@code benchAtStart}, taken as the clock
     * started): the embedded broker, the registry and the clock's polling, {@code ; CPU 12.2 s: app 4.7, JIT 7.3, GC
     * 0.2; broker and bench 3.1 s}; nothing where /proc cannot tell. The machine's cores times the interval is what
     * all of it could have used.
     */
    private String cpu(Run r, Phase phase, List<ChildApp> apps, Optional<CpuTime> benchAtStart) {
        CpuTime sum = new CpuTime(0, 0, 0);
        for (ChildApp app : apps) {
            Optional<CpuTime> used = app.cpuSinceReady();
            if (used.isEmpty()) {
                return "";
            }
            if (!r.warmUp()) {
                results.addCpu(phase, appOf(app), used.get());
            }
            sum = sum.plus(used.get());
        }
        Optional<CpuTime> bench = benchAtStart.flatMap(start -> CpuTime.of(BENCH_PID).map(now -> now.minus(start)));
        if (bench.isPresent() && !r.warmUp()) {
            results.addCpu(phase, BENCH_CPU, bench.get());
        }
        return "; " + sum.describe() + bench.map(used -> String.format("; broker and bench %.1f s",
                used.totalSeconds())).orElse("");
    }

    private void addMemory(Phase phase, List<ChildApp> apps, List<ChildApp.Memory> memory) {
        for (int i = 0; i < apps.size(); i++) {
            results.addMemory(phase, appOf(apps.get(i)), memory.get(i));
        }
    }

    /**
     * Books a run's wall time (what came before its start: the previous run's stop and this run's input count; its
     * start-up, the JVM's too for a JVM's first run; its measured or warm-up interval) and says the start-up for the
     * progress line.
     */
    private String account(long startedNanos, long readyNanos, long doneNanos, boolean warmUp) {
        wallTime.add(WallTime.BETWEEN, startedNanos - phaseBoundary);
        wallTime.add(WallTime.START_UP, readyNanos - startedNanos);
        wallTime.add(warmUp ? WallTime.WARM_UP : WallTime.MEASURED, doneNanos - readyNanos);
        phaseBoundary = doneNanos;
        return String.format("; start-up %.1f s", seconds(readyNanos - startedNanos));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Latency

    private void latency(CatchUp catchUp, ChildApp passThroughJvm, List<ChildApp> pipeline) throws Exception {
        double rate = Stats.median(results.rates(Phase.FULL, "pipeline")) / 2;
        results.offeredLoad = rate;
        Duration duration = settings.latencyDuration();
        long liveMinute = Math.max(settings.minutes(), Workload.ALERT_HISTORY_MINUTES + 1);
        int perInterval = workload.recordsPerInterval();
        int unitCostProbes = (int) Math.max(1, duration.toMillis() / settings.probeEvery().toMillis());
        log.printf("Latency at %,.0f input events/s (half the full pipeline's median) for %s%n", rate, duration);

        // The pass-through, on raw topics of its own (the pipeline's inputs must only get the pipeline's load).
        String phase = "latency.passthrough";
        Map<String, String> names = names(phase);
        names.put("usage-raw", run + "." + phase + ".usage-raw");
        names.put("apm-raw", run + "." + phase + ".apm-raw");
        SpendstreamTopics ptTopics = topics(names);
        createTopic(ptTopics.usageRaw.name());
        createTopic(ptTopics.apmRaw.name());
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

        // The full pipeline: probes that show on spend.unit-cost, spikes that show on spend.alerts.
        String fullPhase = lastRun().name() + ".full";
        SpendstreamTopics topics = topics(names(fullPhase));
        LatencyRun.ProbeStream unitCost = new LatencyRun.ProbeStream("unit-cost", settings.probeEvery(),
                unitCostProbes, n -> workload.probeRow(topics, n, liveMinute),
                n -> Workload.PROBE_SERVICE_PREFIX + n, List.of(new LatencyRun.Effect("unit-cost",
                        topics.unitCost.name(), record -> Optional.ofNullable(topics.unitCost.key(record)))));
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
        for (ChildApp app : pipeline) {
            if (!app.isAlive()) {
                throw new IllegalStateException(app.label() + " died; see " + app.outputLog());
            }
        }
        Runnable lag = () -> reportLag(catchUp, fullPhase, names(fullPhase), pipeline);
        List<LatencyRun.Result> pipelineResults = LatencyRun.run(bootstrap, load, rate, duration, DRAIN,
                List.of(unitCost, spikes), lag, lag);
        for (LatencyRun.Result result : pipelineResults) {
            results.latencies.put(result.name(), result);
            report(result);
        }
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
            NewTopic topic = new NewTopic(name, Optional.of(settings.partitions()), Optional.empty());
            if (name.endsWith("usage-raw") || name.endsWith("apm-raw")) {
                topic.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
            }
            TopicCreator.awaitCreated(admin.createTopics(List.of(topic)).values());
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
