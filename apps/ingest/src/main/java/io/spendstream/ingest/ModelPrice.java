package io.spendstream.ingest;

import java.math.BigDecimal;
import java.util.Locale;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * One model's entry of {@code spend.prices}, keyed {@code <provider>/<model>} as the GenAI conventions name them
 * ({@code openai/gpt-4o}, {@code aws.bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0}): what one call costs per
 * kind of token, in prices per million tokens as providers publish them:
 * <pre>
 * {"currency":"USD","inputPerMillionTokens":"2.50","outputPerMillionTokens":"10.00",
 *  "cachedInputPerMillionTokens":"1.25","cacheWritePerMillionTokens":"3.75","perRequest":"0"}
 * </pre>
 * {@code currency}, {@code inputPerMillionTokens} and {@code outputPerMillionTokens} are required; cached-input and
 * cache-write prices are optional and default to the input price (a provider that gives no cache discount); a
 * per-request fee is optional (0). Prices are exact decimals, not negative, kept unrounded so that a call's cost is
 * exact. One entry per model, so a price change of a model is one atomic update.
 */
public record ModelPrice(String currency, BigDecimal inputPerMillion, BigDecimal outputPerMillion,
        BigDecimal cachedInputPerMillion, BigDecimal cacheWritePerMillion, BigDecimal perRequest) {

    public static final String CURRENCY = "currency";
    public static final String INPUT = "inputPerMillionTokens";
    public static final String OUTPUT = "outputPerMillionTokens";
    public static final String CACHED_INPUT = "cachedInputPerMillionTokens";
    public static final String CACHE_WRITE = "cacheWritePerMillionTokens";
    public static final String PER_REQUEST = "perRequest";

    private static final int PER_MILLION = 6;

    /** The key of a model's entry on {@code spend.prices}. */
    public static String key(String provider, String model) {
        return provider + "/" + model;
    }

    /** {@code entry} names the entry in messages, e.g. {@code spend.prices entry 'openai/gpt-4o'}. */
    public static ModelPrice parse(String entry, byte[] json) {
        return ReferenceEntry.read(entry, json, Ingest.INVALID_PRICE, price -> {
            String currency = JsonText.scalar(price.get(CURRENCY), CURRENCY);
            if (currency == null) {
                throw new RejectedRecordException(Ingest.MISSING_FIELD, CURRENCY + " is missing");
            }
            BigDecimal input = price(price.get(INPUT), INPUT, true);
            return new ModelPrice(currency.toUpperCase(Locale.ROOT), input, price(price.get(OUTPUT), OUTPUT, true),
                    orElse(price(price.get(CACHED_INPUT), CACHED_INPUT, false), input),
                    orElse(price(price.get(CACHE_WRITE), CACHE_WRITE, false), input),
                    orElse(price(price.get(PER_REQUEST), PER_REQUEST, false), BigDecimal.ZERO));
        });
    }

    /**
     * The exact cost of one call in this entry's currency: uncached input (input minus cache reads and writes, which
     * the conventions count inside input), cache reads, cache writes and output, each times its price per million
     * tokens, plus the per-request fee. Not rounded.
     */
    public BigDecimal cost(TokenUsage tokens) {
        BigDecimal perMillion = BigDecimal.valueOf(tokens.uncachedInput()).multiply(inputPerMillion)
                .add(BigDecimal.valueOf(tokens.cacheRead()).multiply(cachedInputPerMillion))
                .add(BigDecimal.valueOf(tokens.cacheWrite()).multiply(cacheWritePerMillion))
                .add(BigDecimal.valueOf(tokens.output()).multiply(outputPerMillion));
        return perMillion.movePointLeft(PER_MILLION).add(perRequest);
    }

    private static BigDecimal price(com.fasterxml.jackson.databind.JsonNode node, String field, boolean required) {
        BigDecimal value = JsonDecimals.read(node, field);
        if (value == null) {
            if (required) {
                throw new RejectedRecordException(Ingest.MISSING_FIELD, field + " is missing");
            }
            return null;
        }
        if (value.signum() < 0) {
            throw new RejectedRecordException(Ingest.INVALID_DECIMAL,
                    field + " " + value.toPlainString() + " is negative");
        }
        return value;
    }

    private static BigDecimal orElse(BigDecimal value, BigDecimal otherwise) {
        return value != null ? value : otherwise;
    }
}
