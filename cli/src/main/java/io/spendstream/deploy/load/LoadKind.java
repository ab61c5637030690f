package io.spendstream.deploy.load;

import static io.spendstream.deploy.load.ReferenceField.optional;
import static io.spendstream.deploy.load.ReferenceField.required;

import java.time.Clock;
import java.util.List;
import java.util.function.BiConsumer;

import io.spendstream.deploy.load.ReferenceField.Type;
import io.spendstream.enrich.TagJsonParser;
import io.spendstream.runtime.dlq.RejectedRecordException;

/**
 * What {@code spendstream load} can load, the topic each goes to (logical name of
 * {@link io.spendstream.schemas.TopicNames}) and how its rows are shaped. Values follow the product spec:
 * <ul>
 * <li>usage: one FOCUS row per record, key {@code x_LineItemId}, else {@code ResourceId}, else none;</li>
 * <li>tags: key {@code ResourceId}; {@code service}, {@code team}, {@code product}, {@code environment},
 *     {@code costCenter}, {@code shared}, {@code validFrom}, checked by enrich's own tag parser;</li>
 * <li>budgets: key {@code scope} (e.g. {@code team:payments}); {@code amount}, {@code currency}, {@code period},
 *     {@code alertAt};</li>
 * <li>prices: key {@code SkuPriceId}; {@code unitPrice}, {@code currency}, {@code pricingUnit}; or a model price
 *     list row, key {@code <provider>/<model>}, prices per million tokens ({@link PriceRowShaper});</li>
 * <li>fx: key the currency code ({@code currency} column); {@code rate} (units of reporting currency per unit),
 *     {@code asOf}.</li>
 * </ul>
 */
public enum LoadKind {
    USAGE("usage-raw"),
    TAGS("tags"),
    BUDGETS("budgets"),
    PRICES("prices"),
    FX("fx-rates");

    private final String logicalTopic;

    LoadKind(String logicalTopic) {
        this.logicalTopic = logicalTopic;
    }

    public String logicalTopic() {
        return logicalTopic;
    }

    /**
     * @param defaultCurrency fills a missing currency (usage: BillingCurrency), or null
     * @param validate usage and tags only: check rows with the pipeline's own parsers before sending
     */
    public RowShaper shaper(String defaultCurrency, boolean validate, Clock clock) {
        switch (this) {
            case USAGE:
                return new UsageRowShaper(defaultCurrency, validate ? new FocusRowPreValidation(clock) : null);
            case TAGS:
                return new ReferenceRowShaper(required("ResourceId", Type.TEXT), List.of(
                        optional("service", Type.TEXT), optional("team", Type.TEXT),
                        optional("product", Type.TEXT), optional("environment", Type.TEXT),
                        optional("costCenter", Type.TEXT), optional("shared", Type.BOOLEAN),
                        optional("validFrom", Type.TIMESTAMP)), null, validate ? tagCheck(clock) : null);
            case BUDGETS:
                return new ReferenceRowShaper(required("scope", Type.TEXT), List.of(
                        required("amount", Type.NON_NEGATIVE_DECIMAL), required("currency", Type.CURRENCY),
                        required("period", Type.TEXT), optional("alertAt", Type.POSITIVE_NUMBER_LIST)),
                        defaultCurrency, null);
            case PRICES:
                return new PriceRowShaper(defaultCurrency);
            case FX:
                return new ReferenceRowShaper(required("currency", Type.CURRENCY), List.of(
                        required("rate", Type.POSITIVE_DECIMAL), optional("asOf", Type.TIMESTAMP)), null, null);
            default:
                throw new IllegalStateException("Unhandled kind " + this);
        }
    }

    private static BiConsumer<String, byte[]> tagCheck(Clock clock) {
        TagJsonParser parser = new TagJsonParser();
        return (key, value) -> {
            try {
                parser.parse(key, value, clock.millis());
            } catch (RejectedRecordException e) {
                throw new RowRejectedException(e.reason(), e.getMessage());
            }
        };
    }
}
