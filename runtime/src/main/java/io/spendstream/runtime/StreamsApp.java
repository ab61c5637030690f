package io.spendstream.runtime;

import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;

/**
 * One Spendstream stream app: a name and a topology. Everything else (configuration, serdes, metrics, health,
 * dead-letter handlers, topic creation, shutdown) is the runtime's job, so the app class holds only the DSL and
 * tests build exactly the topology production runs.
 */
public interface StreamsApp {

    /** Short name: ingest, enrich, attribution, anomaly. Also the default application.id suffix. */
    String name();

    /** Adds this app's topology to the builder. Must not do I/O. */
    void buildTopology(StreamsBuilder builder, AppContext context);

    /** This app's built-in defaults, applied below the user's configuration (e.g. its metrics port). */
    default Map<String, String> defaults() {
        return Map.of();
    }
}
