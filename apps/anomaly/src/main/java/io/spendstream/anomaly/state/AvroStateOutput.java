package io.spendstream.anomaly.state;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.LogicalTypes;

import io.spendstream.schemas.serde.AvroShortcuts;

/**
 * Avro binary written straight from a state's own objects, for a store serde whose record is written at every
 * commit that changed it: the same bytes Avro's writer makes of the record (tests compare), without its walk over
 * the schema, the boxed longs a generated record's {@code get(int)} returns, the UTF-8 copy of every string and the
 * BigInteger and byte array of every decimal (issue 18: a contributor window's twenty-odd children are a third of
 * the anomaly app's serialised state). The caller writes the record's fields in schema order.
 *
 * <p>A value this writes only as Avro would without converting it (a decimal at the schema's scale and within its
 * precision, {@link #writeDecimal}) is refused with false; the caller then leaves the record to Avro's writer, with its
 * conversions and error messages. One per thread ({@link #start}); not for nested use.
 */
public final class AvroStateOutput {

    /** A buffer a huge record grew beyond this is dropped after use, so a thread does not keep it. */
    static final int KEPT_BYTES = 1 << 20;
    /** Decimal digits every long holds. */
    private static final int MAX_LONG_DIGITS = 18;

    private static final ThreadLocal<AvroStateOutput> PER_THREAD = ThreadLocal.withInitial(AvroStateOutput::new);

    private byte[] buffer = new byte[1024];
    private int count;

    private AvroStateOutput() {
    }

    /** This thread's output, emptied, with the format byte {@code format} written. */
    public static AvroStateOutput start(byte format) {
        AvroStateOutput out = PER_THREAD.get();
        if (out.buffer.length > KEPT_BYTES) {
            out.buffer = new byte[1024];
        }
        out.count = 0;
        out.ensure(1);
        out.buffer[out.count++] = format;
        return out;
    }

    /** An Avro long (or int: the same zig-zag varint for an int's range). */
    public AvroStateOutput writeLong(long value) {
        ensure(10);
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            buffer[count++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        buffer[count++] = (byte) zigzag;
        return this;
    }

    /** An Avro string: its UTF-8 length, then its UTF-8 bytes (an ASCII string without a copy). */
    public AvroStateOutput writeString(String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            if (value.charAt(i) >= 0x80) {
                writeBytes(value.getBytes(StandardCharsets.UTF_8));
                return this;
            }
        }
        writeLong(length);
        ensure(length);
        for (int i = 0; i < length; i++) {
            buffer[count++] = (byte) value.charAt(i);
        }
        return this;
    }

    /**
     * An Avro {@code decimal} of {@code type} on {@code bytes}: the unscaled value's shortest two's-complement bytes,
     * big-endian, as Avro's conversion writes them. Returns false, writing nothing, for a value Avro would have to
     * rescale or refuse (or a null).
     */
    public boolean writeDecimal(BigDecimal value, LogicalTypes.Decimal type) {
        if (value == null || !AvroShortcuts.fitsAsIs(value, type)) {
            return false;
        }
        int scale = type.getScale();
        int digits = value.precision();
        if (digits > MAX_LONG_DIGITS) {
            writeBytes(value.unscaledValue().toByteArray());
            return true;
        }
        // 18 digits fit a long, so the unscaled value is exact as one. Moved to scale 0 rather than through
        // unscaledValue(): that makes a BigInteger with an array for a value BigDecimal keeps as a long
        // (Money.compact), and the JIT can drop a BigDecimal that does not escape. The shortest two's complement:
        // the bits past the sign, then a sign bit.
        long unscaled = value.movePointRight(scale).longValue();
        int bits = 64 - Long.numberOfLeadingZeros(unscaled < 0 ? ~unscaled : unscaled);
        int length = bits / 8 + 1;
        writeLong(length);
        ensure(length);
        for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
            buffer[count++] = (byte) (unscaled >> shift);
        }
        return true;
    }

    /**
     * An array of {@code items}, in one block (its count, when there are any, the items, then a block of none), each
     * written by {@code item}; false, part written, when {@code item} refuses one or one is null.
     */
    public <T> boolean writeArray(List<T> items, ItemWriter<T> item) {
        if (!items.isEmpty()) {
            writeLong(items.size());
        }
        for (T value : items) {
            if (value == null || !item.write(this, value)) {
                return false;
            }
        }
        writeLong(0);
        return true;
    }

    /** An array of longs, in one block; false, part written, for a null among them. */
    public boolean writeLongs(List<Long> values) {
        return writeArray(values, (out, value) -> {
            out.writeLong(value);
            return true;
        });
    }

    /** Writes one item of an array, or refuses it with false. */
    @FunctionalInterface
    public interface ItemWriter<T> {
        boolean write(AvroStateOutput out, T item);
    }

    /** The bytes written since {@link #start}. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, count);
    }

    /** Avro bytes: the length, then the bytes. */
    private void writeBytes(byte[] bytes) {
        writeLong(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, count, bytes.length);
        count += bytes.length;
    }

    private void ensure(int more) {
        if (count + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, count + more));
        }
    }
}
