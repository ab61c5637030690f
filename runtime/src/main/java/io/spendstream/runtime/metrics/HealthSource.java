package io.spendstream.runtime.metrics;

/**
 * Where {@link MetricsServer} learns whether its process is alive ({@code /health}) and ready ({@code /ready}).
 * A stream app's source is its Kafka Streams client ({@link StreamsHealth}); a process without Kafka Streams (the
 * alert notifier) supplies its own, so that every Spendstream process is probed the same way.
 */
@FunctionalInterface
public interface HealthSource {

    /** One snapshot of the state, taken per request, so that the status code and the body never disagree. */
    HealthReport report();
}
