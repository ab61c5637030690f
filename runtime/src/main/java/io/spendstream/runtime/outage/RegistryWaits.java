package io.spendstream.runtime.outage;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spendstream.runtime.metrics.Dependency;
import io.spendstream.schemas.registry.SchemaRegistryException;
import io.spendstream.schemas.registry.WaitingSchemaRegistryClient;

/**
 * What the app's registry client tells while it waits out an outage: each failed call marks the registry down
 * ({@link Dependency}: logged once, {@code /ready} 503) and counts a retry in
 * {@code spendstream.schema.registry.retries}; each answer marks it up. {@link #close()} ends every wait, so that a
 * stream thread waiting for the registry does not hold up the app's shutdown.
 */
public final class RegistryWaits implements WaitingSchemaRegistryClient.Listener, AutoCloseable {

    public static final String RETRIES = "spendstream.schema.registry.retries";

    private final Dependency registry;
    private final Counter retries;
    private volatile boolean closed;

    public RegistryWaits(Dependency registry, MeterRegistry meters) {
        this.registry = registry;
        this.retries = Counter.builder(RETRIES)
                .description("Registry calls repeated because the registry was down or refused (each wait)")
                .register(meters);
    }

    @Override
    public void failed(String call, SchemaRegistryException error, Duration backoff) {
        registry.failed(error.kind(), error.getMessage());
        retries.increment();
    }

    @Override
    public void answered() {
        registry.answered();
    }

    @Override
    public boolean keepWaiting() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
