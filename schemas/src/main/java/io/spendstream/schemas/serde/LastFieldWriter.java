package io.spendstream.schemas.serde;

import java.io.IOException;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writes a record read as bytes ({@link ForwardedRecord}) with its last field, null in those bytes, set to a value,
 * without encoding the other fields again (issue 18: ingest marks a metered cost line with the SKU its bill will
 * supersede, {@code CostRecord.estimateSku}, and wrote the whole line again for it).
 *
 * <p>The last field must be a nullable union with the null branch first, {@code ["null", X]}. Avro writes a null
 * there as the branch index 0, one byte, and a record's binary is its fields' one after the other: so the record with
 * the field set is the bytes but their last one, then the index of {@code X} and the value's binary (tests compare
 * with Avro's own writer). The bytes are copied so only when they were written with this serde's own schema id and
 * end where the record ends; any other (an older producer's schema, bytes after the record) are decoded, the field set
 * and the record written by Avro's path, so the output is always a record of this serde's schema.
 *
 * @param <T> the generated record, e.g. {@code CostRecord}
 */
public final class LastFieldWriter<T extends SpecificRecord> {

    private static final byte NULL_BRANCH = 0;

    private final ConfluentAvroSerde<T> serde;
    private final int lastField;
    private final SpecificDatumWriter<Object> unionWriter;

    /**
     * @param serde the record's serde: its subject gives the id written, and it decodes and writes the other bytes
     * @throws IllegalArgumentException when the last field is not {@code ["null", X]}
     */
    public LastFieldWriter(ConfluentAvroSerde<T> serde) {
        RecordProjection.requireRecord(serde.schema());
        List<Schema.Field> fields = serde.schema().getFields();
        Schema.Field last = fields.get(fields.size() - 1);
        if (AvroShortcuts.nullBranch(last.schema()) != NULL_BRANCH) {
            throw new IllegalArgumentException(serde.schema().getFullName() + "." + last.name()
                    + " is not a [\"null\", X] union");
        }
        this.serde = serde;
        this.lastField = last.pos();
        // The union's writer: the branch index, then the value, with the record class's conversions.
        this.unionWriter = AvroBinary.specificWriter(last.schema(), SpecificData.getForSchema(serde.schema()));
    }

    /**
     * The record of {@code read} with its last field set to {@code value}, in the Confluent wire format.
     *
     * @param read a record whose last field is null in its bytes (the caller read it so: the bytes alone cannot
     *        tell a null from a value that happens to end in a zero byte)
     * @param value the field's new value, not null
     */
    public byte[] write(String topic, ForwardedRecord<?> read, Object value) {
        byte[] framed = read.framed();
        if (value == null) {
            throw new IllegalArgumentException("The last field is set to a value, not null");
        }
        if (!read.holdsOnlyARecordOf(serde.register()) || framed[framed.length - 1] != NULL_BRANCH) {
            T decoded = serde.deserializer().deserialize(topic, framed);
            decoded.put(lastField, value);
            return serde.serializer().serialize(topic, decoded);
        }
        try {
            return AvroBinary.write(unionWriter, value, ConfluentWireFormat.MAGIC_BYTE, read.writerSchemaId(), framed,
                    ConfluentWireFormat.HEADER_SIZE, framed.length - ConfluentWireFormat.HEADER_SIZE - 1);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + serde.schema().getFullName() + " to '" + topic
                    + "': " + e.getMessage(), e);
        }
    }
}
