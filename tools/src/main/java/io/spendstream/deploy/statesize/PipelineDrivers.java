package io.spendstream.deploy.statesize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.test.TestRecord;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.deploy.tools.ProductionDriver;
import io.spendstream.enrich.EnrichApp;
import io.spendstream.ingest.IngestApp;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

/**
 * Ingest, enrich and attribution, each in a {@link TopologyTestDriver} built as production builds it
 * ({@link ProductionDriver}: StreamsProperties, the app's own {@code buildTopology}, default settings plus {@code overrides}), with
 * RocksDB state in {@code stateDir/<app>} and one in-memory schema registry for the three, chained by the topics each
 * declares ({@link StreamsApp#topics}): each input goes to the app that reads its topic, and what an app writes to a
 * topic another app's group reads (ingest's {@code spend.cost} and {@code spend.apm}, enrich's
 * {@code spend.cost.attributed}) is piped on, as bytes with its timestamps. Every other output (changelogs included) is read and dropped after
 * each batch, counting the dead-letter records, which must stay 0 for the estate to mean what it says.
 */
final class PipelineDrivers implements AutoCloseable {

    /** Wall-clock step after each batch: the showback and commitment emit-interval punctuators (1 s) fire. */
    private static final Duration WALL_CLOCK_STEP = Duration.ofSeconds(1);

    private final String registryScope = "state-size-" + UUID.randomUUID();
    private final Map<String, TopologyTestDriver> drivers = new HashMap<>();
    private final Map<String, SpendstreamTopics> topics = new HashMap<>();
    /** What each app reads and writes, as it declares it, in pipeline order: it routes records between the drivers. */
    private final Map<String, AppTopics> declared = new LinkedHashMap<>();
    private long deadLetters;
    private boolean storesClosed;

    PipelineDrivers(Path stateDir, Map<String, String> overrides) {
        for (StreamsApp app : List.of(new IngestApp(), new EnrichApp(), new AttributionApp())) {
            ProductionDriver built = ProductionDriver.of(app, stateDir, registryScope, overrides, StateSizeEstate.START);
            drivers.put(app.name(), built.driver());
            topics.put(app.name(), built.topics());
            declared.put(app.name(), app.topics(built.topics()));
        }
    }

    /** Pipes {@code records} into the app that reads each one's topic, then each app's outputs into its readers. */
    void pipe(List<StateSizeEstate.Raw> records) {
        SpendstreamTopics t = topics.get(IngestApp.NAME);
        for (StateSizeEstate.Raw raw : records) {
            String topic = switch (raw.input()) {
                case USAGE -> t.usageRaw.name();
                case APM -> t.apmRaw.name();
                case TAGS -> t.tags.name();
                case BUDGETS -> t.budgets.name();
                case PRICES -> t.prices.name();
                case FX_RATES -> t.fxRates.name();
            };
            input(readerOf(topic), topic).pipeInput(raw.keyBytes(), raw.valueBytes(), raw.timestamp());
        }
        declared.forEach((from, written) -> written.outputNames().forEach(topic ->
                declared.forEach((to, read) -> {
                    if (read.inputNames().contains(topic)) {
                        forward(from, topic, to);
                    }
                })));
        for (TopologyTestDriver driver : drivers.values()) {
            driver.advanceWallClockTime(WALL_CLOCK_STEP);
        }
        for (String app : drivers.keySet()) {
            discardOutputs(app);
        }
    }

    /** The first app, in pipeline order, whose consumer group or global tables read {@code topic}. */
    private String readerOf(String topic) {
        return declared.entrySet().stream().filter(app -> app.getValue().readNames().contains(topic))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("No app here reads " + topic));
    }

    private TestInputTopic<byte[], byte[]> input(String app, String topic) {
        return drivers.get(app).createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer(),
                StateSizeEstate.START, Duration.ZERO);
    }

    private TestOutputTopic<byte[], byte[]> output(String app, String topic) {
        return drivers.get(app).createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void forward(String from, String topic, String to) {
        TestInputTopic<byte[], byte[]> next = input(to, topic);
        for (TestRecord<byte[], byte[]> record : output(from, topic).readRecordsToList()) {
            next.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(), record.getRecordTime()));
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
