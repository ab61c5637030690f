package io.spendstream.ingest;

import java.time.Instant;
import java.util.function.Function;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The last step before an ingest sink: gives a parsed record the key its topic is keyed by (charge identity for
 * {@code spend.cost}, service for {@code spend.apm}) and its event time as the Kafka timestamp (ChargePeriodStart,
 * windowStart), so that every downstream window uses the time of the charge, not the time it was loaded. Counts the
 * record as out ({@code spendstream.records.out{stage, topic}}). Keeps no state.
 */
final class EventTimeKeyer<K, V> implements Processor<K, V, String, V> {

    private final Function<V, String> key;
    private final Function<V, Instant> eventTime;
    private final PipelineMetrics metrics;
    private final String stage;
    private final String topic;
    private ProcessorContext<String, V> context;

    EventTimeKeyer(Function<V, String> key, Function<V, Instant> eventTime, PipelineMetrics metrics, String stage,
            String topic) {
        this.key = key;
        this.eventTime = eventTime;
        this.metrics = metrics;
        this.stage = stage;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(Record<K, V> record) {
        V value = record.value();
        context.forward(new Record<>(key.apply(value), value, eventTime.apply(value).toEpochMilli(), record.headers()));
        metrics.recordOut(stage, topic);
    }
}
