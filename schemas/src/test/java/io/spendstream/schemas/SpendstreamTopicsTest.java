package io.spendstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.avro.ResourceTags;
import io.spendstream.schemas.registry.CachingSchemaRegistryClient;
import io.spendstream.schemas.registry.FailingRegistry;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryException;

/** Issue 15: every schema an app writes is registered at start-up, so that writing never needs the registry. */
class SpendstreamTopicsTest {

    private final InMemorySchemaRegistry backing = new InMemorySchemaRegistry();
    private final FailingRegistry registry = new FailingRegistry(backing);
    private final SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(),
            new CachingSchemaRegistryClient(registry));

    @Test
    void shouldRegisterEveryTopicAndStateSubjectAtStartUp() {
        topics.avroSerde(ResourceTags.class);
        topics.avroSerde(ResourceTags.class);

        int subjects = topics.registerSchemas();

        // 11 Avro topics (spend.value the latest) with a key and a value subject, the dead-letter value, one state record type.
        assertThat(subjects).isEqualTo(11 * 2 + 1 + 1);
        assertThat(backing.subjects()).contains("spend.cost-key", "spend.cost-value", "spend.alerts-key",
                "spend.dlq-value", ResourceTags.class.getName()).hasSize(subjects);
    }

    @Test
    void shouldWriteOutputsInternalTopicsStateAndDeadLettersWithoutTheRegistryOnceRegistered() {
        var tagsSerde = topics.avroSerde(ResourceTags.class);
        topics.registerSchemas();
        registry.fail(new SchemaRegistryException("down", new java.io.IOException("Connection refused")),
                Integer.MAX_VALUE);

        byte[] cost = topics.cost.valueSerde().serializer().serialize(topics.cost.name(), cost());
        byte[] repartitioned = topics.cost.valueSerde().serializer().serialize("spendstream-enrich-x-repartition",
                cost());
        byte[] key = topics.alerts.keySerde().serializer().serialize("spendstream-anomaly-gate-repartition", "k");
        byte[] state = tagsSerde.serializer().serialize("spendstream-enrich-tags-changelog", tags());
        byte[] deadLetter = topics.dlq.valueSerde().serializer().serialize(topics.dlq.name(), deadLetter());

        assertThat(id(cost)).isEqualTo(id(repartitioned)).isEqualTo(backing.latest("spend.cost-value").id());
        assertThat(id(key)).isEqualTo(backing.latest("spend.alerts-key").id());
        assertThat(id(state)).isEqualTo(backing.latest(ResourceTags.class.getName()).id());
        assertThat(id(deadLetter)).isEqualTo(backing.latest("spend.dlq-value").id());
        // What this version wrote reads back without the registry too: registering cached the ids' schemas.
        assertThat(topics.cost.valueSerde().deserializer().deserialize(topics.cost.name(), repartitioned))
                .isEqualTo(cost());
        assertThat(tagsSerde.deserializer().deserialize("spendstream-enrich-tags-changelog", state)).isEqualTo(tags());
        assertThat(registry.refused()).as("calls refused while down").isZero();
    }

    private static int id(byte[] framed) {
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    private static CostRecord cost() {
        BigDecimal amount = Money.of(new BigDecimal("1.5"));
        return CostRecord.newBuilder().setChargeId("c-1").setResourceId("i-1")
                .setChargePeriodStart(Instant.parse("2026-11-20T00:00:00Z"))
                .setChargePeriodEnd(Instant.parse("2026-11-20T01:00:00Z"))
                .setEffectiveCost(amount).setCurrency("USD").setOriginalEffectiveCost(amount).setOriginalCurrency("USD")
                .build();
    }

    private static ResourceTags tags() {
        return ResourceTags.newBuilder().setService("checkout").setTeam("payments")
                .setValidFrom(Instant.ofEpochMilli(1_795_000_000_000L))
                .build();
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setApplicationId("spendstream-enrich").setStage("enrich")
                .setPhase(FailurePhase.DESERIALIZATION).setProcessor("p").setReason("deserialization-error")
                .setMessage("m").setFailedAt(Instant.parse("2026-11-20T00:00:00Z")).setHeaders(java.util.Map.of())
                .build();
    }
}
