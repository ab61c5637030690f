package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.attribution.avro.CommitmentInput;
import io.spendstream.attribution.avro.CommitmentTally;
import io.spendstream.avro.CommitmentUtilisation;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * {@link CommitmentProcessor} restarted on the store a previous instance left: what a task restored from its
 * changelog sees, since every change goes through the store. Played with one store and successive processor
 * instances, as Kafka Streams creates them for a revived task (the TopologyTestDriver wipes its state on close).
 */
class CommitmentProcessorRestartTest {

    private static final long HOUR = TopologyFixture.START.toEpochMilli();
    private static final String RI = "ri-0123";

    private TopologyFixture fixture;
    private KeyValueStore<CommitmentKey, CommitmentTally> store;

    @BeforeEach
    void createStore() {
        // Only for its topics' Avro serdes, on a registry of its own.
        fixture = TopologyFixture.of(new AttributionApp());
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CommitmentProcessor.STORE),
                CommitmentKey.serde(), fixture.topics().avroSerde(CommitmentTally.class)).withLoggingDisabled()
                .build();
    }

    @AfterEach
    void close() {
        store.close();
        fixture.close();
    }

    @Test
    void shouldEmitAfterARestartThePartsBookedButNotYetEmittedBeforeIt() {
        MockProcessorContext<String, CommitmentUtilisation> beforeCrash = start();
        CommitmentProcessor processor = processor(beforeCrash);
        processor.process(part("3.00", false, "i-1"));
        processor.process(part("1.00", true, null));
        assertThat(beforeCrash.forwarded()).as("the emit-interval has not passed").isEmpty();

        // The task dies before its next emission; a new instance starts on the store the changelog restores.
        MockProcessorContext<String, CommitmentUtilisation> afterRestart = start();
        processor(afterRestart);
        Map<String, CommitmentUtilisation> emitted = emitNow(afterRestart);

        assertThat(emitted).containsOnlyKeys("PT1H", "PT24H");
        assertThat(emitted.get("PT1H").getUsedCost()).isEqualTo(Money.of("3.00"));
        assertThat(emitted.get("PT1H").getUnusedCost()).isEqualTo(Money.of("1.00"));
        assertThat(emitted.get("PT24H").getUtilisation()).isEqualTo(Money.of("0.75"));
    }

    @Test
    void shouldNotEmitAgainNorCountAResourceTwiceAfterARestart() {
        MockProcessorContext<String, CommitmentUtilisation> first = start();
        processor(first).process(part("3.00", false, "i-1"));
        assertThat(emitNow(first)).containsOnlyKeys("PT1H", "PT24H");

        MockProcessorContext<String, CommitmentUtilisation> second = start();
        CommitmentProcessor restarted = processor(second);
        assertThat(emitNow(second)).as("nothing changed since the last emission").isEmpty();

        restarted.process(part("0.50", false, "i-1"));
        Map<String, CommitmentUtilisation> emitted = emitNow(second);
        assertThat(emitted.get("PT1H").getUsedCost()).as("the hour goes on from the stored one")
                .isEqualTo(Money.of("3.50"));
        assertThat(emitted.get("PT1H").getResources()).isEqualTo(1);
        assertThat(emitted.get("PT24H").getUsedCost()).isEqualTo(Money.of("3.50"));
    }

    private MockProcessorContext<String, CommitmentUtilisation> start() {
        MockProcessorContext<String, CommitmentUtilisation> context = new MockProcessorContext<>();
        context.setCurrentStreamTimeMs(HOUR);
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        return context;
    }

    private CommitmentProcessor processor(MockProcessorContext<String, CommitmentUtilisation> context) {
        SpendstreamConfig config = new SpendstreamConfig(Map.of());
        CommitmentProcessor processor = new CommitmentProcessor(AttributionSettings.from(config),
                ShowbackSettings.from(config), new PipelineMetrics(new SimpleMeterRegistry()));
        processor.init(context);
        return processor;
    }

    /** Fires the wall-clock punctuation (the emit-interval passing); returns what it emitted, by window size. */
    private static Map<String, CommitmentUtilisation> emitNow(MockProcessorContext<String, CommitmentUtilisation> context) {
        context.resetForwards();
        context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .forEach(p -> p.getPunctuator().punctuate(Instant.now().toEpochMilli()));
        Map<String, CommitmentUtilisation> emitted = new HashMap<>();
        context.forwarded().forEach(f -> {
            assertThat(f.record().key()).isEqualTo(RI);
            emitted.put(f.record().value().getWindowSize(), f.record().value());
        });
        return emitted;
    }

    private static Record<String, CommitmentInput> part(String amount, boolean unused, String resource) {
        CommitmentInput input = CommitmentInput.newBuilder().setHourStart(HOUR).setAmount(Money.of(amount))
                .setUnused(unused).setResourceId(resource).setService(resource == null ? null : "checkout").build();
        return new Record<>(RI, input, HOUR);
    }
}
