package io.spendstream.anomaly.contributors;

import java.io.IOException;
import java.util.List;

import org.apache.avro.LogicalTypes;
import org.apache.kafka.common.errors.SerializationException;

import io.spendstream.anomaly.avro.ChildCostRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.anomaly.state.AvroStateInput;
import io.spendstream.anomaly.state.AvroStateOutput;

/**
 * Serde of the pending windows' stores of the contributor baselines ({@link ContributorStates}): a format byte
 * followed by Avro binary of one {@code PendingChildrenRecord} ({@link PrivateAvroSerde}).
 *
 * <p>Written and read field by field ({@link AvroStateOutput}, {@link AvroStateInput}), the same bytes as Avro's own
 * writer and reader (tests compare): a window is written at every commit an update changed it, the commonest state
 * record of the anomaly app (in the bench's anomaly-alone run 0.98 of its 1.26 million changelog records, three
 * stores), and Avro's path spent a string copy per name, a BigInteger and a byte array per cost and boxed longs on
 * each. A record this cannot write as Avro would without converting it (a cost at another scale, a missing field)
 * goes through Avro's writer, with its conversions and errors. The kinds read are the constants the baselines keep
 * ({@link ContributorBaselines#RESOURCE}, {@link ContributorBaselines#SKU}), the costs compact
 * ({@code Money.compact}).
 */
public final class PendingChildrenSerde extends PrivateAvroSerde<PendingChildrenRecord> {

    /** The kinds the baselines keep as constants, read as those objects. */
    static final String[] KINDS = {ContributorBaselines.RESOURCE, ContributorBaselines.SKU};
    /** The decimal type of the costs and levels of the contributor records (all of one precision and scale). */
    static final LogicalTypes.Decimal MONEY = (LogicalTypes.Decimal) ChildCostRecord.getClassSchema()
            .getField("cost").schema().getLogicalType();

    public PendingChildrenSerde() {
        super(PendingChildrenRecord.class, "pending children");
    }

    @Override
    public byte[] write(PendingChildrenRecord window) {
        AvroStateOutput out = AvroStateOutput.start(FORMAT_V1);
        return write(out, window) ? out.toByteArray() : super.write(window);
    }

    @Override
    public PendingChildrenRecord read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
            // The unknown format's error.
            return super.read(bytes);
        }
        try {
            return read(new AvroStateInput(bytes, 1));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt pending children: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code window}'s fields as Avro's binary of a {@code PendingChildrenRecord} (here and inline in a
     * contributor baselines record), or returns false, part written, for a value Avro would have to convert.
     */
    static boolean write(AvroStateOutput out, PendingChildrenRecord window) {
        List<ChildCostRecord> children = window.getChildren();
        return children != null && out.writeLong(window.getWindowStart())
                .writeLong(window.getWindowEnd())
                .writeLong(window.getLastTimestamp())
                .writeArray(children, PendingChildrenSerde::write);
    }

    /** Reads the fields {@link #write} wrote. */
    static PendingChildrenRecord read(AvroStateInput in) throws IOException {
        long windowStart = in.readLong();
        long windowEnd = in.readLong();
        long lastTimestamp = in.readLong();
        return new PendingChildrenRecord(windowStart, windowEnd, lastTimestamp,
                in.readArray(PendingChildrenSerde::child));
    }

    private static boolean write(AvroStateOutput out, ChildCostRecord child) {
        return child.getKind() != null && child.getName() != null
                && out.writeString(child.getKind()).writeString(child.getName()).writeDecimal(child.getCost(), MONEY);
    }

    private static ChildCostRecord child(AvroStateInput in) throws IOException {
        String kind = in.readString(KINDS);
        String name = in.readString();
        return new ChildCostRecord(kind, name, in.readDecimal(MONEY.getScale()));
    }
}
