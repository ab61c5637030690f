package io.spendstream.schemas.registry;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;

/** A registry for tests that fails its next calls with a given error, then answers from the registry it wraps. */
public final class FailingRegistry implements SchemaRegistryClient {

    private final SchemaRegistryClient backing;
    private volatile SchemaRegistryException error;
    private final AtomicInteger left = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public FailingRegistry(SchemaRegistryClient backing) {
        this.backing = backing;
    }

    /** Fails the next {@code calls} calls (Integer.MAX_VALUE: all of them) with {@code failure}. */
    public FailingRegistry fail(SchemaRegistryException failure, int calls) {
        error = failure;
        left.set(calls);
        return this;
    }

    /** How many calls it failed. */
    public int refused() {
        return refused.get();
    }

    private void maybeFail() {
        if (left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            refused.incrementAndGet();
            throw error;
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        maybeFail();
        return backing.register(subject, schema);
    }

    @Override
    public Schema getById(int id) {
        maybeFail();
        return backing.getById(id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        maybeFail();
        return backing.latest(subject);
    }
}
