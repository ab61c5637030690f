package io.spendstream.ingest;

import java.util.List;

import io.spendstream.avro.CostRecord;
import io.spendstream.runtime.dlq.RejectedRecordException;

/**
 * One GenAI model call read from an OTLP span ({@link GenAiSpanParser}), waiting for its price
 * ({@link ChargeValuer}): the cost record without amounts, resource or SKU (they depend on which of the span's models
 * has a price), the provider, the models to try in order, the token counts and the calling service. A span that
 * could not be read is a call with a {@code problem}: it is dead-lettered at valuation, on its own, so one bad span
 * does not take its message's other calls (or its server spans) with it. Lives between two processors only; never
 * serialized.
 */
record ModelCall(CostRecord unpriced, String provider, List<Model> models, TokenUsage tokens, String service,
        RejectedRecordException problem) {

    /** A model name and the span attribute it came from (for messages). */
    record Model(String name, String attribute) {
    }

    static ModelCall rejected(RejectedRecordException problem) {
        return new ModelCall(null, null, List.of(), null, null, problem);
    }
}
