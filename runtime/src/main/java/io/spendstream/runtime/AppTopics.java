package io.spendstream.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.spendstream.schemas.Topic;

/**
 * The topics one app reads and writes, declared once by the app ({@link StreamsApp#topics}) so that topic tooling,
 * the bench and the docs read it instead of restating it (after bakdata/streams-bootstrap's StreamsTopicConfig).
 * A test per app checks it against the app's {@code Topology.describe()}, so it cannot drift from the code.
 *
 * @param inputs the topics the app's consumer group reads (streams and tables), in the order the app reads them
 * @param globalInputs the topics read whole by every instance into global tables (restored, not consumed by the group)
 * @param outputs the topics the app writes its results to
 * @param errors the dead-letter topic its rejected records go to
 */
public record AppTopics(List<Topic<?, ?>> inputs, List<Topic<?, ?>> globalInputs, List<Topic<?, ?>> outputs,
        Topic<?, ?> errors) {

    public AppTopics {
        inputs = List.copyOf(inputs);
        globalInputs = List.copyOf(globalInputs);
        outputs = List.copyOf(outputs);
    }

    /** Names of {@link #inputs}: what the app's consumer group reads. */
    public List<String> inputNames() {
        return names(inputs);
    }

    /** Names of every topic the app reads: {@link #inputs} and {@link #globalInputs}. */
    public Set<String> readNames() {
        Set<String> names = new LinkedHashSet<>(names(inputs));
        names.addAll(names(globalInputs));
        return names;
    }

    /** Names of {@link #outputs}, without the dead-letter topic. */
    public List<String> outputNames() {
        return names(outputs);
    }

    /** Names of every topic the app writes: {@link #outputs} and {@link #errors}. */
    public Set<String> writeNames() {
        Set<String> names = new LinkedHashSet<>(names(outputs));
        names.add(errors.name());
        return names;
    }

    private static List<String> names(List<Topic<?, ?>> topics) {
        List<String> names = new ArrayList<>();
        topics.forEach(topic -> names.add(topic.name()));
        return names;
    }
}
