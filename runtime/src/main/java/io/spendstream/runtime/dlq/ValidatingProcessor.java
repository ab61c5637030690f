package io.spendstream.runtime.dlq;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * Parses each raw record with a {@link RecordParser}; forwards {@link Validated#ok} or a dead letter carrying the
 * record's source coordinates and exact bytes. A bug in a parser (any other exception) is dead-lettered too, with
 * reason {@code processing-error}, so one bad record never stops the app.
 */
public final class ValidatingProcessor<K, V> implements FixedKeyProcessor<K, byte[], Validated<V>> {

    private final String stage;
    private final String processorName;
    private final RecordParser<K, V> parser;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<K, Validated<V>> context;

    public ValidatingProcessor(String stage, String processorName, RecordParser<K, V> parser, PipelineMetrics metrics) {
        this.stage = stage;
        this.processorName = processorName;
        this.parser = parser;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, Validated<V>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, byte[]> record) {
        metrics.recordIn(stage);
        try {
            V value = parser.parse(record.key(), record.value(), record.timestamp());
            context.forward(record.withValue(Validated.ok(value)));
        } catch (RejectedRecordException e) {
            reject(record, e);
        } catch (RuntimeException e) {
            reject(record, new RejectedRecordException(DeadLetterReasons.Any.PROCESSING_ERROR,
                    "Unexpected " + e.getClass().getSimpleName() + " while parsing: " + e.getMessage(), e));
        }
    }

    private void reject(FixedKeyRecord<K, byte[]> record, RejectedRecordException e) {
        metrics.deadLettered(stage, e.reason());
        DeadLetters.Source source = DeadLetters.Source.of(context.recordMetadata(), record.timestamp(),
                record.headers());
        context.forward(record.withValue(Validated.rejected(DeadLetters.rejected(context.applicationId(), stage,
                processorName, e, source, rawKey(record.key()), record.value()))));
    }

    private static byte[] rawKey(Object key) {
        if (key == null || key instanceof byte[]) {
            return (byte[]) key;
        }
        return key.toString().getBytes(StandardCharsets.UTF_8);
    }
}
