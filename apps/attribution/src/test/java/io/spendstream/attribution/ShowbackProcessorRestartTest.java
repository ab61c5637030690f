package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.attribution.avro.ShowbackEntry;
import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.attribution.avro.ShowbackInputKind;
import io.spendstream.avro.Allocation;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * {@link ShowbackProcessor} restarted on the store a previous instance left: what a task restored from its changelog
 * sees, since every change goes through the store. The TopologyTestDriver wipes its state on close, so the restart is
 * played here with one store and successive processor instances, as Kafka Streams creates them for a revived task.
 */
class ShowbackProcessorRestartTest {

    private static final long HOUR = TopologyFixture.START.toEpochMilli();
    private static final long DAY = ShowbackSplitter.dayOf(HOUR);

    private TopologyFixture fixture;
    private KeyValueStore<ShowbackKey, ShowbackEntry> store;

    @BeforeEach
    void createStore() {
        // Only for its topics' Avro serdes, on a registry of its own.
        fixture = TopologyFixture.of(PartialApps.showbackOnly());
        Serde<ShowbackEntry> values = fixture.topics().avroSerde(ShowbackEntry.class);
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ShowbackProcessor.STORE),
                ShowbackKey.serde(), values).withLoggingDisabled().build();
    }

    @AfterEach
    void close() {
        store.close();
        fixture.close();
    }

    @Test
    void shouldEmitAfterARestartTheInputsBookedButNotYetEmittedBeforeIt() {
        MockProcessorContext<String, Allocation> beforeCrash = start();
        ShowbackProcessor processor = processor(beforeCrash);
        processor.process(input(ShowbackInputKind.DIRECT, "checkout", "payments", "1.00", 0));
        processor.process(input(ShowbackInputKind.SHARED, null, "", "2.00", 0));
        processor.process(input(ShowbackInputKind.REQUESTS, "checkout", "", "0", 10));
        assertThat(beforeCrash.forwarded()).as("the emit-interval has not passed").isEmpty();

        // The task dies before its next emission; a new instance starts on the store the changelog restores.
        MockProcessorContext<String, Allocation> afterRestart = start();
        processor(afterRestart);
        Map<String, Allocation> emitted = emitNow(afterRestart);

        assertThat(emitted.get("payments@PT1H").getDirect()).isEqualTo(Money.of("1.00"));
        assertThat(emitted.get("payments@PT1H").getShared()).isEqualTo(Money.of("2.00"));
        assertThat(emitted.get("payments@PT24H").getTotal()).isEqualTo(Money.of("3.00"));
        assertThat(emitted.get("product:unallocated@PT1H").getTotal()).isEqualTo(Money.of("3.00"));
    }

    @Test
    void shouldNotEmitAgainAfterARestartWhatWasEmittedBeforeIt() {
        MockProcessorContext<String, Allocation> first = start();
        ShowbackProcessor processor = processor(first);
        processor.process(input(ShowbackInputKind.DIRECT, "checkout", "payments", "1.00", 0));
        assertThat(emitNow(first)).containsKeys("payments@PT1H", "payments@PT24H");

        MockProcessorContext<String, Allocation> second = start();
        ShowbackProcessor restarted = processor(second);
        assertThat(emitNow(second)).as("nothing changed since the last emission").isEmpty();

        restarted.process(input(ShowbackInputKind.DIRECT, "checkout", "payments", "0.50", 0));
        Map<String, Allocation> emitted = emitNow(second);
        assertThat(emitted.get("payments@PT1H").getTotal()).as("the hour goes on from the stored one")
                .isEqualTo(Money.of("1.50"));
        assertThat(emitted.get("payments@PT24H").getTotal()).isEqualTo(Money.of("1.50"));
    }

    private MockProcessorContext<String, Allocation> start() {
        MockProcessorContext<String, Allocation> context = new MockProcessorContext<>();
        // Stream time as the processor sees it after this test's inputs: their hour.
        context.setCurrentStreamTimeMs(HOUR);
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        return context;
    }

    private ShowbackProcessor processor(MockProcessorContext<String, Allocation> context) {
        SpendstreamConfig config = new SpendstreamConfig(Map.of());
        ShowbackProcessor processor = new ShowbackProcessor(AttributionSettings.from(config),
                ShowbackSettings.from(config), SharedCostRules.from(config),
                new PipelineMetrics(new SimpleMeterRegistry()));
        processor.init(context);
        return processor;
    }

    /** Fires the wall-clock punctuation (the emit-interval passing); returns what it emitted, by owner@window. */
    private static Map<String, Allocation> emitNow(MockProcessorContext<String, Allocation> context) {
        context.resetForwards();
        context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .forEach(p -> p.getPunctuator().punctuate(Instant.now().toEpochMilli()));
        Map<String, Allocation> emitted = new HashMap<>();
        List<MockProcessorContext.CapturedForward<? extends String, ? extends Allocation>> forwards =
                context.forwarded();
        forwards.forEach(f -> emitted.put(f.record().key() + "@" + f.record().value().getWindowSize(),
                f.record().value()));
        return emitted;
    }

    private static Record<Long, ShowbackInput> input(ShowbackInputKind kind, String service, String team,
            String amount, long requests) {
        ShowbackInput input = ShowbackInput.newBuilder().setKind(kind).setHourStart(HOUR).setService(service)
                .setTeam(team).setOwnsTeam(kind == ShowbackInputKind.DIRECT).setAmount(Money.of(amount))
                .setRequests(requests).build();
        return new Record<>(DAY, input, HOUR);
    }
}
