package io.spendstream.runtime.outage;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.spendstream.runtime.metrics.Dependency;
import io.spendstream.runtime.metrics.HealthReport;
import io.spendstream.runtime.metrics.HealthSource;
import io.spendstream.runtime.metrics.StreamsHealth;

/**
 * The dependencies of one app (the Kafka cluster, the schema registry), what waits for the registry, and the probes
 * that watch both: made before anything else at start-up, so that the start-up wait and the running app report
 * outages the same way, and closed with the app.
 */
public final class OutageWatch implements AutoCloseable {

    private final Dependency kafka;
    private final Dependency schemaRegistry;
    private final RegistryWaits registryWaits;
    private volatile DependencyProbe probe;

    public OutageWatch(String applicationId, MeterRegistry meters, Clock clock) {
        this.kafka = new Dependency(Dependency.KAFKA, applicationId,
                "Kafka Streams retries by itself and resumes from its last commit", meters, clock);
        this.schemaRegistry = new Dependency(Dependency.SCHEMA_REGISTRY, applicationId,
                "writing goes on with the schema ids registered at start-up, a record with a schema id not seen yet "
                        + "waits for it (nothing is dead-lettered for it)", meters, clock);
        this.registryWaits = new RegistryWaits(schemaRegistry, meters);
    }

    public Dependency kafka() {
        return kafka;
    }

    public Dependency schemaRegistry() {
        return schemaRegistry;
    }

    public RegistryWaits registryWaits() {
        return registryWaits;
    }

    public List<Dependency> dependencies() {
        return List.of(kafka, schemaRegistry);
    }

    /** Starts asking both dependencies every {@code interval}. */
    public void startProbes(Duration interval, DependencyProbe.Check kafkaCheck,
            DependencyProbe.Check registryCheck) {
        Map<Dependency, DependencyProbe.Check> checks = new LinkedHashMap<>();
        checks.put(kafka, kafkaCheck);
        checks.put(schemaRegistry, registryCheck);
        probe = DependencyProbe.start(interval, checks);
    }

    /** Health while the app starts: live, not ready, and what it waits for. */
    public HealthSource starting(String applicationId) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", "STARTING");
            details.put("applicationId", applicationId);
            Map<String, Object> down = StreamsHealth.outages(dependencies());
            if (!down.isEmpty()) {
                details.put("waitingFor", down);
            }
            return new HealthReport(true, false, details);
        };
    }

    /** Ends every wait for the registry and stops the probes. */
    @Override
    public void close() {
        registryWaits.close();
        DependencyProbe running = probe;
        if (running != null) {
            running.close();
        }
    }
}
