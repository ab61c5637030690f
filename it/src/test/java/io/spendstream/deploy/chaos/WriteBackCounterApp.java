package io.spendstream.deploy.chaos;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.runtime.state.WriteBackKeyValueStore;

/**
 * The child JVM of {@link WriteBackCrashTest}: a counter per key in a {@link WriteBackKeyValueStore} (RocksDB,
 * changelog, exactly_once_v2), reading topic {@code args[2]} and writing each key's new count to {@code args[3]} on
 * every record. Its counts are only right if every update of the store reached the changelog in the transaction of
 * the input offsets that caused it. Static membership (a restarted instance takes its partitions back at once), as
 * the chaos test's apps. Runs until killed.
 */
public final class WriteBackCounterApp {

    static final String STORE = "counts";

    private WriteBackCounterApp() {
    }

    /** {@code bootstrap state-dir input output}. */
    public static void main(String[] args) throws InterruptedException {
        Topology topology = new Topology();
        topology.addSource("input", Serdes.String().deserializer(), Serdes.String().deserializer(), args[2]);
        topology.addProcessor("count", () -> new Processor<String, String, String, String>() {
            private ProcessorContext<String, String> context;
            private KeyValueStore<String, Long> counts;

            @Override
            public void init(ProcessorContext<String, String> context) {
                this.context = context;
                this.counts = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, String> record) {
                Long count = counts.get(record.key());
                long next = count == null ? 1 : count + 1;
                counts.put(record.key(), next);
                context.forward(record.withValue(Long.toString(next)));
            }
        }, "input");
        // Three values per task: 20 keys over 4 partitions are ~5 per task, so evictions write back between commits too.
        topology.addStateStore(WriteBackKeyValueStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()), 3), "count");
        topology.addSink("output", args[3], Serdes.String().serializer(), Serdes.String().serializer(), "count");

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-back-crash");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, args[1]);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "write-back-crash-1");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.start();
        new CountDownLatch(1).await();
    }
}
