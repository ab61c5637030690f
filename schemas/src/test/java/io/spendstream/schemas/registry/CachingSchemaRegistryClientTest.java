package io.spendstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;

class CachingSchemaRegistryClientTest {

    private final CountingRegistry delegate = new CountingRegistry(new InMemorySchemaRegistry());
    private final CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(delegate);

    @Test
    void shouldRegisterEachSubjectAndSchemaWithTheDelegateOnce() {
        int first = client.register("spend.cost-value", CostRecord.getClassSchema());
        int second = client.register("spend.cost-value", CostRecord.getClassSchema());
        int otherSubject = client.register("spend.cost.copy-value", CostRecord.getClassSchema());

        assertThat(second).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(delegate.registrations.get()).isEqualTo(2);
        assertThat(client.getById(first)).isEqualTo(CostRecord.getClassSchema());
        assertThat(delegate.lookups.get()).as("the id of a registered schema is known without asking").isZero();
    }

    @Test
    void shouldFetchEachIdFromTheDelegateOnce() {
        int id = delegate.register("spend.cost-key", Schema.create(Schema.Type.STRING));

        Schema first = client.getById(id);
        Schema second = client.getById(id);

        assertThat(first).isEqualTo(Schema.create(Schema.Type.STRING)).isSameAs(second);
        assertThat(delegate.lookups.get()).isEqualTo(1);
    }

    @Test
    void shouldAlwaysAskTheDelegateForTheLatestVersion() {
        client.register("spend.cost-key", Schema.create(Schema.Type.STRING));
        assertThat(client.latest("spend.cost-key").version()).isEqualTo(1);

        delegate.register("spend.cost-key", Schema.create(Schema.Type.BYTES));

        assertThat(client.latest("spend.cost-key").version()).isEqualTo(2);
    }

    /** A real registry that counts the calls that reach it. */
    private static final class CountingRegistry implements SchemaRegistryClient {
        private final SchemaRegistryClient registry;
        private final AtomicInteger registrations = new AtomicInteger();
        private final AtomicInteger lookups = new AtomicInteger();

        private CountingRegistry(SchemaRegistryClient registry) {
            this.registry = registry;
        }

        @Override
        public int register(String subject, Schema schema) {
            registrations.incrementAndGet();
            return registry.register(subject, schema);
        }

        @Override
        public Schema getById(int id) {
            lookups.incrementAndGet();
            return registry.getById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return registry.latest(subject);
        }
    }
}
