package io.spendstream.runtime.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryClients;

class TopicCreatorTest {

    private final String scope = "topic-creator-" + UUID.randomUUID();

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldPlanEveryMissingTopicWithConfiguredPartitionsAndBrokerDefaultReplication() {
        SpendstreamConfig config = config(Map.of());
        SpendstreamTopics topics = topics(config);

        List<NewTopic> plan = TopicCreator.plan(topics, config, Set.of());

        assertThat(plan).extracting(NewTopic::name)
                .containsExactlyElementsOf(topics.all().stream().map(t -> t.name()).toList());
        assertThat(plan).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(4);
            // -1 in NewTopic means "let the broker decide".
            assertThat(topic.replicationFactor()).isEqualTo((short) -1);
        });
    }

    @Test
    void shouldCompactReferenceTopicsAndKeepDeadLettersForThirtyDays() {
        SpendstreamConfig config = config(Map.of());
        Map<String, Map<String, String>> settings = TopicCreator.plan(topics(config), config, Set.of()).stream()
                .collect(Collectors.toMap(NewTopic::name, NewTopic::configs));

        for (String compacted : List.of("spend.tags", "spend.budgets", "spend.fx-rates", "spend.prices")) {
            assertThat(settings.get(compacted)).containsEntry("cleanup.policy", "compact");
        }
        assertThat(settings.get("spend.cost")).doesNotContainKey("cleanup.policy");
        assertThat(settings.get("spend.usage.raw")).isEmpty();
        assertThat(settings.get("spend.dlq"))
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()));
    }

    @Test
    void shouldNotTimeRetainTopicsWhoseRecordsCarryEventTime() {
        SpendstreamConfig config = config(Map.of(TopicCreator.RETENTION_BYTES, "1073741824"));
        Map<String, Map<String, String>> settings = TopicCreator.plan(topics(config), config, Set.of()).stream()
                .collect(Collectors.toMap(NewTopic::name, NewTopic::configs));

        // A billing row of last month written now would otherwise be deleted at the broker's next retention check.
        for (String eventTimed : List.of("spend.cost", "spend.apm", "spend.cost.attributed", "spend.unit-cost",
                "spend.allocation", "spend.burn-rate", "spend.anomalies", "spend.alerts")) {
            assertThat(settings.get(eventTimed)).as(eventTimed).containsEntry("retention.ms", "-1")
                    .containsEntry("retention.bytes", "1073741824");
        }
        assertThat(settings.get("spend.usage.raw")).doesNotContainKey("retention.ms");
        assertThat(settings.get("spend.tags")).doesNotContainKey("retention.ms");
    }

    @Test
    void shouldLeaveExistingTopicsAloneAndUseConfiguredNamesAndSizes() {
        SpendstreamConfig config = config(Map.of("spendstream.topics.partitions", "12",
                "spendstream.topics.replication.factor", "3", "spendstream.topic.dlq", "acme.dead-letters",
                "spendstream.topics.dlq.retention", "7d"));
        SpendstreamTopics topics = topics(config);
        Set<String> existing = topics.all().stream().map(t -> t.name())
                .filter(name -> !name.equals("spend.cost") && !name.equals("acme.dead-letters"))
                .collect(Collectors.toSet());

        List<NewTopic> plan = TopicCreator.plan(topics, config, existing);

        assertThat(plan).extracting(NewTopic::name).containsExactly("spend.cost", "acme.dead-letters");
        assertThat(plan).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(12);
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        });
        assertThat(plan.get(1).configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
    }

    @Test
    void shouldCountATopicCreatedConcurrentlyAsCreated() {
        Map<String, KafkaFuture<Void>> creations = new LinkedHashMap<>();
        creations.put("spend.cost", KafkaFuture.completedFuture(null));
        creations.put("spend.apm", failed(new TopicExistsException("Topic 'spend.apm' already exists.")));

        List<String> created = TopicCreator.awaitCreated(creations);

        assertThat(created).containsExactly("spend.cost");
    }

    @Test
    void shouldFailNamingTheTopicsTheBrokerRefused() {
        Map<String, KafkaFuture<Void>> creations = new LinkedHashMap<>();
        creations.put("spend.cost", KafkaFuture.completedFuture(null));
        creations.put("spend.apm", failed(new PolicyViolationException("replication factor must be 3")));

        assertThatThrownBy(() -> TopicCreator.awaitCreated(creations))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spend.apm")
                .hasMessageContaining("replication factor must be 3")
                .hasMessageContaining("spendstream.topics.create=false")
                .hasRootCauseInstanceOf(PolicyViolationException.class);
    }

    private SpendstreamConfig config(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        settings.put(SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + scope);
        return ConfigLoader.load(Map.of(), Optional.empty(), Map.of(), settings);
    }

    private static SpendstreamTopics topics(SpendstreamConfig config) {
        return new SpendstreamTopics(TopicNames.from(config.asMap()), SchemaRegistryClients.fromConfig(config.asMap()));
    }

    private static KafkaFuture<Void> failed(Exception error) {
        KafkaFutureImpl<Void> future = new KafkaFutureImpl<>();
        future.completeExceptionally(error);
        return future;
    }
}
