package io.spendstream.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.spendstream.deploy.registry.RegistryState.StoredRecord;

class RegistryStateTest {

    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final Schema LONG = Schema.create(Schema.Type.LONG);

    private final RegistryState state = new RegistryState();

    @Test
    void shouldRebuildVersionsAndIdsFromItsOwnRecords() {
        apply(RegistryState.schemaRecord(new SchemaVersion("a:b-value", 1, 1, STRING)));
        apply(RegistryState.schemaRecord(new SchemaVersion("a:b-value", 2, 2, LONG)));
        apply(RegistryState.schemaRecord(new SchemaVersion("c-value", 1, 1, STRING)));

        assertThat(state.subjects()).containsExactly("a:b-value", "c-value");
        assertThat(state.versions("a:b-value")).extracting(SchemaVersion::id).containsExactly(1, 2);
        assertThat(state.find("c-value", Schema.create(Schema.Type.STRING))).map(SchemaVersion::version).hasValue(1);
        assertThat(state.usesOf(1)).extracting(SchemaVersion::subject).containsExactly("a:b-value", "c-value");
        assertThat(state.idFor(LONG)).as("a known schema keeps its id").isEqualTo(2);
        assertThat(state.idFor(Schema.create(Schema.Type.BOOLEAN))).as("a new one gets the next").isEqualTo(3);
    }

    @Test
    void shouldKeyEachFactSoCompactionKeepsAllSchemasAndTheNewestLevel() {
        assertThat(RegistryState.schemaRecord(new SchemaVersion("s-value", 3, 9, STRING)).key())
                .isEqualTo("schema:s-value:3");
        assertThat(RegistryState.configRecord("s-value", CompatibilityLevel.FULL).key()).isEqualTo("config:s-value");
        assertThat(RegistryState.configRecord(null, CompatibilityLevel.FULL).key()).isEqualTo("config");
    }

    @Test
    void shouldTellSubjectLevelsFromTheRegistryWideLevel() {
        assertThat(state.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);

        apply(RegistryState.configRecord("s-value", CompatibilityLevel.NONE));
        apply(RegistryState.configRecord(null, CompatibilityLevel.FULL));
        apply(RegistryState.configRecord(null, CompatibilityLevel.FORWARD));

        assertThat(state.effectiveLevel("s-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(state.effectiveLevel("t-value")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(state.subjectLevel("t-value")).isEmpty();
    }

    @Test
    void shouldIgnoreTombstonesAndForeignKeys() {
        state.apply("schema:s-value:1", null);
        state.apply("something-else", "{\"subject\":\"x\"}");

        assertThat(state.subjects()).isEmpty();
        assertThat(state.idFor(STRING)).isEqualTo(1);
    }

    private void apply(StoredRecord record) {
        state.apply(record.key(), record.value());
    }
}
