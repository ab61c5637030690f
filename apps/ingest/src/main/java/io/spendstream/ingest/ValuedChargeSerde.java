package io.spendstream.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.avro.CostRecord;

/**
 * Serde of {@link ValuedCharge} on the charge-identity repartition topic: a format version byte, the CostRecord in
 * the Confluent Avro wire format (length-prefixed, so it evolves with the registry like {@code spend.cost}), then the
 * original BilledCost and ListCost as exact plain decimal text (empty = absent).
 */
final class ValuedChargeSerde implements Serde<ValuedCharge> {

    private static final byte VERSION = 1;

    private final Serde<CostRecord> costSerde;

    ValuedChargeSerde(Serde<CostRecord> costSerde) {
        this.costSerde = costSerde;
    }

    @Override
    public Serializer<ValuedCharge> serializer() {
        Serializer<CostRecord> cost = costSerde.serializer();
        return (topic, charge) -> {
            if (charge == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                byte[] record = cost.serialize(topic, charge.cost());
                out.writeByte(VERSION);
                out.writeInt(record.length);
                out.write(record);
                out.writeUTF(text(charge.originalBilledCost()));
                out.writeUTF(text(charge.originalListCost()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
    }

    @Override
    public Deserializer<ValuedCharge> deserializer() {
        Deserializer<CostRecord> cost = costSerde.deserializer();
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte version = in.readByte();
                if (version != VERSION) {
                    throw new SerializationException("Unknown ValuedCharge format version " + version);
                }
                byte[] record = new byte[in.readInt()];
                in.readFully(record);
                return new ValuedCharge(cost.deserialize(topic, record), decimal(in.readUTF()),
                        decimal(in.readUTF()));
            } catch (IOException e) {
                throw new SerializationException("Malformed ValuedCharge on " + topic, e);
            }
        };
    }

    private static String text(BigDecimal amount) {
        return amount == null ? "" : amount.toPlainString();
    }

    private static BigDecimal decimal(String text) {
        return text.isEmpty() ? null : new BigDecimal(text);
    }
}
