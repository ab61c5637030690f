package io.spendstream.runtime.dlq;

import io.spendstream.avro.DeadLetter;

/**
 * The outcome of validating one record inside a topology: the parsed value, or the dead letter that replaces it.
 * Lives only between two processors of one sub-topology, so it is never serialized.
 */
public record Validated<V>(V value, DeadLetter deadLetter) {

    public static <V> Validated<V> ok(V value) {
        return new Validated<>(value, null);
    }

    public static <V> Validated<V> rejected(DeadLetter deadLetter) {
        return new Validated<>(null, deadLetter);
    }

    public boolean isOk() {
        return deadLetter == null;
    }
}
