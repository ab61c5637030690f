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
     * A task's state directory and its place in the assignment follow its sub-topology's number. These are the
     * numbers of the version before the budgets got a sub-topology of their own (issue 18), so an upgrade finds every
     * store in the task that had it.
     */
    @Test
    void shouldKeepEveryStoreInTheSubTopologyItWasInBeforeTheBudgetsMovedOut() {
        assertThat(storesBySubTopology()).isEqualTo(Map.of(
                0, Set.of(LatenessGate.STREAM_TIME_STORE, "unit-cost-1m", "unit-cost-1h",
                        ReconciliationTopology.STORE),
                1, Set.of(BurnRateProcessor.BUDGETS_STORE, BurnRateProcessor.SCOPES_STORE,
                        BurnRateProcessor.STREAM_TIME_STORE, ScopeSpend.BUCKETS_STORE, ScopeSpend.DAYS_STORE),
                2, Set.of(ShowbackProcessor.STORE),
                3, Set.of(CommitmentProcessor.STORE),
                4, Set.of(ValueTopology.STORE, ValueTopology.MINUTES_STORE),
                5, Set.of()));
    }

    /**
     * Kafka Streams 4.3 formats a log message for every empty input partition of a task on every record the task
     * processes: {@code spend.budgets}, empty nearly always, is read by a task of its own, which writes the budgets
     * into the burn-rate repartition topic, and the burn-rate task reads that one topic only.
     */
    @Test
    void shouldReadTheBudgetsAloneAndWriteThemWhereTheBurnRateTaskReadsItsCostRows() {
        TopologyDescription.Subtopology budgets = subTopologyReading(fixture.topics().budgets.name());
        assertThat(sourceTopics(budgets)).containsExactly(fixture.topics().budgets.name());
        assertThat(sinkTopics(budgets)).containsExactlyInAnyOrder(fixture.topics().dlq.name(),
                BurnRateTopology.byScopeTopic("spendstream-attribution"));

        String byScope = BurnRateTopology.BY_SCOPE + "-repartition";
        assertThat(sourceTopics(subTopologyReading(byScope))).containsExactly(byScope);
        assertThat(sourceTopics(subTopologyReading(fixture.topics().costAttributed.name())))
                .containsExactlyInAnyOrder(fixture.topics().costAttributed.name(), fixture.topics().apm.name());
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

    private TopologyDescription.Subtopology subTopologyReading(String topic) {
        return fixture.topology().describe().subtopologies().stream()
                .filter(subtopology -> sourceTopics(subtopology).contains(topic))
                .findFirst().orElseThrow(() -> new AssertionError("no sub-topology reads " + topic));
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

    private static Set<String> sinkTopics(TopologyDescription.Subtopology subtopology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Node node : subtopology.nodes()) {
            if (node instanceof TopologyDescription.Sink sink) {
                topics.add(sink.topic());
            }
        }
        return topics;
    }
}
