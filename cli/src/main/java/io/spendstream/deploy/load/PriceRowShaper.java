package io.spendstream.deploy.load;

import static io.spendstream.deploy.load.ReferenceField.optional;
import static io.spendstream.deploy.load.ReferenceField.required;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.deploy.load.ReferenceField.Type;
import io.spendstream.ingest.ModelPrice;
import io.spendstream.runtime.dlq.RejectedRecordException;

/**
 * Shapes a row of a price file for {@code spend.prices}, which holds two kinds of entry:
 * <ul>
 * <li>a SKU price (a row with {@code SkuPriceId}): key {@code SkuPriceId}; {@code unitPrice}, {@code currency},
 *     {@code pricingUnit};</li>
 * <li>a model price list row (a row with {@code model} and no {@code SkuPriceId}): key
 *     {@code <provider>/<model>} (the GenAI conventions' {@code gen_ai.provider.name} and model name);
 *     {@code currency}, {@code inputPerMillionTokens}, {@code outputPerMillionTokens}, optional
 *     {@code cachedInputPerMillionTokens}, {@code cacheWritePerMillionTokens} and {@code perRequest}; checked with
 *     ingest's own {@link ModelPrice} reader, so a row ingest could not use is refused here.</li>
 * </ul>
 * One file may hold both kinds.
 */
final class PriceRowShaper implements RowShaper {

    static final String PROVIDER = "provider";
    static final String MODEL = "model";
    /** The synthetic key column of a model row; it becomes the record key and never reaches the value. */
    private static final String MODEL_KEY = "spendstream.modelPriceKey";

    private final ReferenceRowShaper skus;
    private final ReferenceRowShaper models;

    PriceRowShaper(String defaultCurrency) {
        this.skus = new ReferenceRowShaper(required("SkuPriceId", Type.TEXT), List.of(
                required("unitPrice", Type.NON_NEGATIVE_DECIMAL), required("currency", Type.CURRENCY),
                optional("pricingUnit", Type.TEXT)), defaultCurrency, null);
        this.models = new ReferenceRowShaper(required(MODEL_KEY, Type.TEXT), List.of(
                required(ModelPrice.CURRENCY, Type.CURRENCY),
                required(ModelPrice.INPUT, Type.NON_NEGATIVE_DECIMAL),
                required(ModelPrice.OUTPUT, Type.NON_NEGATIVE_DECIMAL),
                optional(ModelPrice.CACHED_INPUT, Type.NON_NEGATIVE_DECIMAL),
                optional(ModelPrice.CACHE_WRITE, Type.NON_NEGATIVE_DECIMAL),
                optional(ModelPrice.PER_REQUEST, Type.NON_NEGATIVE_DECIMAL)), defaultCurrency, PriceRowShaper::check);
    }

    @Override
    public OutgoingRecord shape(SourceItem.InputRow input) {
        ObjectNode row = input.fields();
        if (!isModelRow(row)) {
            return skus.shape(input);
        }
        String provider = text(row, PROVIDER);
        String model = text(row, MODEL);
        if (provider == null || model == null) {
            throw new RowRejectedException(ReferenceRowShaper.MISSING_KEY, (provider == null ? PROVIDER : MODEL)
                    + " is missing: a model price is keyed by provider/model");
        }
        ObjectNode keyed = row.deepCopy();
        keyed.put(MODEL_KEY, ModelPrice.key(provider, model));
        return models.shape(new SourceItem.InputRow(input.line(), keyed));
    }

    private static boolean isModelRow(ObjectNode row) {
        return LoadJson.findField(row, "SkuPriceId") == null && LoadJson.findField(row, MODEL) != null;
    }

    private static String text(ObjectNode row, String name) {
        String column = LoadJson.findField(row, name);
        JsonNode node = column == null ? null : row.get(column);
        return LoadJson.isAbsent(node) || node.isContainerNode() ? null : node.asText().trim();
    }

    private static void check(String key, byte[] value) {
        try {
            ModelPrice.parse("model " + key, value);
        } catch (RejectedRecordException e) {
            throw new RowRejectedException(e.reason(), e.getMessage());
        }
    }
}
