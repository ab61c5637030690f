package io.spendstream.runtime.metrics;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Spendstream's own meters, shared by every app so that dashboards see one vocabulary:
 * {@code spendstream.records.in}, {@code spendstream.records.out}, {@code spendstream.records.dead.lettered}
 * (tagged with stage and reason), and named gauges apps register for their own state (open anomalies,
 * unallocated share, ...). Prometheus renders them as {@code spendstream_records_in_total} etc.
 */
public final class PipelineMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordIn(String stage) {
        counter("spendstream.records.in", "stage", stage).increment();
    }

    public void recordOut(String stage, String topic) {
        counter("spendstream.records.out", "stage", stage, "topic", topic).increment();
    }

    public void deadLettered(String stage, String reason) {
        counter("spendstream.records.dead.lettered", "stage", stage, "reason", reason).increment();
    }

    /** Counter by name and tags (key, value pairs), created once. */
    public Counter counter(String name, String... tags) {
        String id = name + String.join(",", tags);
        return counters.computeIfAbsent(id, k -> Counter.builder(name).tags(tags).register(registry));
    }

    /** A gauge whose value the app sets; created on first use. */
    public void setGauge(String name, double value, String... tags) {
        String id = name + String.join(",", tags);
        gauges.computeIfAbsent(id, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(0.0);
            Gauge.builder(name, holder, AtomicReference::get).tags(tags).register(registry);
            return holder;
        }).set(value);
    }

    /** Money amounts as a gauge (the exact value lives on the topics; the gauge is for dashboards). */
    public void setGauge(String name, BigDecimal value, String... tags) {
        setGauge(name, value.doubleValue(), tags);
    }
}
