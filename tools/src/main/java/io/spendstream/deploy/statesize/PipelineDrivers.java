package io.spendstream.deploy.statesize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.test.TestRecord;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.attribution.AttributionApp;
import io.spendstream.enrich.EnrichApp;
import io.spendstream.ingest.IngestApp;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsProperties;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * Ingest, enrich and attribution, each in a {@link TopologyTestDriver} built as production builds it
 * ({@link StreamsProperties}, the app's own {@code buildTopology}, default settings plus {@code overrides}), with
 * RocksDB state in {@code stateDir/<app>} and one in-memory schema registry for the three, chained: what ingest writes
 * to {@code spend.cost} and {@code spend.apm} and what enrich writes to {@code spend.cost.attributed} is piped, as
 * bytes with its timestamps, into the next app. Every other output (changelogs included) is read and dropped after
 * each batch, counting the dead-letter records, which must stay 0 for the estate to mean what it says.
 */
final class PipelineDrivers implements AutoCloseable {

    /** Wall-clock step after each batch: the showback and commitment emit-interval punctuators (1 s) fire. */
    private static final Duration WALL_CLOCK_STEP = Duration.ofSeconds(1);

    private final String registryScope = "state-size-" + UUID.randomUUID();
    private final Map<String, TopologyTestDriver> drivers = new HashMap<>();
    private final Map<String, SpendstreamTopics> topics = new HashMap<>();
    private long deadLetters;
    private boolean storesClosed;

    PipelineDrivers(Path stateDir, Map<String, String> overrides) {
        for (StreamsApp app : List.of(new IngestApp(), new EnrichApp(), new AttributionApp())) {
            Map<String, String> settings = new HashMap<>(app.defaults());
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "state-size:9092");
            settings.put(SchemaRegistryClients.URL, SchemaRegistryClients.MOCK_PREFIX + registryScope);
            settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(app.name()).toString());
            settings.putAll(overrides);
            SpendstreamConfig config = new SpendstreamConfig(settings);
            SpendstreamTopics appTopics = new SpendstreamTopics(TopicNames.from(config.asMap()),
                    SchemaRegistryClients.fromConfig(config.asMap()));
            PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
            Properties props = StreamsProperties.build(app, config, metrics);
            StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
            app.buildTopology(builder, new AppContext(appTopics, config, metrics));
            drivers.put(app.name(), new TopologyTestDriver(builder.build(props), props, StateSizeEstate.START));
            topics.put(app.name(), appTopics);
        }
    }

    /** Pipes {@code records} into ingest (or, for tags and budgets, the app that reads them) and down the chain. */
    void pipe(List<StateSizeEstate.Raw> records) {
        SpendstreamTopics t = topics.get(IngestApp.NAME);
        for (StateSizeEstate.Raw raw : records) {
            String app = switch (raw.input()) {
                case TAGS -> EnrichApp.NAME;
                case BUDGETS -> AttributionApp.NAME;
                default -> IngestApp.NAME;
            };
            String topic = switch (raw.input()) {
                case USAGE -> t.usageRaw.name();
                case APM -> t.apmRaw.name();
                case TAGS -> t.tags.name();
                case BUDGETS -> t.budgets.name();
                case PRICES -> t.prices.name();
                case FX_RATES -> t.fxRates.name();
            };
            input(app, topic).pipeInput(raw.keyBytes(), raw.valueBytes(), raw.timestamp());
        }
        forward(IngestApp.NAME, List.of(t.cost.name()), EnrichApp.NAME);
        forward(IngestApp.NAME, List.of(t.apm.name()), AttributionApp.NAME);
        forward(EnrichApp.NAME, List.of(t.costAttributed.name()), AttributionApp.NAME);
        for (TopologyTestDriver driver : drivers.values()) {
            driver.advanceWallClockTime(WALL_CLOCK_STEP);
        }
        for (String app : drivers.keySet()) {
            discardOutputs(app);
        }
    }

    private TestInputTopic<byte[], byte[]> input(String app, String topic) {
        return drivers.get(app).createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer(),
                StateSizeEstate.START, Duration.ZERO);
    }

    private TestOutputTopic<byte[], byte[]> output(String app, String topic) {
        return drivers.get(app).createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void forward(String from, List<String> outputTopics, String to) {
        for (String topic : outputTopics) {
            TestInputTopic<byte[], byte[]> next = input(to, topic);
            List<TestRecord<byte[], byte[]>> records = output(from, topic).readRecordsToList();
            for (TestRecord<byte[], byte[]> record : records) {
                next.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(),
                        record.getRecordTime()));
            }
        }
    }

    /**
     * Reads what nobody downstream reads here, so that the drivers do not keep it, and counts the dead letters.
     * (Changelog volume is not counted: the driver commits after every record, so its changelogs receive every
     * update, where a deployment's record cache keeps one per key and commit interval.)
     */
    private void discardOutputs(String app) {
        TopologyTestDriver driver = drivers.get(app);
        String dlq = topics.get(app).dlq.name();
        for (String topic : driver.producedTopicNames()) {
            List<TestRecord<byte[], byte[]>> records = output(app, topic).readRecordsToList();
            if (topic.equals(dlq)) {
                deadLetters += records.size();
            }
        }
    }

    long deadLetters() {
        return deadLetters;
    }

    /**
     * Closes every store, which writes what RocksDB holds in memtables to files. Nothing can be piped after, and the
     * drivers are then left to the garbage collector instead of closed: closing one commits its (closed) stores.
     */
    void closeStores() {
        for (TopologyTestDriver driver : drivers.values()) {
            driver.getAllStateStores().values().forEach(StateStore::close);
        }
        storesClosed = true;
    }

    @Override
    public void close() {
        if (!storesClosed) {
            drivers.values().forEach(TopologyTestDriver::close);
        }
        InMemorySchemaRegistry.dropScope(registryScope);
    }
}
