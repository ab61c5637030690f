package io.spendstream.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.TopologyDescription;

import io.micrometer.core.instrument.Counter;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * Checks an app's declarations against what it builds, so that they cannot drift from the code: its
 * {@link StreamsApp#topics} against the source and sink topics of {@code Topology.describe()} (Kafka Streams' own
 * repartition topics left out), and its {@link StreamsApp#deadLetterReasons} against the counters that exist at 0.
 */
public final class DeclarationChecks {

    private DeclarationChecks() {
    }

    public static void assertDeclarationsMatchTopology(StreamsApp app) {
        try (TopologyFixture fixture = TopologyFixture.of(app)) {
            AppTopics declared = app.topics(fixture.topics());
            TopologyDescription description = fixture.topology().describe();
            Set<String> sources = new TreeSet<>();
            Set<String> sinks = new TreeSet<>();
            for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
                for (TopologyDescription.Node node : subtopology.nodes()) {
                    if (node instanceof TopologyDescription.Source source) {
                        source.topicSet().stream().filter(DeclarationChecks::isPublic).forEach(sources::add);
                    } else if (node instanceof TopologyDescription.Sink sink && isPublic(sink.topic())) {
                        sinks.add(sink.topic());
                    }
                }
            }
            Set<String> globalSources = new TreeSet<>();
            description.globalStores().forEach(store -> globalSources.addAll(store.source().topicSet()));

            assertThat(sources).as("%s: topics its consumer group reads", app.name())
                    .containsExactlyInAnyOrderElementsOf(declared.inputNames());
            assertThat(globalSources).as("%s: topics it reads into global tables", app.name())
                    .containsExactlyInAnyOrderElementsOf(declared.globalInputs().stream().map(t -> t.name()).toList());
            assertThat(sinks).as("%s: topics it writes (outputs and dead letters)", app.name())
                    .containsExactlyInAnyOrderElementsOf(declared.writeNames());
            assertThat(declared.errors().name()).isEqualTo(fixture.topics().dlq.name());

            for (String reason : app.deadLetterReasons()) {
                Counter counter = fixture.meters().find(PipelineMetrics.DEAD_LETTERED)
                        .tags("stage", app.name(), "reason", reason).counter();
                assertThat(counter).as("%s: dead-letter counter of %s", app.name(), reason).isNotNull();
                assertThat(counter.count()).as("%s: dead-letter counter of %s", app.name(), reason).isZero();
            }
            assertThat(app.deadLetterReasons()).as("%s: its own reasons", app.name()).isNotEmpty()
                    .isEqualTo(DeadLetterReasons.byStage().get(app.name()));
        }
    }

    /** Kafka Streams' own repartition topics are the app's business, not part of its declaration. */
    private static boolean isPublic(String topic) {
        return !topic.endsWith("-repartition");
    }
}
