package io.spendstream.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    private static final Schema V1 = record("{\"name\":\"id\",\"type\":\"string\"}");
    private static final Schema WITH_DEFAULT = record("{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"team\",\"type\":[\"null\",\"string\"],\"default\":null}");
    private static final Schema WITHOUT_DEFAULT = record("{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"team\",\"type\":\"string\"}");
    private static final Schema EMPTY = record("");

    @Test
    void shouldLetBackwardAddFieldsWithDefaultsOnly() {
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(WITH_DEFAULT, List.of(V1))).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(WITHOUT_DEFAULT, List.of(V1)))
                .singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT")
                .contains("new schema cannot read data written with an earlier one");
    }

    @Test
    void shouldLetForwardRemoveFieldsOnlyWhenTheOldSchemaHasDefaults() {
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(V1, List.of(WITH_DEFAULT))).isEmpty();
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(V1, List.of(WITHOUT_DEFAULT)))
                .singleElement().asString().contains("an earlier schema cannot read data written with the new one");
        // Adding a required field is fine for old readers: they ignore it.
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(WITHOUT_DEFAULT, List.of(V1))).isEmpty();
    }

    @Test
    void shouldRequireBothDirectionsForFull() {
        assertThat(CompatibilityLevel.FULL.incompatibilities(WITH_DEFAULT, List.of(V1))).isEmpty();
        assertThat(CompatibilityLevel.FULL.incompatibilities(WITHOUT_DEFAULT, List.of(V1))).hasSize(1);
        assertThat(CompatibilityLevel.FULL.incompatibilities(V1, List.of(WITHOUT_DEFAULT))).hasSize(1);
    }

    @Test
    void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
        // EMPTY -> V1 broke backward compatibility once (e.g. under NONE); V1 -> WITH_DEFAULT is fine against V1.
        List<Schema> history = List.of(EMPTY, V1);

        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(WITH_DEFAULT, history)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.incompatibilities(WITH_DEFAULT, history))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT").contains("/fields/0");
    }

    @Test
    void shouldAcceptAnythingUnderNoneOrAsAFirstVersion() {
        Schema unrelated = Schema.create(Schema.Type.LONG);

        assertThat(CompatibilityLevel.NONE.incompatibilities(unrelated, List.of(V1))).isEmpty();
        assertThat(CompatibilityLevel.FULL_TRANSITIVE.incompatibilities(unrelated, List.of())).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(unrelated, List.of(V1)))
                .singleElement().asString().contains("TYPE_MISMATCH");
    }

    @Test
    void shouldParseLevelsCaseInsensitivelyAndRefuseUnknownOnes() {
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .isInstanceOfSatisfying(RegistryError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(42203);
                })
                .hasMessageContaining("SIDEWAYS")
                .hasMessageContaining("BACKWARD_TRANSITIVE");
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Tagged\",\"namespace\":\"test\","
                + "\"fields\":[" + fields + "]}");
    }
}
