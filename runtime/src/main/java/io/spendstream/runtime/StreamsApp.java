package io.spendstream.runtime;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;

import io.spendstream.schemas.SpendstreamTopics;

/**
 * One Spendstream stream app: a name and a topology. Everything else (configuration, serdes, metrics, health,
 * dead-letter handlers, topic creation, shutdown) is the runtime's job, so the app class holds only the DSL and
 * tests build exactly the topology production runs.
 */
public interface StreamsApp {

    /** Short name: ingest, enrich, attribution, anomaly. Also the default application.id suffix. */
    String name();

    /**
     * The topics this app reads and writes, declared once: topic tooling, the bench and the README table (checked by
     * a test) read it, and a test per app checks it against the topology's sources and sinks.
     */
    AppTopics topics(SpendstreamTopics topics);

    /** Adds this app's topology to the builder. Must not do I/O. */
    void buildTopology(StreamsBuilder builder, AppContext context);

    /**
     * The reason codes this app's own validation writes to the dead-letter topic (its stage of
     * {@code io.spendstream.schemas.DeadLetterReasons}); the runtime's own reasons, which every app can write, are
     * not repeated here. The runtime creates their dead-letter counters at 0 at start-up, so that {@code increase()}
     * in an alert sees the first dead letter of each.
     */
    default List<String> deadLetterReasons() {
        return List.of();
    }

    /** This app's built-in defaults, applied below the user's configuration (e.g. its metrics port). */
    default Map<String, String> defaults() {
        return Map.of();
    }
}
