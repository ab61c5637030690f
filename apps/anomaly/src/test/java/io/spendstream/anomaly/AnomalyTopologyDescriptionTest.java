package io.spendstream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.TopologyDescription;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * The anomaly app's topology is its state on upgrade: every node, store, repartition topic and changelog name, and the
 * sub-topology each sits in. The descriptions in the test resources were taken from the topology as it stood before
 * the app was cut into one package per detection (issue 14); any change to them is a change of the app's state layout
 * and must be deliberate. Issue 19 added the value tickets (source {@code anomaly-value-source} on {@code spend.value},
 * store {@code anomaly-value-state}, their emission tail and {@code anomaly-value-alerts-merged}): all of them inside
 * sub-topology 0, where the detectors' alerts merge, so no sub-topology, changelog or repartition topic was renumbered
 * or renamed. Issue 18 added the contributor baselines' pending stores ({@code <baselines store>-pending}, one per
 * detector that keeps contributor baselines, in that detector's sub-topology): stores only, nothing renumbered.
 */
class AnomalyTopologyDescriptionTest {

    @Test
    void shouldDescribeTheDefaultTopologyExactlyAsBefore() throws IOException {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            assertThat(fixture.topology().describe().toString()).isEqualTo(resource("topology-default.txt"));
        }
    }

    @Test
    void shouldDescribeTheServiceOnlyTopologyExactlyAsBefore() throws IOException {
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(), Map.of(ScopeSettings.SCOPES, "service"))) {
            assertThat(fixture.topology().describe().toString()).isEqualTo(resource("topology-service-only.txt"));
        }
    }

    /**
     * Why the app runs with {@code max.task.idle.ms} -1 ({@link AnomalyApp#defaults()}): no processor that keeps
     * state is reached from more than one input topic, so no detector depends on the order in which a task takes
     * records from its different inputs, the order task idling would synchronise.
     */
    @Test
    void shouldFeedEveryStatefulProcessorFromOneInputTopicSoTaskIdlingIsMoot() {
        assertThat(new AnomalyApp().defaults()).containsEntry("max.task.idle.ms", "-1");
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp())) {
            int stateful = 0;
            for (TopologyDescription.Subtopology subtopology : fixture.topology().describe().subtopologies()) {
                for (TopologyDescription.Node node : subtopology.nodes()) {
                    if (node instanceof TopologyDescription.Processor processor && !processor.stores().isEmpty()) {
                        stateful++;
                        assertThat(inputTopics(processor)).as("input topics of %s", processor.name()).hasSize(1);
                    }
                }
            }
            assertThat(stateful).as("stateful processors").isGreaterThanOrEqualTo(7);
        }
    }

    private static Set<String> inputTopics(TopologyDescription.Node node) {
        Set<String> topics = new HashSet<>();
        Set<TopologyDescription.Node> seen = new HashSet<>();
        Deque<TopologyDescription.Node> next = new ArrayDeque<>(Set.of(node));
        while (!next.isEmpty()) {
            TopologyDescription.Node current = next.pop();
            if (seen.add(current)) {
                if (current instanceof TopologyDescription.Source source) {
                    topics.addAll(source.topicSet());
                }
                next.addAll(current.predecessors());
            }
        }
        return topics;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = AnomalyTopologyDescriptionTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
