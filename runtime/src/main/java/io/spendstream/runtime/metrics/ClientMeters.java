package io.spendstream.runtime.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KafkaStreams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The meters every process exposes besides its pipeline meters: its Kafka clients' own metrics and JVM and process
 * metrics. A stream app binds its Kafka Streams client with {@link KafkaMetricsBinder} (lag, commit rate, process
 * rate, {@code dropped-records-total}, producer, consumer and store metrics); a process with plain clients (the alert
 * notifier) binds each with Micrometer's {@link KafkaClientMetrics}. Close it to stop the binders' background work.
 */
public final class ClientMeters implements AutoCloseable {

    /** The Kafka binders and the GC binder keep listeners or schedulers that must be stopped. */
    private final List<AutoCloseable> toClose;

    private ClientMeters(List<AutoCloseable> toClose) {
        this.toClose = toClose;
    }

    /**
     * How often the Kafka client's metrics are checked for new and removed ones: a store's meters reach
     * {@code /metrics} within this of a start or rebalance. A check is one pass over the client's metric names.
     */
    static final Duration REFRESH = Duration.ofSeconds(10);

    /**
     * Binds everything to {@code registry}; call before {@code streams.start()} so no client metric is missed. The
     * Kafka Streams client's metrics go through {@link KafkaMetricsBinder} (it says why not Micrometer's
     * {@code KafkaStreamsMetrics}).
     */
    public static ClientMeters bind(KafkaStreams streams, MeterRegistry registry) {
        KafkaMetricsBinder streamsMetrics = KafkaMetricsBinder.bind(streams::metrics, registry, REFRESH);
        return bind(registry, List.of(), List.of(streamsMetrics));
    }

    /** Binds plain Kafka clients (one {@link KafkaClientMetrics} per consumer or producer) and the JVM meters. */
    public static ClientMeters bind(List<KafkaClientMetrics> clients, MeterRegistry registry) {
        return bind(registry, List.copyOf(clients), List.copyOf(clients));
    }

    private static ClientMeters bind(MeterRegistry registry, List<MeterBinder> kafkaBinders,
            List<AutoCloseable> kafkaClosers) {
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        List<MeterBinder> binders = new ArrayList<>(kafkaBinders);
        binders.addAll(List.of(gcMetrics, new JvmMemoryMetrics(), new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics()));
        binders.forEach(binder -> binder.bindTo(registry));
        List<AutoCloseable> toClose = new ArrayList<>(kafkaClosers);
        toClose.add(gcMetrics);
        return new ClientMeters(List.copyOf(toClose));
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : toClose) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Unreachable with Micrometer's binders (their close() declares nothing); AutoCloseable forces it.
                throw new IllegalStateException("Cannot close meter binder " + closeable, e);
            }
        }
    }
}
