package io.spendstream.schemas.serde;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema's registry id as a 4-byte big-endian int, then Avro binary.
 * Every Avro record Spendstream writes has this frame, so any Confluent-compatible consumer can read it.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** The registry id in the frame's header; fails clearly when the bytes are not Confluent-framed. */
    public static int schemaId(byte[] framed, String topic) {
        if (framed.length < HEADER_SIZE) {
            throw new SerializationException("Record on '" + topic + "' is " + framed.length
                    + " bytes: too short for the Confluent wire format (magic byte + 4-byte schema id)");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new SerializationException("Record on '" + topic + "' starts with byte " + framed[0]
                    + ", not the Confluent magic byte 0: it was not written by an Avro serializer using a schema registry");
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    /** Writes the 5-byte header into a fresh buffer sized for the payload. */
    public static ByteBuffer header(int schemaId, int payloadSize) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE + payloadSize);
        buffer.put(MAGIC_BYTE).putInt(schemaId);
        return buffer;
    }
}
