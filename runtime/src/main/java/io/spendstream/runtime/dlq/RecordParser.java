package io.spendstream.runtime.dlq;

/** Turns a raw record into a typed value, or throws {@link RejectedRecordException} saying why it cannot. */
@FunctionalInterface
public interface RecordParser<K, V> {

    V parse(K key, byte[] value, long timestamp) throws RejectedRecordException;
}
