package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.avro.CostRecord;
import io.spendstream.ingest.avro.EstimateDay;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * {@link EstimateSupersession} restarted on the RocksDB store a previous instance left in the same state directory,
 * closed and reopened in between: what a task sees after a restart (the TopologyTestDriver wipes its state directory
 * on close, so the restart is played with the store itself and successive processor instances).
 */
class EstimateSupersessionRestartTest {

    private static final EstimateMatch MATCH = new EstimateMatch(EstimateSettings.Match.SKU_PRICE_ID);

    @TempDir
    Path stateDir;

    private TopologyFixture serdes;
    private final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());

    @BeforeEach
    void registry() {
        // Only for the Avro serde of the store, on a registry of its own.
        serdes = TopologyFixture.of(new IngestApp());
    }

    @AfterEach
    void close() {
        serdes.close();
    }

    @Test
    void shouldSupersedeEstimatesWrittenBeforeARestartOnceAndOnlyOnce() {
        CostRecord estimate = estimate("m-1", "0.40");
        CostRecord bill = bill("b-1", "0.42");

        Run before = new Run();
        before.process(estimate);
        before.process(estimate("m-2", "0.10"));
        assertThat(before.forwarded()).extracting(CostRecord::getEffectiveCost)
                .containsExactly(Money.of("0.40"), Money.of("0.10"));
        before.stop();

        Run after = new Run();
        after.process(bill);
        List<CostRecord> superseded = after.forwarded();
        assertThat(superseded).extracting(CostRecord::getCostSource).containsExactly("estimate-reversal", "billing");
        assertThat(superseded.get(0).getEffectiveCost()).as("the estimates written before the restart")
                .isEqualTo(Money.of("-0.50"));
        after.stop();

        Run again = new Run();
        again.process(bill("b-2", "0.01"));
        again.process(estimate("m-3", "0.30"));
        assertThat(again.forwarded()).as("no second reversal, the late estimate not written")
                .extracting(CostRecord::getChargeId).containsExactly("b-2");
        BigDecimal total = Money.of("0.40").add(Money.of("0.10")).add(superseded.get(0).getEffectiveCost())
                .add(Money.of("0.42")).add(Money.of("0.01"));
        assertThat(total).isEqualByComparingTo("0.43");
        again.stop();
    }

    /** One life of the processor: a fresh instance on the store reopened from the same directory. */
    private final class Run {
        private final MockProcessorContext<String, CostLine> context;
        private final KeyValueStore<String, EstimateDay> store;
        private final EstimateSupersession processor;

        Run() {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-restart-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            context = new MockProcessorContext<>(props, new TaskId(0, 0), new File(stateDir.toString()));
            store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestApp.ESTIMATE_STORE),
                    Serdes.String(), serdes.topics().avroSerde(EstimateDay.class)).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            processor = new EstimateSupersession(EstimateSettings.from(new SpendstreamConfig(Map.of())), metrics);
            processor.init(context);
        }

        void process(CostRecord cost) {
            processor.process(new Record<>(MATCH.key(cost), CostLine.built(cost), TopologyFixture.START.toEpochMilli()));
        }

        List<CostRecord> forwarded() {
            return context.forwarded().stream().map(f -> f.record().value().record()).toList();
        }

        void stop() {
            processor.close();
            store.close();
        }
    }

    private static CostRecord estimate(String id, String amount) {
        return cost(id, amount, "metered");
    }

    private static CostRecord bill(String id, String amount) {
        return cost(id, amount, "billing");
    }

    private static CostRecord cost(String id, String amount, String source) {
        Instant hour = Instant.parse("2026-11-22T09:00:00Z");
        return CostRecord.newBuilder()
                .setChargeId(id)
                .setChargePeriodStart(hour)
                .setChargePeriodEnd(hour.plus(Duration.ofHours(1)))
                .setEffectiveCost(Money.of(amount))
                .setBilledCost(Money.of(amount))
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of(amount))
                .setOriginalCurrency("USD")
                .setCostSource(source)
                .setChargeCategory("Usage")
                .setResourceId("queue-1")
                .setSkuPriceId("SQS.REQUESTS")
                .setTags(Map.of("application", "checkout"))
                .build();
    }
}
