package io.spendstream.ingest;

import java.util.List;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.DeadLetterReasons.Any;

/**
 * The topology step that reads the GenAI model calls of each {@code spend.apm.raw} record ({@link GenAiSpanParser})
 * beside the APM parse of the same record. It rejects nothing itself and is not a parse step: the record is already
 * counted in {@code spendstream.records.in} by the APM parse, and a broken message is dead-lettered there, once.
 * Each call goes on to valuation, where one that cannot be priced is dead-lettered on its own; a bug in the parser
 * becomes one such call ({@code processing-error}), so it neither stops the app nor loses the record.
 * {@value #MODEL_CALLS} counts the calls read.
 */
final class ModelCallReader implements FixedKeyProcessor<byte[], byte[], List<ParsedRow>> {

    static final String MODEL_CALLS = "spendstream.ingest.model-calls";

    private final GenAiSpanParser parser;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<byte[], List<ParsedRow>> context;

    ModelCallReader(PipelineMetrics metrics, InputLimits limits) {
        this.parser = new GenAiSpanParser(limits);
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], List<ParsedRow>> context) {
        this.context = context;
        metrics.counter(MODEL_CALLS);
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        List<ModelCall> calls;
        try {
            calls = parser.parse(record.key(), record.value(), record.timestamp());
        } catch (RuntimeException e) {
            calls = List.of(ModelCall.rejected(new RejectedRecordException(Any.PROCESSING_ERROR,
                    "Unexpected " + e.getClass().getSimpleName() + " while reading GenAI spans: " + e.getMessage(),
                    e)));
        }
        if (calls.isEmpty()) {
            return;
        }
        metrics.counter(MODEL_CALLS).increment(calls.size());
        context.forward(record.withValue(calls.stream().map(call -> ParsedRow.of(call, record.value())).toList()));
    }
}
