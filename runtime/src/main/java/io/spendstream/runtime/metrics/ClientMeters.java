package io.spendstream.runtime.metrics;

import java.util.List;

import org.apache.kafka.streams.KafkaStreams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The meters every app exposes besides its pipeline meters: the Kafka Streams client's own metrics (lag, commit
 * rate, process rate, {@code dropped-records-total}, producer and consumer metrics) through Micrometer's
 * {@link KafkaStreamsMetrics} binder, and JVM and process metrics. Close it to stop the binders' background work.
 */
public final class ClientMeters implements AutoCloseable {

    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics;

    private ClientMeters(KafkaStreamsMetrics streamsMetrics, JvmGcMetrics gcMetrics) {
        this.streamsMetrics = streamsMetrics;
        this.gcMetrics = gcMetrics;
    }

    /** Binds everything to {@code registry}; call before {@code streams.start()} so no client metric is missed. */
    public static ClientMeters bind(KafkaStreams streams, MeterRegistry registry) {
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        List<MeterBinder> binders = List.of(streamsMetrics, gcMetrics, new JvmMemoryMetrics(), new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics());
        binders.forEach(binder -> binder.bindTo(registry));
        return new ClientMeters(streamsMetrics, gcMetrics);
    }

    @Override
    public void close() {
        streamsMetrics.close();
        gcMetrics.close();
    }
}
