package io.spendstream.anomaly.contributors;

import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the contributor baselines' state stores ({@code anomaly-contributor-baselines},
 * {@code anomaly-drift-contributor-baselines}, {@code anomaly-scope-contributor-baselines}) and their changelogs: a format byte followed by Avro binary of the private {@code ContributorBaselinesRecord}
 * ({@link PrivateAvroSerde}). Format 2 carries the pending windows' estimated bytes and their starts (the windows
 * themselves in the pending store, {@link ContributorStates}); format 1 (the windows inline, schema kept as
 * {@code ContributorBaselinesRecord-v1.avsc}) is still read, with the bytes unknown (-1, counted on the next change)
 * and the windows split out on the next write, so a store written before the upgrade restores.
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
        if (value.getPendingStarts().isEmpty() || value.getPending().isEmpty()) {
            return super.write(value);
        }
        return super.write(new ContributorBaselinesRecord(value.getSettledBefore(), value.getLearnedWindows(),
                value.getBaselines(), List.of(), value.getPendingBytes(), value.getPendingStarts()));
    }
}
