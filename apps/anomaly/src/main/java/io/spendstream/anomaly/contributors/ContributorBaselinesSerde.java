package io.spendstream.anomaly.contributors;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

import io.spendstream.anomaly.avro.ChildBaselineRecord;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.anomaly.state.AvroStateInput;
import io.spendstream.anomaly.state.AvroStateOutput;

/**
 * Serde of the contributor baselines' state stores ({@code anomaly-contributor-baselines},
 * {@code anomaly-drift-contributor-baselines}, {@code anomaly-scope-contributor-baselines}) and their changelogs: a
 * format byte followed by Avro binary of the private {@code ContributorBaselinesRecord} ({@link PrivateAvroSerde}).
 * Format 2 carries the pending windows' estimated bytes and their starts (the windows themselves in the pending
 * store, {@link ContributorStates}); format 1 (the windows inline, schema kept as
 * {@code ContributorBaselinesRecord-v1.avsc}) is still read, with the bytes unknown (-1, counted on the next change)
 * and the windows split out on the next write, so a store written before the upgrade restores.
 *
 * <p>Format 2 is written and read field by field, as the pending windows are ({@link PendingChildrenSerde}): the
 * same bytes as Avro's writer (tests compare), without its string copies, BigIntegers and boxed longs for every
 * child's baseline (a series' record is written at each commit in which a window settled).
 */
public final class ContributorBaselinesSerde extends PrivateAvroSerde<ContributorBaselinesRecord> {

    static final byte FORMAT_V2 = 2;
    static final Schema SCHEMA_V1 = schemaResource(ContributorBaselinesSerde.class,
            "ContributorBaselinesRecord-v1.avsc");

    public ContributorBaselinesSerde() {
        super(ContributorBaselinesRecord.class, "contributor baselines", FORMAT_V2, Map.of(FORMAT_V1, SCHEMA_V1));
    }

    /**
     * A record that names its pending windows' starts ({@link ContributorStates#put}) is written without the
     * windows, which its pending store holds; one that does not (built without the stores) keeps them inline.
     */
    @Override
    public byte[] write(ContributorBaselinesRecord value) {
        List<PendingChildrenRecord> inline = value.getPendingStarts().isEmpty() ? value.getPending() : List.of();
        AvroStateOutput out = AvroStateOutput.start(FORMAT_V2);
        if (write(out, value, inline)) {
            return out.toByteArray();
        }
        return super.write(inline == value.getPending() ? value
                : new ContributorBaselinesRecord(value.getSettledBefore(), value.getLearnedWindows(),
                        value.getBaselines(), inline, value.getPendingBytes(), value.getPendingStarts()));
    }

    @Override
    public ContributorBaselinesRecord read(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_V2) {
            // Format 1 through Avro's resolving reader, or the unknown format's error.
            return super.read(bytes);
        }
        try {
            return read(new AvroStateInput(bytes, 1));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Corrupt contributor baselines: " + e.getMessage(), e);
        }
    }

    /** Format 2's fields in schema order, or false (part written) for a value Avro would have to convert. */
    private static boolean write(AvroStateOutput out, ContributorBaselinesRecord value,
            List<PendingChildrenRecord> pending) {
        List<ChildBaselineRecord> baselines = value.getBaselines();
        if (baselines == null || pending == null || value.getPendingStarts() == null
                || !out.writeLong(value.getSettledBefore()).writeLong(value.getLearnedWindows())
                        .writeArray(baselines, ContributorBaselinesSerde::write)
                || !out.writeArray(pending, PendingChildrenSerde::write)) {
            return false;
        }
        return out.writeLong(value.getPendingBytes()).writeLongs(value.getPendingStarts());
    }

    private static boolean write(AvroStateOutput out, ChildBaselineRecord baseline) {
        if (baseline.getKind() == null || baseline.getName() == null
                || !out.writeString(baseline.getKind()).writeString(baseline.getName())
                        .writeDecimal(baseline.getLevel(), PendingChildrenSerde.MONEY)
                || !out.writeDecimal(baseline.getDeviation(), PendingChildrenSerde.MONEY)) {
            return false;
        }
        out.writeLong(baseline.getLearned());
        return true;
    }

    private static ContributorBaselinesRecord read(AvroStateInput in) throws IOException {
        long settledBefore = in.readLong();
        long learnedWindows = in.readLong();
        List<ChildBaselineRecord> baselines = in.readArray(ContributorBaselinesSerde::baseline);
        List<PendingChildrenRecord> pending = in.readArray(PendingChildrenSerde::read);
        long pendingBytes = in.readLong();
        List<Long> starts = in.readArray(AvroStateInput::readLong);
        return new ContributorBaselinesRecord(settledBefore, learnedWindows, baselines, pending, pendingBytes,
                starts);
    }

    private static ChildBaselineRecord baseline(AvroStateInput in) throws IOException {
        String kind = in.readString(PendingChildrenSerde.KINDS);
        String name = in.readString();
        BigDecimal level = in.readDecimal(PendingChildrenSerde.MONEY.getScale());
        BigDecimal deviation = in.readDecimal(PendingChildrenSerde.MONEY.getScale());
        return new ChildBaselineRecord(kind, name, level, deviation, in.readLong());
    }
}
