package io.spendstream.ingest;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * The token counts of one GenAI model call, as the OpenTelemetry GenAI conventions report them: {@code input}
 * includes the cache reads and cache writes ({@code gen_ai.usage.cache_read.input_tokens} and
 * {@code gen_ai.usage.cache_creation.input_tokens} "SHOULD be included in gen_ai.usage.input_tokens").
 */
public record TokenUsage(long input, long output, long cacheRead, long cacheWrite) {

    public TokenUsage {
        if (cacheRead + cacheWrite > input) {
            throw new RejectedRecordException(Ingest.INVALID_TOKEN_USAGE, "cached input tokens (" + cacheRead
                    + " read + " + cacheWrite + " written) exceed the input tokens (" + input
                    + "), which include them by the GenAI conventions");
        }
    }

    /** Input tokens neither read from nor written to a cache. */
    public long uncachedInput() {
        return input - cacheRead - cacheWrite;
    }

    public long total() {
        return input + output;
    }
}
