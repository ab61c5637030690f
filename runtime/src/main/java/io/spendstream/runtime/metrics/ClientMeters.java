package io.spendstream.runtime.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The meters every process exposes besides its pipeline meters: its Kafka clients' own metrics and JVM and process
 * metrics. A stream app binds its Kafka Streams client with Micrometer's {@link KafkaStreamsMetrics} (lag, commit
 * rate, process rate, {@code dropped-records-total}, producer and consumer metrics); a process with plain clients
 * (the alert notifier) binds each with {@link KafkaClientMetrics}. Close it to stop the binders' background work.
 */
public final class ClientMeters implements AutoCloseable {

    /** The Kafka binders and the GC binder keep listeners or schedulers that must be stopped. */
    private final List<AutoCloseable> toClose;

    private ClientMeters(List<AutoCloseable> toClose) {
        this.toClose = toClose;
    }

    /**
     * How often the Kafka binder looks for new and removed Kafka metrics. Micrometer's own period is a fixed minute,
     * so a store's meters appeared on {@code /metrics} up to a minute after a start or rebalance; looking costs one
     * walk over the client's metric map, a few milliseconds.
     */
    static final Duration REFRESH = Duration.ofSeconds(10);

    /**
     * Binds everything to {@code registry}; call before {@code streams.start()} so no client metric is missed. A
     * registry with a {@link StateStoreTagFilter} also gets the meters of closed stores removed.
     */
    public static ClientMeters bind(KafkaStreams streams, MeterRegistry registry) {
        ScheduledExecutorService scheduler = new RefreshScheduler(REFRESH);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams, Tags.empty(), scheduler);
        // The binder removes a closed store's meters by their unfiltered id, which misses the meters that
        // StateStoreTagFilter renamed: they would stay, reading NaN (and turn a sum over stores into NaN).
        scheduler.scheduleWithFixedDelay(() -> removeClosedStoreMeters(registry, streams::metrics),
                REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        return bind(registry, List.of(streamsMetrics), List.of(streamsMetrics, scheduler::shutdownNow));
    }

    /**
     * Removes the state-store meters (renamed by {@link StateStoreTagFilter}) whose store is no longer open on this
     * instance and that the binder already gave up (they read NaN: the binder's view no longer has their metric). A
     * meter whose store is open again, or that the binder still serves, is kept.
     */
    static void removeClosedStoreMeters(MeterRegistry registry,
            Supplier<? extends Map<MetricName, ? extends Metric>> kafkaMetrics) {
        Set<List<String>> open = new HashSet<>();
        for (MetricName name : kafkaMetrics.get().keySet()) {
            name.tags().forEach((key, value) -> {
                if (key.endsWith("-state-id")) {
                    open.add(List.of(String.valueOf(name.tags().get("thread-id")),
                            String.valueOf(name.tags().get("task-id")), value));
                }
            });
        }
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (StateStoreTagFilter.isStoreMeter(id)
                    && !open.contains(List.of(String.valueOf(id.getTag("thread.id")),
                            String.valueOf(id.getTag("task.id")), id.getTag(StateStoreTagFilter.STORE)))
                    && readsNaN(meter)) {
                registry.remove(id);
            }
        }
    }

    private static boolean readsNaN(Meter meter) {
        for (Measurement measurement : meter.measure()) {
            if (!Double.isNaN(measurement.getValue())) {
                return false;
            }
        }
        return true;
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

    /**
     * The binder's scheduler. Micrometer's {@code KafkaMetrics} schedules its metric check at a fixed rate of one
     * minute on the executor it is given and offers no setting for the period: this executor runs every fixed-rate
     * task at {@code period} instead. One daemon thread, named for thread dumps.
     */
    static final class RefreshScheduler extends ScheduledThreadPoolExecutor {

        private final Duration period;

        RefreshScheduler(Duration period) {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "spendstream-kafka-metrics");
                thread.setDaemon(true);
                return thread;
            });
            this.period = period;
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long ignoredPeriod,
                TimeUnit unit) {
            return super.scheduleAtFixedRate(command, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
