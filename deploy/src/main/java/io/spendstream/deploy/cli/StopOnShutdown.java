package io.spendstream.deploy.cli;

import java.time.Duration;

/**
 * Ctrl-C / SIGTERM for commands that loop on the calling thread: the JVM's shutdown hook asks the loop to stop and
 * waits (up to a bound) for the calling thread to finish its clean-up, since the JVM exits when the hooks return.
 */
final class StopOnShutdown {

    private StopOnShutdown() {
    }

    /** Registers {@code stop} to run on shutdown, then waits up to {@code wait} for the current thread to end. */
    static void register(Runnable stop, Duration wait) {
        Thread caller = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                caller.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spendstream-shutdown"));
    }
}
