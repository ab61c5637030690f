package io.spendstream.anomaly.contributors;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
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
 * record of the anomaly app (in the bench's anomaly-alone run 0.98 of its 1.26 million changelog records, a third of
 * the serialised bytes, three stores), and Avro's path spent a string copy per name, a BigInteger and a byte array
 * per cost and boxed longs on each. A record this cannot write as Avro would without converting it (a cost at
 * another scale, a missing field) goes through Avro's writer, with its conversions and errors. The kinds read are the
 * constants the baselines keep ({@link ContributorBaselines#RESOURCE}, {@link ContributorBaselines#SKU}), the costs compact ({@code Money.compact}).
 */
public final class PendingChildrenSerde extends PrivateAvroSerde<PendingChildrenRecord> {

    /** The kinds the baselines keep as constants, read as those objects. */
    private static final String[] KINDS = {ContributorBaselines.RESOURCE, ContributorBaselines.SKU};
    private static final LogicalTypes.Decimal COST = (LogicalTypes.Decimal) ChildCostRecord.getClassSchema()
            .getField("cost").schema().getLogicalType();

    /** Children a list is sized for ahead of reading them. */
    private static final int MAX_PRESIZED = 1024;

    public PendingChildrenSerde() {
        super(PendingChildrenRecord.class, "pending children");
    }

    @Override
    public byte[] write(PendingChildrenRecord window) {
        List<ChildCostRecord> children = window.getChildren();
        if (children == null) {
            return super.write(window);
        }
        AvroStateOutput out = AvroStateOutput.start(FORMAT_V1)
                .writeLong(window.getWindowStart())
                .writeLong(window.getWindowEnd())
                .writeLong(window.getLastTimestamp())
                .startArray(children.size());
        for (ChildCostRecord child : children) {
            if (child == null || child.getKind() == null || child.getName() == null || child.getCost() == null) {
                return super.write(window);
            }
            out.writeString(child.getKind()).writeString(child.getName());
            if (!out.writeDecimal(child.getCost(), COST.getScale(), COST.getPrecision())) {
                return super.write(window);
            }
        }
        return out.endArray().toByteArray();
    }

    @Override
    public PendingChildrenRecord read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
            // The unknown format's error.
            return super.read(bytes);
        }
        try {
            AvroStateInput in = new AvroStateInput(bytes, 1);
            long windowStart = in.readLong();
            long windowEnd = in.readLong();
            long lastTimestamp = in.readLong();
            ArrayList<ChildCostRecord> children = new ArrayList<>();
            for (long block = in.readArrayBlock(); block != 0; block = in.readArrayBlock()) {
                // Sized by the block's count (Avro's reader does so too), bounded: the count is read, not trusted.
                children.ensureCapacity(children.size() + (int) Math.min(block, MAX_PRESIZED));
                for (long i = 0; i < block; i++) {
                    String kind = in.readString(KINDS);
                    String name = in.readString();
                    BigDecimal cost = in.readDecimal(COST.getScale());
                    children.add(new ChildCostRecord(kind, name, cost));
                }
            }
            return new PendingChildrenRecord(windowStart, windowEnd, lastTimestamp, children);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt pending children: " + e.getMessage(), e);
        }
    }
}
