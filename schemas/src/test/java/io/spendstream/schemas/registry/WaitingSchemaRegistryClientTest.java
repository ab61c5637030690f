package io.spendstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.CostRecord;

class WaitingSchemaRegistryClientTest {

    private static final HttpSchemaRegistryClient.Retry FAST = new HttpSchemaRegistryClient.Retry(1,
            Duration.ofMillis(1), Duration.ofMillis(4));

    private final InMemorySchemaRegistry backing = new InMemorySchemaRegistry();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger answers = new AtomicInteger();
    private final AtomicBoolean keepWaiting = new AtomicBoolean(true);

    @Test
    void shouldTreatNoAnswerServerErrorsAndRefusedCredentialsAsOutagesButNotAnUnknownId() {
        assertThat(new SchemaRegistryException("down", new java.io.IOException("refused")).isOutage()).isTrue();
        assertThat(new SchemaRegistryException("503", 503, 503).isOutage()).isTrue();
        assertThat(new SchemaRegistryException("401", 401, 401).isOutage()).isTrue();
        assertThat(new SchemaRegistryException("403", 40301, 403).isOutage()).isTrue();
        assertThat(new SchemaRegistryException("429", 429, 429).isOutage()).isTrue();
        assertThat(new SchemaRegistryException("no such id", 40403, 404).isOutage()).isFalse();
        assertThat(new SchemaRegistryException("incompatible", 409, 409).isOutage()).isFalse();
        assertThat(new SchemaRegistryException("in memory", 40403).isOutage()).isFalse();
    }

    @Test
    void shouldWaitOutAnOutageAndReturnTheRegistrysAnswer() {
        int id = backing.register("spend.cost-value", CostRecord.getClassSchema());
        FailingRegistry flaky = new FailingRegistry(backing).fail(new SchemaRegistryException(
                "Schema registry at x is unreachable", new java.io.IOException("Connection refused")), 3);

        Schema schema = new WaitingSchemaRegistryClient(flaky, FAST, listener()).getById(id);

        assertThat(schema).isEqualTo(CostRecord.getClassSchema());
        assertThat(failures).hasSize(3).allMatch(f -> f.startsWith("schema " + id + ": unreachable"));
        assertThat(answers).hasValue(1);
    }

    @Test
    void shouldWaitWhileTheRegistryRefusesTheCredentials() {
        FailingRegistry flaky = new FailingRegistry(backing).fail(new SchemaRegistryException("HTTP 401", 401, 401), 2);

        int id = new WaitingSchemaRegistryClient(flaky, FAST, listener()).register("spend.cost-value",
                CostRecord.getClassSchema());

        assertThat(id).isEqualTo(backing.latest("spend.cost-value").id());
        assertThat(failures).hasSize(2).allMatch(f -> f.contains("unauthorized"));
    }

    @Test
    void shouldThrowTheRegistrysFinalWordAtOnce() {
        WaitingSchemaRegistryClient client = new WaitingSchemaRegistryClient(backing, FAST, listener());

        assertThatThrownBy(() -> client.getById(42)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Schema 42 not found");
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldStopWaitingWhenTheAppCloses() {
        FailingRegistry down = new FailingRegistry(backing).fail(new SchemaRegistryException("HTTP 503", 503, 503),
                Integer.MAX_VALUE);
        WaitingSchemaRegistryClient client = new WaitingSchemaRegistryClient(down,
                new HttpSchemaRegistryClient.Retry(1, Duration.ofMillis(50), Duration.ofMillis(50)), listener());
        Thread closer = new Thread(() -> {
            while (failures.size() < 2) {
                Thread.onSpinWait();
            }
            keepWaiting.set(false);
        });
        closer.start();

        assertThatThrownBy(() -> client.latest("spend.cost-value")).hasMessage("HTTP 503");
        assertThat(failures.size()).isGreaterThanOrEqualTo(2);
    }

    private WaitingSchemaRegistryClient.Listener listener() {
        return new WaitingSchemaRegistryClient.Listener() {
            @Override
            public void failed(String call, SchemaRegistryException error, Duration backoff) {
                failures.add(call + ": " + error.kind());
            }

            @Override
            public void answered() {
                answers.incrementAndGet();
            }

            @Override
            public boolean keepWaiting() {
                return keepWaiting.get();
            }
        };
    }
}
