package io.spendstream.ingest;

import io.spendstream.avro.CostRecord;

/**
 * A cost just parsed, still unpriced or in its own currency, together with the raw bytes it came from, so that a
 * later check in the same sub-topology ({@link ChargeValuation}: price, FX rate) can still dead-letter the exact
 * record received: a FOCUS row ({@link FocusRowParser}), or a GenAI model call from an OTLP trace ({@code call}, set
 * only then, {@link GenAiSpanParser}; {@code record} is then the call's unpriced record, or null when the span could
 * not be read). Lives between two processors only; never serialized.
 */
record ParsedRow(CostRecord record, byte[] rawValue, ModelCall call) {

    /** A FOCUS row. */
    ParsedRow(CostRecord record, byte[] rawValue) {
        this(record, rawValue, null);
    }

    /** A GenAI model call of the OTLP message {@code rawValue}. */
    static ParsedRow of(ModelCall call, byte[] rawValue) {
        return new ParsedRow(call.unpriced(), rawValue, call);
    }
}
