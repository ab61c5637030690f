package io.spendstream.runtime.metrics;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.spendstream.schemas.DeadLetterReasons;

/**
 * Spendstream's own meters, shared by every app so that dashboards see one vocabulary:
 * {@code spendstream.records.in}, {@code spendstream.records.out}, {@code spendstream.records.dead.lettered}
 * (tagged with stage and reason), and named gauges apps register for their own state (open anomalies,
 * unallocated share, ...). Prometheus renders them as {@code spendstream_records_in_total} etc.
 *
 * <p>A counter exists from its first increment, so its first value Prometheus sees is 1 and {@code increase()} over
 * it misses that first event. Counters that alerts use are therefore created at 0 at start-up for every label set
 * known in advance: {@link #expectStage} (records in, dead letters for the reasons of the runtime's handlers) and
 * {@link #expectDeadLetters} (an app's own reason codes).
 */
public final class PipelineMetrics {

    public static final String RECORDS_IN = "spendstream.records.in";
    public static final String DEAD_LETTERED = "spendstream.records.dead.lettered";

    /**
     * The reasons the runtime writes for any stage: the Kafka Streams exception handlers (deserialization,
     * processing, production) and {@code ValidatingProcessor}'s catch-all.
     */
    public static final List<String> RUNTIME_DEAD_LETTER_REASONS = DeadLetterReasons.Any.ALL;

    private final MeterRegistry registry;
    /** By name and tags: looked up on every record by most stages, so the key is built without any string work. */
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordIn(String stage) {
        counter(RECORDS_IN, "stage", stage).increment();
    }

    public void recordOut(String stage, String topic) {
        counter("spendstream.records.out", "stage", stage, "topic", topic).increment();
    }

    public void deadLettered(String stage, String reason) {
        counter(DEAD_LETTERED, "stage", stage, "reason", reason).increment();
    }

    /**
     * Creates, at 0, the stage's records-in counter and its dead-letter counters for
     * {@link #RUNTIME_DEAD_LETTER_REASONS}: the series exist before the first event (see the class comment).
     */
    public void expectStage(String stage) {
        counter(RECORDS_IN, "stage", stage);
        expectDeadLetters(stage, RUNTIME_DEAD_LETTER_REASONS);
    }

    /** Creates, at 0, the dead-letter counter of each of a stage's reason codes. */
    public void expectDeadLetters(String stage, Collection<String> reasons) {
        reasons.forEach(reason -> counter(DEAD_LETTERED, "stage", stage, "reason", reason));
    }

    /** Counter by name and tags (key, value pairs), created once. */
    public Counter counter(String name, String... tags) {
        Counter counter = counters.get(new CounterKey(name, Arrays.asList(tags)));
        if (counter == null) {
            counter = counters.computeIfAbsent(new CounterKey(name, List.of(tags)),
                    k -> Counter.builder(name).tags(tags).register(registry));
        }
        return counter;
    }

    /** A counter's name and tags (key, value pairs); any two lists with equal elements are equal keys. */
    private record CounterKey(String name, List<String> tags) {
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
