package io.spendstream.ingest;

import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.runtime.dlq.RejectedRecordException;

/**
 * Reads one entry of a compacted reference topic ({@code spend.prices}, {@code spend.fx-rates}) as it sits in ingest's
 * global store. Those topics feed global tables, so a malformed entry cannot be dead-lettered when it arrives (a
 * global table has no downstream to route it to); instead every charge that needs it is dead-lettered with
 * {@code reason} and a message naming the entry and what is wrong with it, and the entry is fixed by writing a good
 * value under the same key.
 */
final class ReferenceEntry {

    private ReferenceEntry() {
    }

    /** {@code entry} names the entry in messages; {@code reason} replaces the reason of whatever is wrong with it. */
    static <T> T read(String entry, byte[] json, String reason, Function<ObjectNode, T> reader) {
        try {
            return reader.apply(JsonObjects.parse(json));
        } catch (RejectedRecordException e) {
            throw new RejectedRecordException(reason, entry + " is not usable (" + e.reason() + "): "
                    + e.getMessage(), e);
        }
    }
}
