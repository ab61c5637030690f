package io.spendstream.schemas.serde;

/**
 * An Avro record read from a topic as the Confluent-framed bytes its producer wrote, with a view of the few fields
 * its reader decoded ({@link ForwardingAvroSerde}). Writing it writes the bytes as they are.
 *
 * @param framed the bytes as read: magic byte, the writer's schema id, the record's Avro binary; never changed
 * @param writerSchemaId the schema id in the frame's header
 * @param view what the reader made of the fields it decoded
 * @param endsTheBytes whether the record's binary ends where the bytes end (Avro's readers ignore bytes after a
 *        record, which a copy of the bytes into another record would carry along)
 * @param <V> the view
 */
public record ForwardedRecord<V>(byte[] framed, int writerSchemaId, V view, boolean endsTheBytes) {

    /**
     * Whether the bytes hold exactly one record written with the schema id {@code schemaId}, and nothing after it:
     * only then may they be copied into another record of that schema instead of being decoded and written again.
     */
    public boolean holdsOnlyARecordOf(int schemaId) {
        return writerSchemaId == schemaId && endsTheBytes;
    }
}
