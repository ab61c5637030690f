package io.spendstream.schemas.serde;

import java.io.IOException;
import java.util.List;
import java.util.function.BiFunction;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writes a record of two record fields, {@code {head, tail}} (e.g. {@code AttributedCost{cost, attribution}}), whose
 * head was read by a {@link ForwardingAvroSerde} and is still the bytes its producer wrote, without decoding the head.
 *
 * <p>Avro's binary of a record is its fields' one after the other, so the outer record's binary is the head's
 * binary followed by the tail's. The head's bytes are copied as they are when they were written with the very schema
 * the outer record nests, which the registry knows by its id under the head's subject: then the frame is the outer
 * schema's id, the head's binary, the tail's binary, which Avro's reader reads as the outer record (tests compare
 * with Avro's own writer). Bytes written with another schema (an older producer, a writer with another doc, any
 * other id) or with bytes after the record are decoded with resolution and the outer record written by Avro's path,
 * so the output is always a record of the outer schema. Both ids are registered (or found) once, at the first write
 * or at start-up by {@code SpendstreamTopics#registerSchemas}, never per record.
 *
 * @param <H> the head record, e.g. {@code CostRecord}
 * @param <T> the tail record, e.g. {@code Attribution}
 * @param <O> the outer record, e.g. {@code AttributedCost}
 */
public final class ForwardingRecordWriter<H extends SpecificRecord, T extends SpecificRecord,
        O extends SpecificRecord> {

    private final ConfluentAvroSerde<O> outer;
    private final ConfluentAvroSerde<H> head;
    private final SpecificDatumWriter<T> tailWriter;
    private final BiFunction<H, T, O> outerOf;

    /**
     * @param outer the outer record's serde: its subject gives the id written
     * @param head the head record's serde: its subject gives the id whose bytes are copied
     * @param tail the tail's generated class
     * @param outerOf the outer record of a decoded head and a tail, for bytes that cannot be copied
     * @throws IllegalArgumentException when the outer schema is not {@code {head, tail}} of these very schemas
     */
    public ForwardingRecordWriter(ConfluentAvroSerde<O> outer, ConfluentAvroSerde<H> head, Class<T> tail,
            BiFunction<H, T, O> outerOf) {
        Schema tailSchema = SpecificData.getForClass(tail).getSchema(tail);
        List<Schema.Field> fields = outer.schema().getFields();
        if (fields.size() != 2 || !fields.get(0).schema().equals(head.schema())
                || !fields.get(1).schema().equals(tailSchema)) {
            throw new IllegalArgumentException(outer.schema().getFullName() + " is not a record of "
                    + head.schema().getFullName() + " then " + tailSchema.getFullName());
        }
        this.outer = outer;
        this.head = head;
        this.tailWriter = AvroBinary.specificWriter(tail);
        this.outerOf = outerOf;
    }

    /** The outer record of {@code head} and {@code tail} in the Confluent wire format, for {@code topic}. */
    public byte[] write(String topic, ForwardedRecord<?> forwarded, T tail) {
        if (!forwarded.holdsOnlyARecordOf(head.register())) {
            H decoded = head.deserializer().deserialize(topic, forwarded.framed());
            return outer.serializer().serialize(topic, outerOf.apply(decoded, tail));
        }
        byte[] framed = forwarded.framed();
        try {
            return AvroBinary.write(tailWriter, tail, ConfluentWireFormat.MAGIC_BYTE, outer.register(), framed,
                    ConfluentWireFormat.HEADER_SIZE, framed.length - ConfluentWireFormat.HEADER_SIZE);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + outer.schema().getFullName() + " to '" + topic
                    + "': " + e.getMessage(), e);
        }
    }
}
