package io.spendstream.deploy.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.spendstream.deploy.local.Apps;
import io.spendstream.runtime.RunningApp;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConfigLoader;

/**
 * The entry point of one benchmarked app in its own JVM (so that its heap and RSS are its own):
 * {@code ChildAppMain <app> key=value...}, where app is one of the four Spendstream apps or {@value
 * PassThroughApp#NAME}. Runs the app exactly as {@code spendstream run} does ({@link StreamsAppRunner}), and tells the
 * benchmark on standard output when it is RUNNING ({@value #READY} and the metrics port) so that the benchmark can
 * start its clock. SIGTERM stops it gracefully.
 */
public final class ChildAppMain {

    public static final String READY = "BENCH-CHILD-READY";
    public static final String FAILED = "BENCH-CHILD-FAILED";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private ChildAppMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StreamsApp app = args[0].equals(PassThroughApp.NAME) ? new PassThroughApp() : Apps.create(args[0]);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        System.out.printf("JVM up %d ms: starting %s%n", ManagementFactory.getRuntimeMXBean().getUptime(), args[0]);
        RunningApp running = StreamsAppRunner.start(app, ConfigLoader.load(app.defaults(), Optional.empty(),
                System.getenv(), settings));
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "bench-child-shutdown"));
        if (running.awaitReady(START_TIMEOUT)) {
            // In the child's log: how its start-up splits into the JVM's own and the app's.
            System.out.printf("JVM up %d ms: RUNNING%n", ManagementFactory.getRuntimeMXBean().getUptime());
            System.out.println(READY + " " + running.metricsPort());
        } else {
            System.out.println(FAILED + " " + running.fatalError().map(Throwable::toString).orElse("not RUNNING"));
        }
        System.out.flush();
        running.awaitTermination();
        // Exit code tells the benchmark whether the app died by itself (1) or was stopped (0).
        System.exit(running.fatalError().isPresent() ? 1 : 0);
    }
}
