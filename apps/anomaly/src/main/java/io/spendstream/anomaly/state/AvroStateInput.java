package io.spendstream.anomaly.state;

import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * Avro binary read straight into a state's own objects, the reading side of {@link AvroStateOutput}: the caller
 * reads the record's fields in the writer schema's order. A decimal that fits a long is read as a BigDecimal over
 * that long, without the BigInteger and the byte array Avro's conversion leaves in it ({@code Money.compact}). Bytes
 * that end too early or carry an impossible length throw {@link IOException}, as Avro's decoder does.
 */
public final class AvroStateInput {

    private static final String[] NO_CONSTANTS = {};
    /** Items a list is sized for ahead of reading them. */
    private static final int MAX_PRESIZED = 1024;
    /** Longest unscaled value kept as a long: eight bytes of two's complement. */
    private static final int LONG_BYTES = 8;

    private final byte[] bytes;
    private int position;

    /** Reads {@code bytes} from {@code offset} (after the frame's format byte). */
    public AvroStateInput(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    public long readLong() throws IOException {
        long zigzag = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = next();
            zigzag |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (zigzag >>> 1) ^ -(zigzag & 1);
            }
        }
        throw new IOException("Invalid long encoding");
    }

    public String readString() throws IOException {
        return readString(NO_CONSTANTS);
    }

    /**
     * A string, as the one of {@code known} it equals when it is one (compared as ASCII bytes, without decoding):
     * a state that keeps a few constants (a child's kind) reads them as those objects, not as copies.
     */
    public String readString(String... known) throws IOException {
        int length = length();
        for (String constant : known) {
            if (asciiEquals(constant, length)) {
                position += length;
                return constant;
            }
        }
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** An Avro {@code decimal} of {@code scale}: its unscaled value's two's-complement bytes. */
    public BigDecimal readDecimal(int scale) throws IOException {
        int length = length();
        if (length == 0) {
            // Avro's conversion refuses it too: a two's complement has at least one byte.
            throw new IOException("Decimal of no bytes");
        }
        if (length > LONG_BYTES) {
            BigInteger unscaled = new BigInteger(bytes, position, length);
            position += length;
            return new BigDecimal(unscaled, scale);
        }
        // Sign-extended from the first byte, then the rest shifted in.
        long unscaled = bytes[position];
        for (int i = 1; i < length; i++) {
            unscaled = (unscaled << 8) | (bytes[position + i] & 0xFF);
        }
        position += length;
        return BigDecimal.valueOf(unscaled, scale);
    }

    /**
     * An array, each item read by {@code item}, as a list the caller may change. Sized by each block's count, as
     * Avro's reader does, within a bound (the count is read, not trusted). A negative count, which other writers
     * may use, is followed by the block's size in bytes, skipped here.
     */
    public <T> ArrayList<T> readArray(ItemReader<T> item) throws IOException {
        ArrayList<T> items = new ArrayList<>();
        for (long block = readLong(); block != 0; block = readLong()) {
            if (block < 0) {
                block = -block;
                readLong();
            }
            items.ensureCapacity(items.size() + (int) Math.min(block, MAX_PRESIZED));
            for (long i = 0; i < block; i++) {
                items.add(item.read(this));
            }
        }
        return items;
    }

    /** Reads one item of an array. */
    @FunctionalInterface
    public interface ItemReader<T> {
        T read(AvroStateInput in) throws IOException;
    }

    private boolean asciiEquals(String constant, int length) {
        if (constant.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = constant.charAt(i);
            if (c >= 0x80 || bytes[position + i] != (byte) c) {
                return false;
            }
        }
        return true;
    }

    private int length() throws IOException {
        long length = readLong();
        if (length < 0 || length > bytes.length - position) {
            throw new IOException("Invalid length " + length + " with " + (bytes.length - position) + " bytes left");
        }
        return (int) length;
    }

    private byte next() throws IOException {
        if (position >= bytes.length) {
            throw new EOFException("Ended after " + bytes.length + " bytes");
        }
        return bytes[position++];
    }
}
