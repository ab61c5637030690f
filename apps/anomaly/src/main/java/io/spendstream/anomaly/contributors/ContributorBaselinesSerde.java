package io.spendstream.anomaly.contributors;

import java.util.Map;

import org.apache.avro.Schema;

import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;

/**
 * Serde of the state stores {@code anomaly-contributor-baselines} and {@code anomaly-scope-contributor-baselines}
 * (and their changelogs): a format byte followed by Avro binary of the private {@code ContributorBaselinesRecord}
 * ({@link PrivateAvroSerde}). Format 2 carries the pending windows' estimated bytes; format 1 (before them, schema
 * kept as {@code ContributorBaselinesRecord-v1.avsc}) is still read with them unknown (-1, counted on the next
 * change), so a store written before the upgrade restores.
 */
public final class ContributorBaselinesSerde extends PrivateAvroSerde<ContributorBaselinesRecord> {

    static final byte FORMAT_V2 = 2;
    static final Schema SCHEMA_V1 = schemaResource(ContributorBaselinesSerde.class,
            "ContributorBaselinesRecord-v1.avsc");

    public ContributorBaselinesSerde() {
        super(ContributorBaselinesRecord.class, "contributor baselines", FORMAT_V2, Map.of(FORMAT_V1, SCHEMA_V1));
    }
}
