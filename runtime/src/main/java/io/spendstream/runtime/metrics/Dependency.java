package io.spendstream.runtime.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Something an app needs to make progress (the Kafka cluster, the schema registry), as the probes and the calls that
 * wait for it see it: up, or down since when and why. {@code /ready} answers 503 while one is down.
 *
 * <p>Logs once when it goes down (WARN, with the cause and what the app does meanwhile), a reminder every
 * {@link #REMINDER} while it stays down, and once when it answers again (INFO, with how long it was down); never
 * per retry. Meters: the gauge {@code spendstream.dependency.up{dependency}} (1 or 0) and the counter
 * {@code spendstream.dependency.failures{dependency,reason}} (every failed probe or call).
 */
public final class Dependency {

    public static final String KAFKA = "kafka";
    public static final String SCHEMA_REGISTRY = "schema-registry";
    public static final String UP = "spendstream.dependency.up";
    public static final String FAILURES = "spendstream.dependency.failures";

    static final Duration REMINDER = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(Dependency.class);

    /** Down since {@code since}, last failing with {@code error}. */
    public record Outage(Instant since, String error) {
    }

    private final String name;
    private final String applicationId;
    private final String meanwhile;
    private final MeterRegistry registry;
    private final Clock clock;
    private volatile Outage outage;
    private Instant lastLogged;

    /**
     * @param meanwhile what the app does while it is down, for the log line (e.g. "records that need it wait")
     */
    public Dependency(String name, String applicationId, String meanwhile, MeterRegistry registry, Clock clock) {
        this.name = name;
        this.applicationId = applicationId;
        this.meanwhile = meanwhile;
        this.registry = registry;
        this.clock = clock;
        Gauge.builder(UP, this, d -> d.isUp() ? 1 : 0).tag("dependency", name)
                .description("1 while the app reaches the dependency, 0 while it waits for it").register(registry);
    }

    public String name() {
        return name;
    }

    public boolean isUp() {
        return outage == null;
    }

    public Optional<Outage> outage() {
        return Optional.ofNullable(outage);
    }

    /** A probe or call failed; {@code reason} is a short label for the counter (e.g. {@code unreachable}). */
    public void failed(String reason, String error) {
        failed(reason, error, meanwhile);
    }

    /** Like {@link #failed(String, String)}, saying what the app does meanwhile if this starts an outage. */
    public synchronized void failed(String reason, String error, String meanwhile) {
        error = error == null ? reason : error;
        Counter.builder(FAILURES).tags("dependency", name, "reason", reason).register(registry).increment();
        Instant now = clock.instant();
        if (outage == null) {
            outage = new Outage(now, error);
            lastLogged = now;
            LOG.warn("{}: {} is down ({}); {}, /ready answers 503 until it is back", applicationId, name, error,
                    meanwhile);
        } else {
            outage = new Outage(outage.since(), error);
            if (Duration.between(lastLogged, now).compareTo(REMINDER) >= 0) {
                lastLogged = now;
                LOG.warn("{}: {} still down after {} s ({})", applicationId, name,
                        Duration.between(outage.since(), now).toSeconds(), error);
            }
        }
    }

    /** A probe or call got an answer. */
    public synchronized void answered() {
        Outage ended = outage;
        if (ended != null) {
            outage = null;
            LOG.info("{}: {} is back after {} s", applicationId, name,
                    Duration.between(ended.since(), clock.instant()).toSeconds());
        }
    }
}
