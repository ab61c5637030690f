package io.spendstream.ingest;

import io.spendstream.avro.CostRecord;

/**
 * Which cost rows take part in estimate supersession, and the key that brings a resource's estimates and its bill
 * together: ResourceId and a SKU ({@link EstimateSettings.Match}). A metered row takes part when it has both; a
 * billing row when it has both and its ChargeCategory is Usage (purchases, taxes, credits never supersede usage
 * estimates). Everything else passes the step untouched.
 */
record EstimateMatch(EstimateSettings.Match match) {

    boolean takesPart(CostRecord cost) {
        if (blank(cost.getResourceId()) || sku(cost) == null) {
            return false;
        }
        return isEstimate(cost) || "Usage".equalsIgnoreCase(cost.getChargeCategory());
    }

    static boolean isEstimate(CostRecord cost) {
        return FocusRowParser.COST_SOURCE_METERED.equals(cost.getCostSource());
    }

    /** The SKU half of the match key, or null when the row has neither SKU column. */
    String sku(CostRecord cost) {
        String first = match == EstimateSettings.Match.SKU_PRICE_ID ? cost.getSkuPriceId() : cost.getSkuId();
        String second = match == EstimateSettings.Match.SKU_PRICE_ID ? cost.getSkuId() : cost.getSkuPriceId();
        return !blank(first) ? first : !blank(second) ? second : null;
    }

    /** Length-prefixed, so that no ResourceId/SKU pair can collide with another. */
    String key(CostRecord cost) {
        String resource = cost.getResourceId();
        return resource.length() + ":" + resource + sku(cost);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
