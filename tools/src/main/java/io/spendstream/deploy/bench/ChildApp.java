package io.spendstream.deploy.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One benchmarked app's JVM as a child process ({@link ChildAppMain}), with the benchmark's classpath, a GC log and
 * optionally a JFR recording. The JVM runs the app several times, one run after the other ({@link #startRun},
 * {@link #stopRun}): an app's alone phase, then its part of the full pipeline, then of the latency phase. Knows when
 * the current run became RUNNING and the CPU time the JVM used so far; when the JVM is stopped, its memory: the peak RSS the kernel recorded ({@code VmHWM} in
 * {@code /proc/<pid>/status}, read just before the stop) and the heap peaks from its GC log ({@link GcLog}).
 */
final class ChildApp implements AutoCloseable {

    /**
     * How the children run: heap limit, extra JVM options, where logs go. (No class-data-sharing archive: it saved
     * start-up when each app had a JVM per phase; with one JVM per app and run, nothing would map it.)
     */
    record Launch(String maxHeap, List<String> javaOptions, boolean flightRecorder, Path logDir, String classpath) {
    }

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
    /** How long a run may take to close (Kafka Streams' own shutdown timeout is 20 s). */
    private static final Duration STOP_RUN_TIMEOUT = Duration.ofSeconds(40);
    /** Memory not read yet (the stop not requested). */
    private static final long UNREAD = Long.MIN_VALUE;

    private final String label;
    private final Process process;
    private final Path gcLog;
    private final Path outputLog;
    private final Writer commands;
    /** The current run's: when it reported RUNNING, when it reported being closed. */
    private volatile CompletableFuture<Long> readyAtNanos = new CompletableFuture<>();
    private volatile CompletableFuture<Void> runStopped = new CompletableFuture<>();
    private volatile int metricsPort = -1;
    private final Thread outputPump;
    private Memory memory;
    private long rssPeakAtStop = UNREAD;
    private long heapAtStop = UNREAD;
    /** The most heap in use after a full collection at the end of one of its phases ({@link #measureLiveHeap}). */
    private long heapLive = -1;
    private final long launchedAtNanos = System.nanoTime();

    private ChildApp(String label, Process process, Path gcLog, Path outputLog) {
        this.label = label;
        this.process = process;
        this.gcLog = gcLog;
        this.outputLog = outputLog;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.outputPump = new Thread(this::pumpOutput, "bench-child-output-" + label);
        outputPump.setDaemon(true);
        outputPump.start();
    }

    /**
     * Launches the JVM of {@code app} (a Spendstream app name or {@value PassThroughApp#NAME}), with no run yet;
     * {@code label} names its log files.
     */
    static ChildApp launch(String label, String app, Launch launch) {
        try {
            Files.createDirectories(launch.logDir());
            Path gcLog = launch.logDir().resolve(label + ".gc.log");
            Path outputLog = launch.logDir().resolve(label + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + launch.maxHeap());
            command.add("-Xlog:gc:file=" + gcLog);
            command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.spendstream");
            // Compiler threads that exit take their CPU time out of the per-thread sums (CpuTime): the JIT's share
            // would come out too small, even negative. Kept, they idle when there is nothing to compile.
            command.add("-XX:-UseDynamicNumberOfCompilerThreads");
            command.add("-Dspendstream.log.level=warn");
            // The bench's own logging settings go to the children too, after the default: e.g.
            // SPENDSTREAM_JAVA_OPTS=-Dlogback.configurationFile=debug.xml (Kafka Streams at INFO) shows where their
            // start-up goes.
            System.getProperties().stringPropertyNames().stream()
                    .filter(n -> n.startsWith("spendstream.log.") || n.equals("logback.configurationFile"))
                    .sorted().forEach(n -> command.add("-D" + n + "=" + System.getProperty(n)));
            if (launch.flightRecorder()) {
                command.add("-XX:StartFlightRecording=filename=" + launch.logDir().resolve(label + ".jfr")
                        + ",settings=profile,dumponexit=true");
            }
            command.addAll(launch.javaOptions());
            command.add("-cp");
            command.add(launch.classpath());
            command.add(ChildAppMain.class.getName());
            command.add(app);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new ChildApp(label, process, gcLog, outputLog);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + label, e);
        }
    }

    /** Copies the child's output to its log file and watches for the readiness line. */
    private void pumpOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var log = Files.newBufferedWriter(outputLog, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals(ChildAppMain.STOPPED)) {
                    runStopped.complete(null);
                } else if (line.startsWith(ChildAppMain.READY)) {
                    long now = System.nanoTime();
                    metricsPort = Integer.parseInt(line.substring(ChildAppMain.READY.length()).trim());
                    readyAtNanos.complete(now);
                } else if (line.startsWith(ChildAppMain.FAILED)) {
                    readyAtNanos.completeExceptionally(new IllegalStateException(label + " did not start: " + line));
                }
                log.write(line);
                log.newLine();
                log.flush();
            }
        } catch (IOException e) {
            readyAtNanos.completeExceptionally(e);
        }
        IllegalStateException exited = new IllegalStateException(label + " exited (exit " + exitCode() + "); see "
                + outputLog);
        readyAtNanos.completeExceptionally(exited);
        runStopped.completeExceptionally(exited);
    }

    /**
     * Starts a run of the app with {@code settings} (its topics, application id, state directory): what
     * {@code spendstream run} would get. The previous run must be stopped.
     */
    void startRun(Map<String, String> settings) {
        readyAtNanos = new CompletableFuture<>();
        runStopped = new CompletableFuture<>();
        StringBuilder start = new StringBuilder(ChildAppMain.START).append('\n');
        settings.forEach((key, value) -> start.append(key).append('=').append(value).append('\n'));
        send(start.append(ChildAppMain.END).append('\n').toString());
    }

    /** Closes the current run (Kafka Streams' graceful close: a last commit) and waits until it is closed. */
    /**
     * Measures the heap the running app keeps ({@link LiveHeap}: a full collection, then what it left, from the GC
     * log); call at a phase's end, before {@link #stopRun}, where the pause is measured by nothing.
     */
    void measureLiveHeap() {
        if (process.isAlive()) {
            heapLive = Math.max(heapLive, LiveHeap.afterFullGc(process.pid(), gcLog));
        }
    }

    void stopRun() {
        send(ChildAppMain.STOP + "\n");
        await(runStopped, STOP_RUN_TIMEOUT, "'s run did not close");
    }

    /**
     * The value of one of the child's answers, or a clear failure: it exited, or it did not answer in time
     * ({@code label + late + " within <timeout>"}).
     */
    private <T> T await(CompletableFuture<T> answer, Duration timeout, String late) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(label + late + " within " + timeout + "; see " + outputLog, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + label, e);
        }
    }

    private void send(String command) {
        try {
            commands.write(command);
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(label + " does not take commands (exited?); see " + outputLog, e);
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** System.nanoTime() at which the current run reported RUNNING; waits for it. */
    long awaitReady(Duration timeout) {
        return await(readyAtNanos, timeout, " was not RUNNING");
    }

    /** The CPU time the child's JVM used so far; empty where /proc cannot tell. */
    Optional<CpuTime> cpu() {
        return CpuTime.of(process.pid());
    }

    /** System.nanoTime() at which the child's JVM was launched. */
    long launchedAtNanos() {
        return launchedAtNanos;
    }

    /** False once the child has exited (by itself: it crashed). */
    boolean isAlive() {
        return process.isAlive();
    }

    String label() {
        return label;
    }

    Path outputLog() {
        return outputLog;
    }

    /** Stops the child's JVM gracefully (SIGTERM: the current run closes) and returns its memory figures. */
    Memory stop() {
        requestStop();
        return awaitStopped();
    }

    /**
     * Stops several children at once (their SIGTERMs sent together, then each awaited): a pipeline's apps close in
     * parallel rather than one after the other. Nothing is measured while they close. Memory in the same order.
     */
    static List<Memory> stopAll(List<ChildApp> children) {
        children.forEach(ChildApp::requestStop);
        return children.stream().map(ChildApp::awaitStopped).toList();
    }

    /** Kafka's time counters of the current run's stream thread and producer, so far. */
    KafkaTimes kafkaTimes() {
        int port = metricsPort;
        return port > 0 && process.isAlive()
                ? HeapScrape.metricsText(port).map(KafkaTimes::parse).orElse(KafkaTimes.UNKNOWN) : KafkaTimes.UNKNOWN;
    }

    /** Reads what must be read while the child runs (peak RSS, heap in use), then sends SIGTERM. */
    private void requestStop() {
        if (memory != null || rssPeakAtStop != UNREAD) {
            return;
        }
        rssPeakAtStop = process.isAlive() ? ProcStatus.peakRssBytes(process.pid()) : -1;
        // A short run may end before any collection: the heap in use at the end is then the best peak known.
        heapAtStop = process.isAlive() && metricsPort > 0 ? HeapScrape.heapUsedBytes(metricsPort) : -1;
        process.destroy();
    }

    private Memory awaitStopped() {
        if (memory != null) {
            return memory;
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            outputPump.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        GcLog.Peaks heap = GcLog.read(gcLog);
        memory = new Memory(Math.max(heap.beforeGcBytes(), heapAtStop), heap.afterGcBytes(), heapLive,
                rssPeakAtStop);
        return memory;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * What one app used: the largest heap occupancy any GC found (before collecting), the largest any GC left behind
     * (the live set plus the garbage G1 had not collected yet), the most in use after a full collection at the end
     * of a phase (the live set: what a heap budget is about), and the peak resident set size; -1 when unknown.
     */
    record Memory(long heapPeakBytes, long heapAfterGcBytes, long heapLiveBytes, long rssPeakBytes) {
    }
}
