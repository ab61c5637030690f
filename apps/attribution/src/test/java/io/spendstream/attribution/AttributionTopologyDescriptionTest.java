package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.attribution.value.ValueTopology;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * The shape of the app's topology that a running deployment depends on: which sub-topology (so which task ids, state
 * directories and assignments) holds which store, and which input topics share a task.
 */
class AttributionTopologyDescriptionTest {

    private TopologyFixture fixture;

    @BeforeEach
    void start() {
        fixture = TopologyFixture.of(new AttributionApp());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /**
     * A task's state directory and its place in the assignment follow its sub-topology's number, which Kafka Streams
     * gives in the order the topology's nodes were added: a change that renumbers them sends every store of the
     * renumbered sub-topologies to other task directories on upgrade (restored from the changelogs, and only after
     * every instance runs the new version). This holds the numbers.
     */
    @Test
    void shouldKeepEveryStoreInItsSubTopology() {
        assertThat(storesBySubTopology()).isEqualTo(Map.of(
                0, Set.of(LatenessGate.STREAM_TIME_STORE, "unit-cost-1m", "unit-cost-1h",
                        ReconciliationTopology.STORE, BurnRateFanOut.PENDING, ShowbackSplitter.PENDING),
                1, Set.of(BurnRateProcessor.BUDGETS_STORE, BurnRateProcessor.SCOPES_STORE,
                        BurnRateProcessor.STREAM_TIME_STORE, ScopeSpend.BUCKETS_STORE, ScopeSpend.DAYS_STORE),
                2, Set.of(ShowbackProcessor.STORE),
                3, Set.of(CommitmentProcessor.STORE),
                4, Set.of(ValueTopology.STORE, ValueTopology.MINUTES_STORE)));
    }

    /**
     * Where {@code max.task.idle.ms} matters (issue 18, docs/performance.md): only a task that reads more than one
     * partition waits for one of them. That is sub-topology 0 alone (the cost rows, the APM summaries and the budgets,
     * merged before the lateness gate and the burn-rate repartition); every other one reads one topic.
     */
    @Test
    void shouldReadMoreThanOneTopicOnlyWhereCostRowsApmSummariesAndBudgetsMeet() {
        Map<Integer, Set<String>> topics = new HashMap<>();
        for (TopologyDescription.Subtopology subtopology : fixture.topology().describe().subtopologies()) {
            topics.put(subtopology.id(), sourceTopics(subtopology));
        }
        assertThat(topics.get(0)).containsExactlyInAnyOrder(fixture.topics().costAttributed.name(),
                fixture.topics().apm.name(), fixture.topics().budgets.name());
        topics.remove(0);
        assertThat(topics.values()).allSatisfy(read -> assertThat(read).hasSize(1));
    }

    private Map<Integer, Set<String>> storesBySubTopology() {
        Map<Integer, Set<String>> stores = new HashMap<>();
        for (TopologyDescription.Subtopology subtopology : fixture.topology().describe().subtopologies()) {
            Set<String> names = stores.computeIfAbsent(subtopology.id(), id -> new TreeSet<>());
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }
        return stores;
    }

    private static Set<String> sourceTopics(TopologyDescription.Subtopology subtopology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Node node : subtopology.nodes()) {
            if (node instanceof TopologyDescription.Source source) {
                topics.addAll(source.topicSet());
            }
        }
        return topics;
    }
}
