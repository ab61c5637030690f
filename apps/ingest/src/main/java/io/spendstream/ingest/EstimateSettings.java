package io.spendstream.ingest;

import java.util.Locale;

import io.spendstream.runtime.config.BillLag;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * How metered estimates give way to the bill ({@link EstimateSupersession}).
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@value #SUPERSEDE}</td><td>{@code true}</td><td>bills supersede estimates; {@code false} removes the step
 *     (and its repartition topic and store): estimates and bills are then both counted</td></tr>
 * <tr><td>{@value #MATCH}</td><td>{@code sku-price-id}</td><td>the SKU half of the match key: {@code sku-price-id}
 *     (SkuPriceId, else SkuId) or {@code sku-id} (SkuId, else SkuPriceId), for exports whose bill rows carry other
 *     price ids than the metering feed</td></tr>
 * <tr><td>{@value BillLag#KEY}</td><td>{@code 2d}</td><td>an estimate hour still without a bill this long after it
 *     ended is reported ({@code spendstream.ingest.estimates.unbilled})</td></tr>
 * <tr><td>{@value BillingHorizon#KEY}</td><td>{@code 65d}</td><td>how long an estimate day is kept (stream time)</td></tr>
 * </table>
 */
public record EstimateSettings(boolean supersede, Match match, BillLag billLag, BillingHorizon horizon) {

    public static final String SUPERSEDE = "spendstream.ingest.estimates.supersede";
    public static final String MATCH = "spendstream.ingest.estimates.match";

    /** Which SKU column identifies what a metered row and a bill row are both about. */
    public enum Match {
        SKU_PRICE_ID("sku-price-id"), SKU_ID("sku-id");

        private final String text;

        Match(String text) {
            this.text = text;
        }

        static Match parse(String text) {
            for (Match match : values()) {
                if (match.text.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return match;
                }
            }
            throw new IllegalArgumentException("Setting " + MATCH + "=" + text + " must be sku-price-id or sku-id");
        }
    }

    public static EstimateSettings from(SpendstreamConfig config) {
        return new EstimateSettings(config.getBoolean(SUPERSEDE, true),
                Match.parse(config.get(MATCH, Match.SKU_PRICE_ID.text)), BillLag.from(config),
                BillingHorizon.from(config));
    }
}
