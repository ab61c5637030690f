package io.spendstream.attribution;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of one entry of the commitment store ({@value CommitmentProcessor#STORE}): what the entry holds, the start of
 * its window (an hour or a UTC day, told apart by the kind), the commitment and a member (empty except for
 * {@link Kind#HOUR_MEMBER} and {@link Kind#DAY_MEMBER}: {@code r:<resourceId>} or {@code s:<service>}).
 *
 * <p>Serialized as {@code kind byte, window start (8 bytes, big-endian, sign bit flipped), commitment length (4
 * bytes), commitment (UTF-8), member (UTF-8)}: the store orders keys by their bytes, so the entries of one kind lie
 * together by window start, and purging expired windows or finding the windows not yet emitted is a range scan
 * (the layout of {@link ShowbackKey}, with a second name).
 */
record CommitmentKey(Kind kind, long windowStart, String commitment, String member) {

    /** What an entry holds; the code is the key's first byte, so it must never change. */
    enum Kind {
        HOUR('h'), DAY('d'), HOUR_MEMBER('m'), DAY_MEMBER('n'), HOUR_DIRTY('x'), DAY_DIRTY('y');

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
            throw new IllegalArgumentException("unknown commitment entry kind " + (char) code);
        }
    }

    CommitmentKey {
        if (commitment == null || member == null) {
            throw new IllegalArgumentException("a commitment entry needs a commitment and a member (empty for none)");
        }
    }

    /** The first possible key of a kind at a window start: the lower bound of a range scan. */
    static CommitmentKey first(Kind kind, long windowStart) {
        return new CommitmentKey(kind, windowStart, "", "");
    }

    /** This key with another kind (same window, commitment and member). */
    CommitmentKey as(Kind other) {
        return new CommitmentKey(other, windowStart, commitment, member);
    }

    static Serde<CommitmentKey> serde() {
        return Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
    }

    private static final Serializer<CommitmentKey> SERIALIZER = (topic, key) -> {
        if (key == null) {
            return null;
        }
        byte[] commitment = key.commitment.getBytes(StandardCharsets.UTF_8);
        byte[] member = key.member.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES + commitment.length + member.length)
                .put(key.kind.code).putLong(key.windowStart ^ Long.MIN_VALUE).putInt(commitment.length)
                .put(commitment).put(member).array();
    };

    private static final Deserializer<CommitmentKey> DESERIALIZER = (topic, bytes) -> {
        if (bytes == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        Kind kind = Kind.of(buffer.get());
        long windowStart = buffer.getLong() ^ Long.MIN_VALUE;
        byte[] commitment = new byte[buffer.getInt()];
        buffer.get(commitment);
        return new CommitmentKey(kind, windowStart, new String(commitment, StandardCharsets.UTF_8),
                StandardCharsets.UTF_8.decode(buffer).toString());
    };
}
