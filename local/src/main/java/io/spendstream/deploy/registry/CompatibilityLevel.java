package io.spendstream.deploy.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility} (reader/writer resolution).
 *
 * <p>BACKWARD: consumers on the new schema read data written with the previous one. FORWARD: consumers still on the
 * previous schema read data written with the new one. FULL: both. The {@code _TRANSITIVE} variants check against
 * every earlier version instead of only the latest.
 */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** Confluent's default when neither the subject nor the registry has a level configured. */
    static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    static CompatibilityLevel parse(String text) {
        if (text != null) {
            for (CompatibilityLevel level : values()) {
                if (level.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
                    return level;
                }
            }
        }
        throw RegistryError.invalidCompatibilityLevel(text);
    }

    static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /**
     * Why the candidate may not follow the existing versions under this level; empty when it may.
     *
     * @param existing the subject's versions, oldest first
     */
    List<String> incompatibilities(Schema candidate, List<Schema> existing) {
        List<String> problems = new ArrayList<>();
        if (this == NONE || existing.isEmpty()) {
            return problems;
        }
        List<Schema> checked = transitive ? existing : existing.subList(existing.size() - 1, existing.size());
        for (Schema earlier : checked) {
            if (newReadsOld) {
                problems.addAll(problems(candidate, earlier, "new schema cannot read data written with an earlier one"));
            }
            if (oldReadsNew) {
                problems.addAll(problems(earlier, candidate, "an earlier schema cannot read data written with the new one"));
            }
        }
        return problems;
    }

    private static List<String> problems(Schema reader, Schema writer, String direction) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add("{" + direction + ": " + incompatibility.getType() + " at "
                    + incompatibility.getLocation() + ": " + incompatibility.getMessage() + "}");
        }
        return problems;
    }
}
