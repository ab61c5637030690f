package io.spendstream.deploy.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C / SIGTERM for commands that loop on the calling thread. The JVM exits as soon as its shutdown hooks return,
 * so the hook asks the loop to stop ({@link #onStop}) and then waits, up to a bound, until the command says its
 * clean-up is over ({@link #close}, the outermost resource of the command's try block, so it closes last). Without
 * that wait `spendstream up` exited while its apps were still closing: no checkpoints were written, and the next
 * start with --keep-data had to wipe and restore every store.
 *
 * <p>When the command ends by itself, {@link #close} removes the hook.
 */
public final class StopOnShutdown implements AutoCloseable {

    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final AtomicReference<Runnable> stop = new AtomicReference<>(() -> { });
    private final Thread hook;
    private volatile boolean stopping;

    private StopOnShutdown(Duration wait) {
        hook = new Thread(() -> {
            stopping = true;
            stop.get().run();
            try {
                cleanedUp.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spendstream-shutdown");
    }

    /** Registers the hook; on shutdown it waits up to {@code wait} for {@link #close}. */
    public static StopOnShutdown register(Duration wait) {
        StopOnShutdown shutdown = new StopOnShutdown(wait);
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /**
     * What stops the command's loop (idempotent: it may run twice when the shutdown begins while it is being set).
     * Runs at once if the shutdown has begun already.
     */
    public void onStop(Runnable action) {
        stop.set(action);
        if (stopping) {
            action.run();
        }
    }

    /** The thread the JVM runs on shutdown; a test runs it itself. */
    Thread hook() {
        return hook;
    }

    /** The command's clean-up is over: a shutdown in progress may let the JVM exit. */
    @Override
    public void close() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is running and has just been released.
        }
    }
}
