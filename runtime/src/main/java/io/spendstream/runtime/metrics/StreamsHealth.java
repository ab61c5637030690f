package io.spendstream.runtime.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;

/**
 * Health and readiness of one Kafka Streams client, as the {@code /health} and {@code /ready} endpoints report them.
 *
 * <ul>
 * <li>Live (healthy) unless the client has failed or stopped: {@code ERROR}, {@code PENDING_ERROR} or
 * {@code NOT_RUNNING}. {@code CREATED}, {@code REBALANCING} and {@code PENDING_SHUTDOWN} are healthy: restarting
 * a client that is starting, rebalancing or shutting down gracefully only makes things worse.</li>
 * <li>Ready only when {@code RUNNING} and every {@link Dependency} (the cluster, the schema registry) is up: a
 * rebalancing client processes nothing, and Kafka Streams stays {@code RUNNING} while the broker is gone. While one
 * is down the body says since when and why ({@code "waitingFor":{"kafka":{"since":...,"error":...}}}).</li>
 * </ul>
 * The fatal error that stopped the client, if any, is kept so the health body can say why.
 */
public final class StreamsHealth implements HealthSource {

    private final String applicationId;
    private final Supplier<KafkaStreams.State> state;
    private final List<Dependency> dependencies;
    private final AtomicReference<Throwable> fatalError = new AtomicReference<>();

    public StreamsHealth(String applicationId, Supplier<KafkaStreams.State> state) {
        this(applicationId, state, List.of());
    }

    public StreamsHealth(String applicationId, Supplier<KafkaStreams.State> state, List<Dependency> dependencies) {
        this.applicationId = Objects.requireNonNull(applicationId);
        this.state = Objects.requireNonNull(state);
        this.dependencies = List.copyOf(dependencies);
    }

    public static StreamsHealth of(String applicationId, KafkaStreams streams) {
        return of(applicationId, streams, List.of());
    }

    public static StreamsHealth of(String applicationId, KafkaStreams streams, List<Dependency> dependencies) {
        return new StreamsHealth(applicationId, streams::state, dependencies);
    }

    public String applicationId() {
        return applicationId;
    }

    public KafkaStreams.State state() {
        return state.get();
    }

    public boolean isLive() {
        return isLive(state());
    }

    public boolean isReady() {
        return isReady(state()) && allUp(dependencies);
    }

    static boolean isLive(KafkaStreams.State state) {
        return switch (state) {
            case ERROR, PENDING_ERROR, NOT_RUNNING -> false;
            default -> true;
        };
    }

    static boolean isReady(KafkaStreams.State state) {
        return state == KafkaStreams.State.RUNNING;
    }

    static boolean allUp(List<Dependency> dependencies) {
        return dependencies.stream().allMatch(Dependency::isUp);
    }

    /**
     * The dependencies that are down, for a health body: {@code {"kafka":{"since":"...","error":"..."}}}, or an empty
     * map.
     */
    public static Map<String, Object> outages(List<Dependency> dependencies) {
        Map<String, Object> down = new LinkedHashMap<>();
        for (Dependency dependency : dependencies) {
            dependency.outage().ifPresent(outage -> down.put(dependency.name(),
                    Map.of("since", outage.since().toString(), "error", outage.error())));
        }
        return down;
    }

    /** Called by the uncaught-exception handler with the error that stops the client. */
    public void recordFatalError(Throwable error) {
        fatalError.compareAndSet(null, error);
    }

    public Optional<Throwable> fatalError() {
        return Optional.ofNullable(fatalError.get());
    }

    /** Body: {@code {"status":"UP","ready":true,"state":"RUNNING","applicationId":...,"error":...}}. */
    @Override
    public HealthReport report() {
        KafkaStreams.State current = state();
        Map<String, Object> details = new LinkedHashMap<>();
        // One snapshot of the state, so status, ready and state never contradict each other.
        details.put("state", current.name());
        details.put("applicationId", applicationId);
        fatalError().ifPresent(e -> details.put("error", e.getClass().getName() + ": " + e.getMessage()));
        Map<String, Object> down = outages(dependencies);
        if (!down.isEmpty()) {
            details.put("waitingFor", down);
        }
        return new HealthReport(isLive(current), isReady(current) && down.isEmpty(), details);
    }
}
