package io.spendstream.schemas.registry;

import java.time.Duration;
import java.util.function.Supplier;

import org.apache.avro.Schema;

/**
 * Waits out registry outages instead of failing: a call that fails with an
 * {@linkplain SchemaRegistryException#isOutage() outage} (no answer, 5xx, 401/403, 408, 429) is repeated with a
 * doubling backoff for as long as the {@link Listener} says to keep waiting; the registry's final word (unknown id,
 * incompatible schema) is thrown at once. Put it under {@link CachingSchemaRegistryClient}, so that only calls the cache cannot answer wait.
 *
 * <p>What waits: a stream thread reading a record whose writer schema this process has not seen (a new producer
 * version) during an outage. Such a record is neither dead-lettered nor allowed to kill the thread: it is read once
 * the registry answers. Writing never gets here after start-up (see {@code ConfluentAvroSerde#register}).
 * {@link #checkReachable()} does not wait: it is how probes ask.
 */
public final class WaitingSchemaRegistryClient implements SchemaRegistryClient {

    /** Hears about the outage (metrics, health, logs) and says when to stop waiting (the app is closing). */
    public interface Listener {

        /** A call failed with an outage; it is retried after {@code backoff} if {@link #keepWaiting()}. */
        void failed(String call, SchemaRegistryException error, Duration backoff);

        /** A call got the registry's answer (after failures or not). */
        void answered();

        /** False once the app is closing: the waiting call then throws its last error. */
        boolean keepWaiting();
    }

    /** How often a sleeping call looks at {@link Listener#keepWaiting()}, so that a close is not held up. */
    private static final Duration SLICE = Duration.ofMillis(200);

    private final SchemaRegistryClient delegate;
    private final HttpSchemaRegistryClient.Retry backoff;
    private final Listener listener;

    /**
     * @param backoff its initial and maximum backoff are used; rounds are unlimited
     */
    public WaitingSchemaRegistryClient(SchemaRegistryClient delegate, HttpSchemaRegistryClient.Retry backoff,
            Listener listener) {
        this.delegate = delegate;
        this.backoff = backoff;
        this.listener = listener;
    }

    @Override
    public int register(String subject, Schema schema) {
        return call("register " + subject, () -> delegate.register(subject, schema));
    }

    @Override
    public Schema getById(int id) {
        return call("schema " + id, () -> delegate.getById(id));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return call("latest " + subject, () -> delegate.latest(subject));
    }

    @Override
    public void checkReachable() {
        delegate.checkReachable();
        listener.answered();
    }

    private <T> T call(String what, Supplier<T> call) {
        for (int attempt = 1;; attempt++) {
            try {
                T result = call.get();
                listener.answered();
                return result;
            } catch (SchemaRegistryException e) {
                if (!e.isOutage() || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                // Round 2 is the first retry of Retry's doubling: initial backoff, then twice that, ...
                Duration wait = backoff.backoffBefore(attempt + 1);
                listener.failed(what, e, wait);
                if (!sleep(wait)) {
                    throw e;
                }
            }
        }
    }

    /** False when the listener stopped the wait (or the thread was interrupted) before it ended. */
    private boolean sleep(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (listener.keepWaiting()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(left / 1_000_000, SLICE.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
