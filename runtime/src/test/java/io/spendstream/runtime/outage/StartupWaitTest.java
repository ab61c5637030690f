package io.spendstream.runtime.outage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.config.ConnectionException;
import io.spendstream.schemas.registry.SchemaRegistryClient;
import io.spendstream.schemas.registry.SchemaRegistryException;

/** What start-up waits out (an outage) and what it fails on at once (a configuration that can never work). */
class StartupWaitTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OutageWatch outages = new OutageWatch("spendstream-ingest", meters, Clock.systemUTC());

    @Test
    void shouldWaitForARegistryThatIsDownOrRefusesUntilItAnswers() {
        AtomicInteger calls = new AtomicInteger();
        SchemaRegistryClient registry = registry(() -> {
            switch (calls.incrementAndGet()) {
                case 1 -> throw new SchemaRegistryException("unreachable", new IOException("Connection refused"));
                case 2 -> throw new SchemaRegistryException("HTTP 503", 503, 503);
                case 3 -> throw new SchemaRegistryException("HTTP 401", 401, 401);
                default -> { }
            }
        });

        new StartupWait(Optional.empty(), outages).forRegistry(registry, "http://registry:8081");

        assertThat(calls).hasValue(4);
        assertThat(outages.schemaRegistry().isUp()).isTrue();
        assertThat(meters.get("spendstream.dependency.failures").tag("dependency", "schema-registry").counters())
                .extracting(c -> c.getId().getTag("reason") + "=" + (int) c.count())
                .containsExactlyInAnyOrder("unreachable=1", "server-error=1", "unauthorized=1");
    }

    @Test
    void shouldFailAtOnceWithOneLineWhenTheUrlIsNoRegistry() {
        AtomicInteger calls = new AtomicInteger();
        SchemaRegistryClient registry = registry(() -> {
            calls.incrementAndGet();
            throw new SchemaRegistryException("Schema registry at http://web/ answered GET subjects with HTTP 404 "
                    + "and a body that is not JSON: <html>", 404, 404);
        });

        assertThatThrownBy(() -> new StartupWait(Optional.empty(), outages).forRegistry(registry, "http://web"))
                .isInstanceOf(ConnectionException.class)
                .hasMessage("Schema registry at http://web/ answered GET subjects with HTTP 404 and a body that is not "
                        + "JSON: <html> (schema.registry.url=http://web)");
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldGiveUpAfterTheStartUpTimeoutWithTheLastError() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> new StartupWait(Optional.of(Duration.ofMillis(1500)), outages)
                .forCluster(() -> {
                    throw new java.util.concurrent.TimeoutException();
                }, "kafka:9092", Duration.ofSeconds(2)))
                .isInstanceOf(ConnectionException.class)
                .hasMessage("Kafka at kafka:9092 did not answer within 2s (is the cluster up, bootstrap.servers right, "
                        + "security.protocol / sasl.* / ssl.* set?)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1500),
                Duration.ofSeconds(10));
        assertThat(outages.kafka().isUp()).isFalse();
    }

    @Test
    void shouldFailAtOnceWhenTheClusterRefuses() {
        assertThatThrownBy(() -> new StartupWait(Optional.empty(), outages).forCluster(() -> {
            throw new java.util.concurrent.ExecutionException(
                    new org.apache.kafka.common.errors.SaslAuthenticationException("bad password"));
        }, "kafka:9092", Duration.ofSeconds(2))).isInstanceOf(ConnectionException.class)
                .hasMessage("Kafka at kafka:9092 refused: bad password");
    }

    private static SchemaRegistryClient registry(Runnable check) {
        return new SchemaRegistryClient() {
            @Override
            public int register(String subject, org.apache.avro.Schema schema) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.apache.avro.Schema getById(int id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public io.spendstream.schemas.registry.RegisteredSchema latest(String subject) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkReachable() {
                check.run();
            }
        };
    }
}
