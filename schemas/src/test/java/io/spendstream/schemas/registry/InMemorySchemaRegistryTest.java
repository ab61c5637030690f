package io.spendstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Budget;
import io.spendstream.avro.CostRecord;

class InMemorySchemaRegistryTest {

    private static final String SCOPE = "in-memory-registry-test";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldShareOneIdForTheSameSchemaAcrossSubjects() {
        int cost = registry.register("spend.cost-value", CostRecord.getClassSchema());
        int copy = registry.register("spend.cost.replay-value", CostRecord.getClassSchema());
        int budget = registry.register("spend.budgets.parsed-value", Budget.getClassSchema());

        assertThat(copy).isEqualTo(cost);
        assertThat(budget).isNotEqualTo(cost);
        assertThat(registry.getById(cost)).isEqualTo(CostRecord.getClassSchema());
        assertThat(registry.subjects()).containsExactlyInAnyOrder(
                "spend.cost-value", "spend.cost.replay-value", "spend.budgets.parsed-value");
    }

    @Test
    void shouldNumberVersionsPerSubjectAndRegisterIdempotently() {
        Schema v1 = Schema.create(Schema.Type.STRING);
        Schema v2 = Schema.create(Schema.Type.BYTES);
        registry.register("other-key", v2);

        int first = registry.register("spend.cost-key", v1);
        int again = registry.register("spend.cost-key", v1);
        int second = registry.register("spend.cost-key", v2);

        assertThat(again).isEqualTo(first);
        RegisteredSchema latest = registry.latest("spend.cost-key");
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(second);
        assertThat(latest.schema()).isEqualTo(v2);
        assertThat(latest.subject()).isEqualTo("spend.cost-key");
    }

    @Test
    void shouldNotCreateANewIdForTheSameSchemaFormattedDifferently() {
        int compact = registry.register("a-value", new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}"));
        int spaced = registry.register("a-value", new Schema.Parser().parse(
                "{ \"type\" : \"record\",\n  \"name\" : \"R\",\n  \"fields\" : [ { \"name\" : \"f\", \"type\" : \"int\" } ] }"));

        assertThat(spaced).isEqualTo(compact);
        assertThat(registry.latest("a-value").version()).isEqualTo(1);
    }

    @Test
    void shouldReportUnknownSubjectsAndIdsWithConfluentErrorCodes() {
        assertThatThrownBy(() -> registry.latest("missing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401))
                .hasMessageContaining("missing-value");
        assertThatThrownBy(() -> registry.getById(99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void shouldShareOneRegistryPerMockScope() {
        InMemorySchemaRegistry first = InMemorySchemaRegistry.scope(SCOPE);
        int id = first.register("spend.cost-value", CostRecord.getClassSchema());

        SchemaRegistryClient fromUrl = SchemaRegistryClients.forUrl("mock://" + SCOPE, null);

        assertThat(fromUrl).isSameAs(first);
        assertThat(fromUrl.getById(id)).isEqualTo(CostRecord.getClassSchema());
        InMemorySchemaRegistry.dropScope(SCOPE);
        assertThat(InMemorySchemaRegistry.scope(SCOPE).subjects()).isEmpty();
    }
}
