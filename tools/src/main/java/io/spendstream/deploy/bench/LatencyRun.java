package io.spendstream.deploy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end latency at a fixed offered load: background records at {@code rate} records/s, and among them probes
 * whose effect can be recognised on an output topic. A probe's latency is the time from its append to the input
 * topic (the broker's LogAppendTime, returned to the producer) to the moment this process reads its first effect
 * (read_committed, so only once the app's transaction committed it). The broker runs on this machine's clock (or the
 * cluster's clocks must agree with it, for {@code --bootstrap}).
 */
final class LatencyRun {

    /** One kind of probe: how often, how many at most, how to make probe n, and the effects to time. */
    record ProbeStream(String name, Duration every, int max, LongFunction<ProducerRecord<String, String>> probe,
            LongFunction<String> probeId, List<Effect> effects) {
    }

    /**
     * An effect of a probe that is timed: on which topic it shows, and which probe id a record there is the effect
     * of, if any. One probe may have several (a spike's anomaly, then its alert), each timed from the same append.
     */
    record Effect(String name, String topic, Function<ConsumerRecord<byte[], byte[]>, Optional<String>> effectOf) {
    }

    /**
     * Latencies in ms of the probes whose effect was seen, and how many were sent; {@code byProbe} the same latencies
     * by probe number, so that two effects of one probe can be subtracted (the time a probe spent between them).
     */
    record Result(String name, List<Double> latenciesMs, Map<Long, Double> byProbe, int sent) {

        double percentile(double p) {
            return Stats.percentile(latenciesMs, p);
        }

        /**
         * The time each probe took from this effect to {@code later} (a later hop of the same probes), over the
         * probes both saw, named {@code name}.
         */
        Result until(Result later, String name) {
            Map<Long, Double> between = new TreeMap<>();
            byProbe.forEach((probe, earlier) -> {
                Double then = later.byProbe.get(probe);
                if (then != null) {
                    between.put(probe, Math.max(0, then - earlier));
                }
            });
            return new Result(name, List.copyOf(between.values()), between, sent);
        }
    }

    private static final Duration PACE = Duration.ofMillis(10);

    private LatencyRun() {
    }

    /**
     * Offers {@code load} records at {@code rate}/s for {@code duration} with the probes mixed in, then waits up to
     * {@code drain} for the effects of the probes still outstanding. {@code afterLoad} runs when the load stops,
     * {@code afterDrain} when the drain ends (both to look at the apps from outside, e.g. how far behind they are).
     */
    static List<Result> run(String bootstrapServers, LongFunction<ProducerRecord<String, String>> load, double rate,
            Duration duration, Duration drain, List<ProbeStream> streams, Runnable afterLoad, Runnable afterDrain)
            throws InterruptedException {
        Map<String, Long> appendedAt = new ConcurrentHashMap<>();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        int[] sent = new int[streams.size()];
        AtomicBoolean stop = new AtomicBoolean();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
                KafkaConsumer<byte[], byte[]> consumer = effectsConsumer(bootstrapServers, streams)) {
            Thread watcher = new Thread(() -> watch(consumer, streams, seenAt, stop), "bench-latency-effects");
            watcher.start();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long loadSent = 0;
            long[] nextProbe = new long[streams.size()];
            java.util.Arrays.fill(nextProbe, start);
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                long due = (long) ((now - start) / 1e9 * rate);
                for (; loadSent < due; loadSent++) {
                    producer.send(load.apply(loadSent));
                }
                for (int s = 0; s < streams.size(); s++) {
                    ProbeStream stream = streams.get(s);
                    if (now >= nextProbe[s] && sent[s] < stream.max()) {
                        String id = key(stream.name(), stream.probeId().apply(sent[s]));
                        producer.send(stream.probe().apply(sent[s]), (metadata, error) -> {
                            if (error == null) {
                                appendedAt.put(id, metadata.timestamp());
                            }
                        });
                        sent[s]++;
                        nextProbe[s] += stream.every().toNanos();
                    }
                }
                Thread.sleep(PACE.toMillis());
            }
            producer.flush();
            afterLoad.run();
            long drainEnd = System.nanoTime() + drain.toNanos();
            while (System.nanoTime() < drainEnd && !allSeen(streams, sent, seenAt)) {
                Thread.sleep(50);
            }
            afterDrain.run();
            stop.set(true);
            consumer.wakeup();
            watcher.join(10_000);
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < streams.size(); s++) {
            ProbeStream stream = streams.get(s);
            for (Effect effect : stream.effects()) {
                Map<Long, Double> byProbe = new TreeMap<>();
                for (long n = 0; n < sent[s]; n++) {
                    String id = stream.probeId().apply(n);
                    Long appended = appendedAt.get(key(stream.name(), id));
                    Long seen = seenAt.get(key(effect.name(), id));
                    if (appended != null && seen != null) {
                        byProbe.put(n, (double) Math.max(0, seen - appended));
                    }
                }
                results.add(new Result(effect.name(), List.copyOf(byProbe.values()), byProbe, sent[s]));
            }
        }
        return results;
    }

    /**
     * A probe's key in the append map (by its stream's name) and in the effect map (by the effect's name), with its
     * id. Ids alone collide: an alert probe's spike row also shows on spend.unit-cost under the same service name, and
     * was taken for its alert.
     */
    private static String key(String name, String probeId) {
        return name + "/" + probeId;
    }

    private static boolean allSeen(List<ProbeStream> streams, int[] sent, Map<String, Long> seenAt) {
        for (int s = 0; s < streams.size(); s++) {
            for (long n = 0; n < sent[s]; n++) {
                for (Effect effect : streams.get(s).effects()) {
                    if (!seenAt.containsKey(key(effect.name(), streams.get(s).probeId().apply(n)))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static KafkaConsumer<byte[], byte[]> effectsConsumer(String bootstrapServers, List<ProbeStream> streams) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Effects are read as soon as they are committed, not after a fetch wait.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        streams.stream().flatMap(s -> s.effects().stream()).map(Effect::topic).distinct()
                .forEach(topic -> consumer.partitionsFor(topic)
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        consumer.assign(partitions);
        // Only effects from now on: earlier output (the pre-load's) is no probe's.
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void watch(KafkaConsumer<byte[], byte[]> consumer, List<ProbeStream> streams,
            Map<String, Long> seenAt, AtomicBoolean stop) {
        LongSupplier clock = System::currentTimeMillis;
        try {
            while (!stop.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = clock.getAsLong();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    for (ProbeStream stream : streams) {
                        for (Effect effect : stream.effects()) {
                            if (effect.topic().equals(record.topic())) {
                                effect.effectOf().apply(record)
                                        .ifPresent(id -> seenAt.putIfAbsent(key(effect.name(), id), now));
                            }
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // stop() woke the poll: done watching.
        }
    }
}
