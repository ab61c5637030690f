package io.spendstream.ingest;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * Serde of {@link ValuedCharge} on the charge-identity repartition topic: a format version byte, the CostRecord in
 * the Confluent Avro wire format ({@code spend.cost}'s serde, length-prefixed, so it evolves with the registry like
 * {@code spend.cost}; read into a {@link CostLine} that keeps those bytes), then the
 * original BilledCost and ListCost as exact plain decimal text (empty = absent), each as {@link DataOutput#writeUTF}
 * writes it: an unsigned two-byte length, then the text, which is ASCII (digits, sign, point).
 *
 * <p>Written into one array of the exact size and read from the array in place (issue 18: the streams this serde
 * used to write and read through, and the arrays they grew and copied, were 1.6% of ingest's stream thread and 4% of
 * what it allocated).
 */
final class ValuedChargeSerde implements Serde<ValuedCharge> {

    private static final byte VERSION = 1;
    /** What an unsigned two-byte length holds. */
    private static final int MAX_TEXT = 0xFFFF;

    private final ConfluentAvroSerde<CostRecord> costSerde;

    ValuedChargeSerde(ConfluentAvroSerde<CostRecord> costSerde) {
        this.costSerde = costSerde;
    }

    @Override
    public Serializer<ValuedCharge> serializer() {
        Serializer<CostRecord> cost = costSerde.serializer();
        return (topic, charge) -> {
            if (charge == null) {
                return null;
            }
            byte[] record = cost.serialize(topic, charge.cost());
            byte[] billed = text(charge.originalBilledCost());
            byte[] list = text(charge.originalListCost());
            return ByteBuffer.allocate(1 + Integer.BYTES + record.length + 2 + billed.length + 2 + list.length)
                    .put(VERSION).putInt(record.length).put(record)
                    .putShort((short) billed.length).put(billed)
                    .putShort((short) list.length).put(list)
                    .array();
        };
    }

    @Override
    public Deserializer<ValuedCharge> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(data);
                byte version = in.get();
                if (version != VERSION) {
                    throw new SerializationException("Unknown ValuedCharge format version " + version);
                }
                byte[] record = new byte[in.getInt()];
                in.get(record);
                // The record's own array: its line may be written on as these bytes (CostLineSerde).
                return new ValuedCharge(CostLine.read(costSerde.deserializeKeepingBytes(topic, record)), decimal(in),
                        decimal(in));
            } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                throw new SerializationException("Malformed ValuedCharge on " + topic, e);
            }
        };
    }

    /** The amount's plain text in the bytes writeUTF writes for it (ASCII: one byte a character). */
    private static byte[] text(BigDecimal amount) {
        if (amount == null) {
            return new byte[0];
        }
        byte[] text = amount.toPlainString().getBytes(StandardCharsets.US_ASCII);
        if (text.length > MAX_TEXT) {
            // Not an amount ingest accepts (at most 10^12 at 12 places): said as writeUTF says it.
            throw new UncheckedIOException(new UTFDataFormatException("encoded string too long: " + text.length
                    + " bytes"));
        }
        return text;
    }

    private static BigDecimal decimal(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length == 0) {
            return null;
        }
        String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.US_ASCII);
        in.position(in.position() + length);
        return new BigDecimal(text);
    }
}
