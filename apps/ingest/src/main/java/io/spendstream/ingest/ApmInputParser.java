package io.spendstream.ingest;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.ApmRecord;
import io.spendstream.runtime.dlq.RecordParser;
import io.spendstream.runtime.input.InputLimits;

/**
 * Reads one record of {@code spend.apm.raw}, whichever of the two accepted shapes it has: an OTLP JSON
 * {@code ExportTraceServiceRequest} (recognised by a top-level {@code resourceSpans} field, {@link OtlpTraceParser},
 * zero or more records) or an APM interval summary ({@link ApmSummaryParser}, exactly one record).
 *
 * <p>Stateless and thread-safe.
 */
public final class ApmInputParser implements RecordParser<byte[], List<ApmRecord>> {

    private final ApmSummaryParser summaries;
    private final OtlpTraceParser traces;

    public ApmInputParser(String reportingCurrency) {
        this(reportingCurrency, InputLimits.DEFAULTS);
    }

    public ApmInputParser(String reportingCurrency, InputLimits limits) {
        this.summaries = new ApmSummaryParser(reportingCurrency, limits);
        this.traces = new OtlpTraceParser(limits);
    }

    @Override
    public List<ApmRecord> parse(byte[] key, byte[] value, long timestamp) {
        ObjectNode json = JsonObjects.parse(value);
        if (json.has(OtlpTraceParser.RESOURCE_SPANS)) {
            return traces.parse(json, timestamp);
        }
        return List.of(summaries.parse(json, timestamp));
    }
}
