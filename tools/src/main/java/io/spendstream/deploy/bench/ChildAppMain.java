package io.spendstream.deploy.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.spendstream.deploy.cli.Apps;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConfigLoader;

/**
 * The JVM of one benchmarked app (so that its heap and RSS are its own): {@code ChildAppMain <app>}, where app is one
 * of the four Spendstream apps or {@value PassThroughApp#NAME}. It runs the app several times, one after the other,
 * as the benchmark asks on standard input, so that the measured runs find the app's code compiled by the JIT as a
 * long-running deployment does, not a cold JVM (issue 7: in a cold JVM's first 21,400 records, compiling took
 * about 60% of the app JVM's CPU time):
 * <ul>
 *   <li>{@value #START}, then one {@code key=value} setting a line, then {@value #END}: starts the app with those
 *       settings exactly as {@code spendstream run} does ({@link StreamsAppRunner}); answers {@value #READY} and its
 *       metrics port once it is RUNNING, so that the benchmark can start its clock, or {@value #FAILED};</li>
 *   <li>{@value #STOP}: closes the running app; answers {@value #STOPPED};</li>
 *   <li>end of input or SIGTERM: closes the running app and exits.</li>
 * </ul>
 * An app that dies by itself ends the JVM with exit code 1, so the benchmark sees it die.
 */
public final class ChildAppMain {

    public static final String START = "BENCH-START";
    public static final String END = "BENCH-END";
    public static final String STOP = "BENCH-STOP";
    public static final String READY = "BENCH-CHILD-READY";
    public static final String FAILED = "BENCH-CHILD-FAILED";
    public static final String STOPPED = "BENCH-CHILD-STOPPED";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private static volatile RunningApp running;

    private ChildAppMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String appName = args[0];
        Runtime.getRuntime().addShutdownHook(new Thread(ChildAppMain::closeRunning, "bench-child-shutdown"));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            if (command.equals(START)) {
                start(appName, readSettings(commands));
            } else if (command.equals(STOP)) {
                closeRunning();
                System.out.println(STOPPED);
            }
            System.out.flush();
        }
        // The benchmark is done with this JVM.
        closeRunning();
        System.exit(0);
    }

    private static Map<String, String> readSettings(BufferedReader commands) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        String line;
        while ((line = commands.readLine()) != null && !line.equals(END)) {
            int eq = line.indexOf('=');
            settings.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return settings;
    }

    private static void start(String appName, Map<String, String> settings) throws InterruptedException {
        StreamsApp app = appName.equals(PassThroughApp.NAME) ? new PassThroughApp() : Apps.create(appName);
        System.out.printf("JVM up %d ms: starting %s%n", ManagementFactory.getRuntimeMXBean().getUptime(), appName);
        RunningApp started = StreamsAppRunner.start(app, ConfigLoader.load(app.defaults(), Optional.empty(),
                System.getenv(), settings));
        running = started;
        Thread watch = new Thread(() -> exitIfDied(started), "bench-child-watch");
        watch.setDaemon(true);
        watch.start();
        if (started.awaitReady(START_TIMEOUT)) {
            // In the child's log: how its start-up splits into the JVM's own and the app's.
            System.out.printf("JVM up %d ms: RUNNING%n", ManagementFactory.getRuntimeMXBean().getUptime());
            System.out.println(READY + " " + started.metricsPort());
        } else {
            System.out.println(FAILED + " " + started.fatalError().map(Throwable::toString).orElse("not RUNNING"));
        }
    }

    /** Ends the JVM (exit code 1) when the app stops by itself with an error, not when it is closed. */
    private static void exitIfDied(RunningApp app) {
        try {
            app.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (app.fatalError().isPresent()) {
            System.out.println("The app died: " + app.fatalError().get());
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    private static synchronized void closeRunning() {
        if (running != null) {
            running.close();
            running = null;
        }
    }
}
