package io.spendstream.attribution;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of one entry of the showback store ({@link ShowbackEntries}): what the entry holds, the start of its window
 * (an hour, a day for {@link Kind#DAY}, a calendar month for {@link Kind#MONTH}) and a name (owner, service or rule; empty where there is one entry per
 * window).
 *
 * <p>Serialized as {@code kind byte, window start (8 bytes, big-endian, sign bit flipped), name (UTF-8)}: the store
 * orders keys by their bytes, so the entries of one kind lie together, by window start (negative starts too), and the
 * entries of one hour of one kind form one contiguous range. That is what makes loading an hour, finding the hours
 * not yet emitted and purging expired windows range scans instead of scans of the whole store.
 */
record ShowbackKey(Kind kind, long windowStart, String name) {

    /** What an entry holds; the code is the key's first byte, so it must never change. */
    enum Kind {
        DIRECT('d'), SHARED_DEFAULT('c'), SHARED_RULE('r'), SERVICE('s'), EMITTED('e'), DAY('y'), DIRTY('x'), MONTH('m');

        private final byte code;

        Kind(char code) {
            this.code = (byte) code;
        }

        static Kind of(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown showback entry kind " + (char) code);
        }
    }

    ShowbackKey {
        if (name == null) {
            throw new IllegalArgumentException("a showback entry needs a name (empty for none)");
        }
    }

    static ShowbackKey of(Kind kind, long windowStart) {
        return new ShowbackKey(kind, windowStart, "");
    }

    static Serde<ShowbackKey> serde() {
        return Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
    }

    private static final Serializer<ShowbackKey> SERIALIZER = (topic, key) -> {
        if (key == null) {
            return null;
        }
        byte[] name = key.name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Long.BYTES + name.length).put(key.kind.code)
                .putLong(key.windowStart ^ Long.MIN_VALUE).put(name).array();
    };

    private static final Deserializer<ShowbackKey> DESERIALIZER = (topic, bytes) -> {
        if (bytes == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        Kind kind = Kind.of(buffer.get());
        long windowStart = buffer.getLong() ^ Long.MIN_VALUE;
        return new ShowbackKey(kind, windowStart, StandardCharsets.UTF_8.decode(buffer).toString());
    };
}
