package io.spendstream.runtime.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * Exposes a Kafka client's own metrics as Micrometer meters and keeps them in step with the client: every
 * {@code refresh} binds the metrics that appeared and removes the meters of those that went.
 *
 * <p>Why not Micrometer's {@code KafkaStreamsMetrics}: on any change in the client's metric set, its check walks every
 * Kafka metric against every registered meter of the same name, building tag lists as it goes. Kafka Streams' metric
 * set changes often (a task's stores, a new partition, a connection), and an app has one meter per metric and store
 * and task: in attribution's bench profile that walk was a fifth of the JVM's CPU samples. Here a refresh costs one
 * pass over the metric names plus the work for what changed.
 *
 * <p>Meter names, tags and types are Micrometer's, so dashboards and rules keep working: {@code kafka.<group>.<name>}
 * with {@code -metrics} dropped and dashes as dots ({@code kafka.stream.state.size.all.mem.tables}); the metric's tags
 * with dashes as dots plus {@code kafka.version}; a function counter for names ending in {@code total} or
 * {@code count}, else a gauge. Non-numeric metrics and the {@code app-info} and {@code kafka-metrics-count} groups are
 * skipped. Kafka registers some metrics under one name at two levels (per client and per topic); Prometheus needs
 * one tag set per name, so as Micrometer does only the variant with the most tags is bound.
 *
 * <p>Meters are removed through the registered meter (its id after the registry's filters), so meters that a filter
 * renamed ({@link StateStoreTagFilter}) go too when their store closes.
 */
final class KafkaMetricsBinder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaMetricsBinder.class);

    private static final String APP_INFO_GROUP = "app-info";
    private static final String METRICS_COUNT_GROUP = "kafka-metrics-count";
    private static final String VERSION_TAG = "kafka.version";

    private final Supplier<? extends Map<MetricName, ? extends Metric>> metrics;
    private final MeterRegistry registry;
    /** The client's metrics as of the last refresh: meters read their values through it. */
    private final AtomicReference<Map<MetricName, ? extends Metric>> latest = new AtomicReference<>(Map.of());
    /** Every metric name seen at the last refresh. */
    private final Set<MetricName> examined = new HashSet<>();
    /** Per meter name, the numeric metrics that could be bound under it (all tag variants). */
    private final Map<String, Set<MetricName>> bindable = new HashMap<>();
    /** Per meter name, the meters registered (the variant with the most tags). */
    private final Map<String, Map<MetricName, Meter>> bound = new HashMap<>();
    private final ScheduledExecutorService scheduler;
    /** Meter names a registry refused once: warned about once, not on every refresh. */
    private final Set<String> refused = new HashSet<>();
    private String kafkaVersion = "unknown";

    private KafkaMetricsBinder(Supplier<? extends Map<MetricName, ? extends Metric>> metrics,
            MeterRegistry registry, ScheduledExecutorService scheduler) {
        this.metrics = metrics;
        this.registry = registry;
        this.scheduler = scheduler;
    }

    /** Binds the client's metrics now and then every {@code period}, on a daemon thread, until closed. */
    static KafkaMetricsBinder bind(Supplier<? extends Map<MetricName, ? extends Metric>> metrics,
            MeterRegistry registry, Duration period) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spendstream-kafka-metrics");
            thread.setDaemon(true);
            return thread;
        });
        KafkaMetricsBinder binder = new KafkaMetricsBinder(metrics, registry, scheduler);
        binder.refresh();
        scheduler.scheduleWithFixedDelay(binder::refreshLoggingFailures, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
        return binder;
    }

    /** A binder refreshed only by its caller (tests). */
    static KafkaMetricsBinder unscheduled(Supplier<? extends Map<MetricName, ? extends Metric>> metrics,
            MeterRegistry registry) {
        KafkaMetricsBinder binder = new KafkaMetricsBinder(metrics, registry, null);
        binder.refresh();
        return binder;
    }

    private void refreshLoggingFailures() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and try at the next period.
            LOG.warn("Could not refresh the Kafka client meters; trying again at the next refresh", e);
        }
    }

    /** Binds the metrics that appeared since the last refresh and removes the meters of those that went. */
    synchronized void refresh() {
        Map<MetricName, ? extends Metric> current = metrics.get();
        latest.set(current);
        Set<String> changed = new HashSet<>();
        List<MetricName> went = new ArrayList<>();
        for (Iterator<MetricName> names = examined.iterator(); names.hasNext();) {
            MetricName name = names.next();
            if (!current.containsKey(name)) {
                names.remove();
                went.add(name);
                String meterName = meterName(name);
                Set<MetricName> variants = bindable.get(meterName);
                if (variants != null && variants.remove(name)) {
                    changed.add(meterName);
                }
            }
        }
        List<Map.Entry<MetricName, ? extends Metric>> appeared = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : current.entrySet()) {
            if (examined.add(entry.getKey())) {
                appeared.add(entry);
                noteVersion(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<MetricName, ? extends Metric> entry : appeared) {
            if (isBindable(entry.getKey(), entry.getValue())) {
                String meterName = meterName(entry.getKey());
                bindable.computeIfAbsent(meterName, key -> new HashSet<>()).add(entry.getKey());
                changed.add(meterName);
            }
        }
        changed.forEach(this::settle);
        if (LOG.isDebugEnabled() && (!went.isEmpty() || !appeared.isEmpty())) {
            LOG.debug("Kafka metrics: {} appeared {}, {} went {}", appeared.size(),
                    sample(appeared.stream().map(Map.Entry::getKey).toList()), went.size(), sample(went));
        }
    }

    /** The first names of a change, for the debug line that shows what changes a client's metric set. */
    private static List<String> sample(List<MetricName> names) {
        return names.stream().limit(20).map(name -> name.group() + "/" + name.name() + name.tags()).toList();
    }

    private void noteVersion(MetricName name, Metric metric) {
        if (APP_INFO_GROUP.equals(name.group()) && "version".equals(name.name())) {
            kafkaVersion = String.valueOf(metric.metricValue());
        }
    }

    private static boolean isBindable(MetricName name, Metric metric) {
        return !APP_INFO_GROUP.equals(name.group()) && !METRICS_COUNT_GROUP.equals(name.group())
                && metric.metricValue() instanceof Number;
    }

    /**
     * Makes the meters of {@code meterName} those of its Kafka metrics with the most tags: binds the ones missing,
     * removes the ones that went or that a more specific variant now outranks.
     */
    private void settle(String meterName) {
        Set<MetricName> names = bindable.getOrDefault(meterName, Set.of());
        int mostTags = names.stream().mapToInt(name -> name.tags().size()).max().orElse(-1);
        Map<MetricName, Meter> meters = bound.getOrDefault(meterName, new HashMap<>());
        meters.entrySet().removeIf(entry -> {
            boolean keep = names.contains(entry.getKey()) && entry.getKey().tags().size() == mostTags;
            if (!keep) {
                registry.remove(entry.getValue());
            }
            return !keep;
        });
        for (MetricName name : names) {
            if (name.tags().size() == mostTags && !meters.containsKey(name)) {
                try {
                    meters.put(name, register(name, meterName));
                } catch (IllegalArgumentException e) {
                    // The registry refuses it (Prometheus: another tag set under this name); the rest still bind.
                    if (refused.add(meterName)) {
                        LOG.warn("Kafka metric {} is not exposed: {}", meterName, e.getMessage());
                    }
                }
            }
        }
        if (names.isEmpty()) {
            bindable.remove(meterName);
            bound.remove(meterName);
        } else {
            bound.put(meterName, meters);
        }
    }

    private Meter register(MetricName name, String meterName) {
        List<Tag> tags = new ArrayList<>(name.tags().size() + 1);
        name.tags().forEach((key, value) -> tags.add(Tag.of(key.replace('-', '.'), value)));
        tags.add(Tag.of(VERSION_TAG, kafkaVersion));
        if (meterName.endsWith("total") || meterName.endsWith("count")) {
            return FunctionCounter.builder(meterName, latest, metricsNow -> valueOf(metricsNow.get(), name))
                    .tags(tags).description(name.description()).register(registry);
        }
        return Gauge.builder(meterName, latest, metricsNow -> valueOf(metricsNow.get(), name))
                .tags(tags).description(name.description()).register(registry);
    }

    private static double valueOf(Map<MetricName, ? extends Metric> metrics, MetricName name) {
        Metric metric = metrics.get(name);
        return metric != null && metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    /** {@code kafka.stream.state.size.all.mem.tables} for {@code size-all-mem-tables} in {@code stream-state-metrics}. */
    static String meterName(MetricName name) {
        return ("kafka." + name.group() + "." + name.name()).replace("-metrics", "").replace('-', '.');
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        bound.values().forEach(meters -> meters.values().forEach(registry::remove));
        bound.clear();
        bindable.clear();
        examined.clear();
    }
}
