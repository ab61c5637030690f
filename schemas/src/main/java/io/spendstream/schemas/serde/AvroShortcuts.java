package io.spendstream.schemas.serde;

import java.math.BigDecimal;
import java.util.List;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * What Avro's own generic paths decide about a schema or a value, for the code that skips those paths on hot records
 * and must decide the same ({@link AvroBinary}'s planned writer, ingest's record copy; issue 18).
 */
public final class AvroShortcuts {

    private AvroShortcuts() {
    }

    /**
     * The index of the null branch of a nullable union, {@code ["null", X]} or {@code [X, "null"]}; -1 for any other
     * schema (not a union, more branches, no null branch).
     */
    public static int nullBranch(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return -1;
        }
        List<Schema> branches = schema.getTypes();
        if (branches.size() != 2) {
            return -1;
        }
        if (branches.get(0).getType() == Schema.Type.NULL) {
            return 0;
        }
        return branches.get(1).getType() == Schema.Type.NULL ? 1 : -1;
    }

    /**
     * Whether {@code decimal} is at {@code type}'s scale and within its precision: Avro's decimal conversion writes
     * it as it is (its unscaled value's bytes) and reads it back equal, scale included. Any other decimal Avro
     * rescales or refuses, so a shortcut leaves it to Avro.
     */
    public static boolean fitsAsIs(BigDecimal decimal, LogicalTypes.Decimal type) {
        return decimal.scale() == type.getScale() && decimal.precision() <= type.getPrecision();
    }
}
